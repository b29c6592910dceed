import { _t } from "@web/core/l10n/translation";
import { patch } from "@web/core/utils/patch";
import { ControlButtons } from "@point_of_sale/app/screens/product_screen/control_buttons/control_buttons";
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
});
