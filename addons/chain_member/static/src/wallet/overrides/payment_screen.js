import { _t } from "@web/core/l10n/translation";
import { patch } from "@web/core/utils/patch";
import { AlertDialog } from "@web/core/confirmation_dialog/confirmation_dialog";
import { PaymentScreen } from "@point_of_sale/app/screens/payment_screen/payment_screen";

patch(PaymentScreen.prototype, {
    async addNewPaymentLine(paymentMethod) {
        if (!paymentMethod.chain_wallet) {
            return super.addNewPaymentLine(...arguments);
        }
        if (!this.currentOrder.get_partner()) {
            this.dialog.add(AlertDialog, {
                title: _t("Stored value"),
                body: _t("Select the member first: the stored value belongs to a member."),
            });
            return false;
        }
        // The stored-value method has no journal, which stock Odoo treats as a "customer
        // account" and warns about; that warning does not apply to the member's balance.
        const notification = this.notification;
        this.notification = { add: () => {} };
        try {
            return await super.addNewPaymentLine(...arguments);
        } finally {
            this.notification = notification;
        }
    },

    async _isOrderValid(isForceValidate) {
        const order = this.currentOrder;
        const needsMember =
            order.payment_ids.some((line) => line.payment_method_id.chain_wallet) ||
            order.lines.some(
                (line) =>
                    line.chain_count_card_package_id ||
                    line.chain_timed_session_id ||
                    line.product_id.chain_wallet_topup ||
                    line.product_id.chain_count_card
            );
        if (needsMember && !order.get_partner()) {
            this.dialog.add(AlertDialog, {
                title: _t("Member required"),
                body: _t("Stored value, count cards and timed services belong to a member: select the member first."),
            });
            return false;
        }
        return super._isOrderValid(...arguments);
    },
});
