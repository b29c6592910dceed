import { _t } from "@web/core/l10n/translation";
import { patch } from "@web/core/utils/patch";
import { AlertDialog } from "@web/core/confirmation_dialog/confirmation_dialog";
import { PaymentScreen } from "@point_of_sale/app/screens/payment_screen/payment_screen";

patch(PaymentScreen.prototype, {
    onMounted() {
        super.onMounted(...arguments);
        this.chainProposeRefundSplit();
    },

    /**
     * A refund of an order paid partly from the stored value: propose the original split (the
     * stored value gets back its share, the other tenders the rest), never the whole refund
     * into the balance. Proposed once per order, only while it has no payment line; the
     * cashier may delete the lines. A tender that needs a terminal (a card terminal, points)
     * is left to the cashier.
     */
    async chainProposeRefundSplit() {
        const order = this.currentOrder;
        const walletMethod = this.payment_methods_from_config.find((method) => method.chain_wallet);
        if (
            !walletMethod ||
            order.chainRefundProposed ||
            order.payment_ids.length ||
            !order.chainIsPureRefund()
        ) {
            return;
        }
        order.chainRefundProposed = true;
        let split;
        try {
            split = await order.chainRefundSplit(this.pos.data.orm);
        } catch {
            return; // offline: the cashier chooses; the stored value's own dialog checks again
        }
        if (!split || !(split.wallet > 0) || order.payment_ids.length || order.finalized) {
            return;
        }
        const due = -order.get_due();
        const wallet = Math.min(split.wallet, due);
        const walletLine = order.add_paymentline(walletMethod);
        if (!walletLine) {
            return;
        }
        walletLine.set_amount(-wallet);
        // given back without a terminal request (a refund needs no authorisation); no status,
        // so that the cashier may still delete it
        walletLine.set_payment_status(undefined);
        walletLine.card_type = _t("Stored value");
        for (const { method, amount } of split.others) {
            const rest = -order.get_due();
            const usable =
                this.payment_methods_from_config.includes(method) &&
                !method.payment_terminal &&
                method.payment_method_type !== "qr_code";
            if (!usable || !(rest > 0)) {
                continue;
            }
            order.add_paymentline(method).set_amount(-Math.min(amount, rest));
        }
        this.numberBuffer.reset();
    },

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
