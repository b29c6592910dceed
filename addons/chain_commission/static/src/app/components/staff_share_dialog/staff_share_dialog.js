import { _t } from "@web/core/l10n/translation";
import { Component, useState } from "@odoo/owl";
import { Dialog } from "@web/core/dialog/dialog";
import { formatShare } from "@chain_commission/overrides/models/pos_order_line";

/** Shares split evenly between ``count`` employees, adding up to exactly 100. */
function evenShares(count) {
    const share = Math.floor(10000 / count) / 100;
    const last = Math.round((100 - share * (count - 1)) * 100) / 100;
    return Array.from({ length: count }, (_, index) => (index === count - 1 ? last : share));
}

/**
 * Who sold or performed a line (导购/技师) and their shares: the cashier picks one or several
 * employees of the till's store; the shares are percentages, split evenly by default, and add
 * up to 100. The server checks them again with the order.
 */
export class ChainStaffShareDialog extends Component {
    static template = "chain_commission.ChainStaffShareDialog";
    static components = { Dialog };
    static props = { line: Object, staff: Array, close: Function };

    setup() {
        const current = new Map(
            this.props.line.chainStaffShares.map((share) => [share.employee_id, share.share])
        );
        this.state = useState({
            rows: this.props.staff.map((employee) => ({
                ...employee,
                selected: current.has(employee.id),
                share: current.has(employee.id) ? String(current.get(employee.id)) : "",
            })),
            error: "",
        });
    }

    get selectedRows() {
        return this.state.rows.filter((row) => row.selected);
    }

    toggle(row) {
        row.selected = !row.selected;
        row.share = "";
        const selected = this.selectedRows;
        evenShares(selected.length).forEach((share, index) => {
            selected[index].share = String(share);
        });
        this.state.error = "";
    }

    /** The shares typed, or an error message. */
    checkedShares() {
        const shares = this.selectedRows.map((row) => ({
            employeeId: row.id,
            share: Number(String(row.share).replace(",", ".").trim()),
        }));
        if (shares.some(({ share }) => !(share > 0 && share <= 100))) {
            return { error: _t("Each share is a percentage above 0 and at most 100.") };
        }
        const total = shares.reduce((sum, { share }) => sum + share, 0);
        if (shares.length && Math.abs(total - 100) >= 0.005) {
            return {
                error: _t("The shares add up to %(total)s, not 100%.", {
                    total: formatShare(total),
                }),
            };
        }
        return { shares };
    }

    confirm() {
        const { shares, error } = this.checkedShares();
        if (error) {
            this.state.error = error;
            return;
        }
        this.props.line.chainSetStaffShares(shares);
        this.props.close();
    }
}
