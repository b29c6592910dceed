import { _t } from "@web/core/l10n/translation";
import { PaymentInterface } from "@point_of_sale/app/payment/payment_interface";
import { register_payment_method } from "@point_of_sale/app/store/pos_store";
import { AlertDialog } from "@web/core/confirmation_dialog/confirmation_dialog";
import { makeAwaitable } from "@point_of_sale/app/store/make_awaitable_dialog";
import { NumberPopup } from "@point_of_sale/app/utils/input_popups/number_popup";

/**
 * The member's stored value as a payment terminal.
 *
 * Before a payment line is accepted, the server checks the card, the balance and (when the
 * chain asks for one) the member's PIN, and returns a token bound to member, order and amount.
 * The balance is only taken when the order syncs, in the same transaction that saves it: the
 * browser shows and asks, the server decides. A negative line (a refund) needs no check: the
 * sync gives the money back to the balance.
 */
export class ChainWalletPayment extends PaymentInterface {
    async send_payment_request(uuid) {
        super.send_payment_request(uuid);
        const order = this.pos.get_order();
        const line = order.get_paymentline_by_uuid(uuid);
        const partner = order.get_partner();
        if (!partner) {
            this._showError(_t("Select the member first: the stored value belongs to a member."));
            return false;
        }
        if (line.amount <= 0) {
            line.card_type = _t("Stored value");
            return true;
        }
        let kwargs = this._authorizeKwargs(order, line);
        for (;;) {
            let result;
            try {
                result = await this.pos.data.call(
                    "res.partner",
                    "chain_wallet_authorize",
                    [partner.id, line.amount, order.uuid, this.pos.config.id],
                    kwargs
                );
            } catch {
                this._showError(
                    _t("The server could not be reached to check the stored value. Try again or use another payment method.")
                );
                return false;
            }
            if (result.ok) {
                line.transaction_id = result.token || "";
                line.card_type = _t("Stored value");
                return true;
            }
            kwargs = await this._nextAuthorizeKwargs(result, kwargs);
            if (!kwargs) {
                return false;
            }
        }
    }

    /** The keyword arguments of the first authorisation call (other addons add theirs). */
    _authorizeKwargs(order, line) {
        // the card the member presented, if any: a blocked card is refused here already
        return { pin: null, card_number: order.chain_card_number || false };
    }

    /**
     * The server refused (``result``): the arguments of the next call, or null to give up
     * (after telling the cashier why).
     */
    async _nextAuthorizeKwargs(result, kwargs) {
        if (result.pin_required && kwargs.pin === null) {
            const pin = await this._askPin();
            return pin ? { ...kwargs, pin } : null;
        }
        this._showError(result.message);
        return null;
    }

    async send_payment_cancel() {
        return true;
    }

    async _askPin() {
        const pin = await makeAwaitable(this.env.services.dialog, NumberPopup, {
            title: _t("Member's payment PIN"),
            placeholder: _t("PIN"),
            formatDisplayedValue: (value) => "•".repeat(String(value).length),
        });
        return pin ? String(pin) : "";
    }

    _showError(message) {
        this.env.services.dialog.add(AlertDialog, { title: _t("Stored value"), body: message });
    }
}

register_payment_method("chain_wallet", ChainWalletPayment);
