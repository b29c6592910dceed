import { _t } from "@web/core/l10n/translation";
import { patch } from "@web/core/utils/patch";
import { ControlButtons } from "@point_of_sale/app/screens/product_screen/control_buttons/control_buttons";
import { makeAwaitable } from "@point_of_sale/app/store/make_awaitable_dialog";
import { NumberPopup } from "@point_of_sale/app/utils/input_popups/number_popup";
import { SelectionPopup } from "@point_of_sale/app/utils/input_popups/selection_popup";
import { ChainStaffShareDialog } from "@chain_commission/app/components/staff_share_dialog/staff_share_dialog";

patch(ControlButtons.prototype, {
    /** Name who sold or performed the selected line, and their shares (chain tills). */
    clickChainStaff() {
        const line = this.currentOrder?.get_selected_orderline();
        if (!line) {
            this.notification.add(_t("Select a line first."), { type: "warning" });
            return;
        }
        this.dialog.add(ChainStaffShareDialog, {
            line,
            staff: this.pos.config.chain_commission_staff || [],
        });
    },
    /**
     * Clock an employee of the store in or out (打卡): pick the employee, type their PIN; the
     * server checks the PIN and writes the attendance in this store.
     */
    async clickChainPunch() {
        const staff = this.pos.config.chain_commission_staff || [];
        const employee = await makeAwaitable(this.dialog, SelectionPopup, {
            title: _t("Who clocks in or out?"),
            list: staff.map((member) => ({
                id: member.id,
                label: member.level ? `${member.name} (${member.level})` : member.name,
                item: member,
            })),
        });
        if (!employee) {
            return;
        }
        const pin = await makeAwaitable(this.dialog, NumberPopup, {
            title: _t("PIN"),
            subtitle: employee.name,
            formatDisplayedValue: (x) => x.replace(/./g, "•"),
        });
        if (!pin) {
            return;
        }
        const result = await this.pos.data.call("pos.config", "chain_attendance_punch", [
            [this.pos.config.id],
            employee.id,
        ], { pin: String(pin) });
        this.notification.add(result.message, {
            type: result.ok ? "success" : "danger",
            className: "chain-punch-result",
        });
    },
});
