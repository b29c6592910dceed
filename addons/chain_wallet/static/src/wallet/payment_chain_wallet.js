import { _t } from "@web/core/l10n/translation";
import { PaymentInterface } from "@point_of_sale/app/payment/payment_interface";
import { register_payment_method } from "@point_of_sale/app/store/pos_store";
import { AlertDialog } from "@web/core/confirmation_dialog/confirmation_dialog";
import { makeAwaitable } from "@point_of_sale/app/store/make_awaitable_dialog";
import { NumberPopup } from "@point_of_sale/app/utils/input_popups/number_popup";
import { ChainWalletAmountPopup } from "@chain_wallet/wallet/wallet_amount_popup";

/**
 * The member's stored value as a payment terminal.
 *
 * Choosing it asks the cashier how much the balance pays (prefilled with the most it can:
 * the balance or the amount due, whichever is smaller). Before the line is accepted, the
 * server checks the card, the balance and (when the chain asks for one, or the member's card
 * was reported lost) the member's PIN, and returns a token bound to member, order and amount.
 * The balance is only taken when the order syncs, in the same transaction that saves it: the
 * browser shows and asks, the server decides.
 *
 * A refund gives back to the balance at most the share of the refunded orders that was paid
 * from it (``PosOrder.chainRefundSplit``); the sync checks it again.
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
        const due = order.get_due(line);
        if (this.env.utils.floatIsZero(due)) {
            this._showError(_t("Nothing is due on this order."));
            return false;
        }
        if (due < 0) {
            return this._giveBack(order, line, -due);
        }
        if (order.lines.some((orderLine) => orderLine.product_id.chain_wallet_topup)) {
            this._showError(
                _t("A top-up is paid with money, never from the stored value itself.")
            );
            return false;
        }
        return this._pay(order, line, partner, due);
    }

    /** A payment from the balance: ask the amount, then have the server authorise it. */
    async _pay(order, line, partner, due) {
        let member;
        try {
            member = await this._memberInfo(partner);
        } catch {
            this._showError(
                _t("The server could not be reached to check the stored value. Try again or use another payment method.")
            );
            return false;
        }
        const walletPaid = order.chainWalletPaid(line);
        const available =
            member.balance === null
                ? undefined
                : Math.max(this.env.utils.roundCurrency(member.balance - walletPaid), 0);
        if (available !== undefined && this.env.utils.floatIsZero(available)) {
            this._showError(
                walletPaid
                    ? _t("The stored value of %s is already used by this order.", partner.name)
                    : _t("%s has no stored value.", partner.name)
            );
            return false;
        }
        const amount = await makeAwaitable(this.env.services.dialog, ChainWalletAmountPopup, {
            title: _t("Pay from the stored value"),
            confirmButtonLabel: _t("Pay"),
            due,
            available,
            max: available === undefined ? due : Math.min(available, due),
            alert: member.cardLost ? this._cardLostMessage() : undefined,
        });
        if (!amount) {
            return false;
        }
        line.set_amount(amount);
        this._request = { cardLost: member.cardLost };
        try {
            return await this._authorize(order, line, partner);
        } finally {
            this._request = null;
        }
    }

    async _authorize(order, line, partner) {
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
            if (result.card_lost && this._request) {
                this._request.cardLost = true;
            }
            if (result.ok && !result.token && this._request?.cardLost && !kwargs.pin) {
                // the card was reported lost: the member's PIN, whatever the server asked
                const pin = await this._askPin();
                if (!pin) {
                    return false;
                }
                kwargs = { ...kwargs, pin };
                continue;
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

    /** A refund: what goes back to the balance, at most the refunded orders' share. */
    async _giveBack(order, line, due) {
        let split;
        try {
            split = await order.chainRefundSplit(this.pos.data.orm);
        } catch {
            this._showError(
                _t("The server could not be reached to read the refunded order. Try again or use another payment method.")
            );
            return false;
        }
        const givenBack = order.chainWalletGivenBack(line);
        const share = split ? this.env.utils.roundCurrency(split.wallet - givenBack) : 0;
        if (!(share > 0)) {
            this._showError(
                split?.wallet
                    ? _t("The stored value already gets back its share of the refunded order.")
                    : _t("Only the part of a refunded order that was paid from the stored value goes back to it. Refund this order with the method it was paid with.")
            );
            return false;
        }
        const amount = await makeAwaitable(this.env.services.dialog, ChainWalletAmountPopup, {
            title: _t("Give back to the stored value"),
            confirmButtonLabel: _t("Give back"),
            due,
            max: Math.min(share, due),
            refund: true,
        });
        if (!amount) {
            return false;
        }
        line.set_amount(-amount);
        line.card_type = _t("Stored value");
        return true;
    }

    /**
     * The member's balance (null when the till cannot read it) and whether the member's card
     * was reported lost, read fresh from the server (or from the member panel's summary).
     */
    async _memberInfo(partner) {
        const summary = this.pos.chainMembers?.[partner.id];
        const orm = this.pos.data.orm;
        let balance = null;
        let cardLost = Boolean(summary?.card_lost || summary?.card_state === "lost");
        try {
            const [row] = await orm.read("res.partner", [partner.id], ["wallet_balance"]);
            balance = row ? row.wallet_balance : null;
        } catch (error) {
            if (!summary) {
                throw error;
            }
            balance = summary.wallet_balance ?? null;
        }
        if (!cardLost) {
            try {
                cardLost =
                    (await orm.searchCount("chain.member.card", [
                        ["partner_id", "=", partner.id],
                        ["state", "=", "lost"],
                    ])) > 0;
            } catch {
                // the till cannot read cards (an alliance merchant): the server still asks
            }
        }
        return { balance, cardLost };
    }

    /** The keyword arguments of the first authorisation call (other addons add theirs). */
    _authorizeKwargs(order, line) {
        return {
            pin: null,
            // the card the member presented, if any: a blocked card is refused here already
            card_number: order.chain_card_number || false,
            // what the order's other stored-value lines already take: the PIN token covers the
            // order's total from the balance
            wallet_paid: order.chainWalletPaid(line),
        };
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
        this._showError(result.message, result.card_lost ? this._cardLostMessage() : undefined);
        return null;
    }

    async send_payment_cancel() {
        return true;
    }

    async _askPin() {
        const cardLost = Boolean(this._request?.cardLost);
        const pin = await makeAwaitable(this.env.services.dialog, NumberPopup, {
            title: cardLost ? this._cardLostMessage() : _t("Member's payment PIN"),
            subtitle: cardLost
                ? _t("Paying from the stored value needs the member's payment PIN.")
                : undefined,
            placeholder: _t("PIN"),
            formatDisplayedValue: (value) => "•".repeat(String(value).length),
        });
        return pin ? String(pin) : "";
    }

    _cardLostMessage() {
        return _t("This member's card was reported lost");
    }

    _showError(message, title = undefined) {
        this.env.services.dialog.add(AlertDialog, { title: title || _t("Stored value"), body: message });
    }
}

register_payment_method("chain_wallet", ChainWalletPayment);
