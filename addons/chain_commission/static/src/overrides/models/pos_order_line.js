import { _t } from "@web/core/l10n/translation";
import { patch } from "@web/core/utils/patch";
import { PosOrderline } from "@point_of_sale/app/models/pos_order_line";
import { SERIALIZABLE_MODELS } from "@point_of_sale/app/models/related_models";

export const SHARE_MODEL = "chain.pos.order.line.share";

// The staff shares of a line go to the server with the line, as its one2many
// ``chain_staff_share_ids`` ([0, 0, {employee_id, share}], [2, id]); the server checks them.
SERIALIZABLE_MODELS.push(SHARE_MODEL);

/** A share as the till shows it: "60%", "33.33%". */
export function formatShare(share) {
    return `${Math.round(share * 100) / 100}%`;
}

patch(PosOrderline.prototype, {
    /** The line's staff shares (none on a till of no chain store). */
    get chainStaffShares() {
        return this.chain_staff_share_ids || [];
    },

    /** The name of the employee ``employeeId`` among the staff of the till's store. */
    chainStaffName(employeeId) {
        const employee = (this.config.chain_commission_staff || []).find(
            (emp) => emp.id === employeeId
        );
        return employee ? employee.name : _t("Employee %s", employeeId);
    },

    /**
     * Name these employees on the line: ``shares`` [{ employeeId, share }] replace the line's
     * shares (an empty list: the server credits the order's employee).
     */
    chainSetStaffShares(shares) {
        for (const share of [...this.chainStaffShares]) {
            share.delete({ backend: typeof share.id === "number" });
        }
        for (const { employeeId, share } of shares) {
            this.models[SHARE_MODEL].create({ line_id: this, employee_id: employeeId, share });
        }
        this.setDirty();
    },

    getDisplayData() {
        const data = super.getDisplayData(...arguments);
        const shares = this.chainStaffShares;
        if (!shares.length) {
            return data;
        }
        const staff = shares
            .map((share) => `${this.chainStaffName(share.employee_id)} ${formatShare(share.share)}`)
            .join(" · ");
        return { ...data, chainStaff: staff };
    },
});
