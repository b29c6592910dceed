import { _t } from "@web/core/l10n/translation";
import { AlertDialog } from "@web/core/confirmation_dialog/confirmation_dialog";
import { PaymentInterface } from "@point_of_sale/app/payment/payment_interface";
import { register_payment_method } from "@point_of_sale/app/store/pos_store";
import { makeAwaitable } from "@point_of_sale/app/store/make_awaitable_dialog";
import { NumberPopup } from "@point_of_sale/app/utils/input_popups/number_popup";

/**
 * The points tender. The till proposes the most the member may pay with points on this order
 * (balance, the program's limits, the amount due), asks the cashier to confirm the amount, and
 * has the server authorize it. The points are debited by the server when the order syncs;
 * a refund's points line gives back the share of the points the refunded order spent.
 */
export class PaymentChainPoints extends PaymentInterface {
    async send_payment_request(uuid) {
        await super.send_payment_request(...arguments);
        const order = this.pos.get_order();
        const line = order.payment_ids.find((payment) => payment.uuid === uuid);
        const partner = order.get_partner();
        if (!partner?.is_member) {
            this._alert(_t("Select the member first: points belong to a member."));
            return false;
        }
        try {
            if (line.amount < 0) {
                return await this._giveBack(order, line);
            }
            return await this._pay(order, line, partner);
        } catch {
            this._alert(_t("Paying with points needs the connection to the server."));
            return false;
        }
    }

    send_payment_cancel() {
        return Promise.resolve(true);
    }

    async _pay(order, line, partner) {
        const summary = await this.pos.chainRefreshMember(partner, true);
        const pointValue = summary.point_value || 0.01;
        const maxAmount = this._maxAmount(order, line, summary);
        if (maxAmount <= 0) {
            this._alert(_t("%s has no points to pay this order with.", partner.name));
            return false;
        }
        const format = (amount) => this.env.utils.formatCurrency(amount);
        const entered = await makeAwaitable(this.pos.dialog, NumberPopup, {
            title: _t("Pay with points"),
            subtitle: _t("%(points)s points available (%(value)s); at most %(max)s on this order.", {
                points: summary.points_balance,
                value: format(summary.points_value),
                max: format(maxAmount),
            }),
            startingValue: maxAmount,
            confirmButtonLabel: _t("Pay"),
        });
        if (entered === undefined || entered === null || entered === "") {
            return false;
        }
        const amount = Math.min(parseFloat(entered), maxAmount);
        if (!(amount > 0)) {
            return false;
        }
        const rounded = Math.round((Math.floor(amount / pointValue + 1e-6) * pointValue) * 100) / 100;
        line.set_amount(rounded);
        const kwargs = {
            card_number: order.chain_card_number || false,
            order_uuid: order.uuid,
            pin: null,
        };
        for (;;) {
            const result = await this.pos.data.call(
                "res.partner",
                "chain_points_authorize",
                [partner.id, rounded, order.get_total_with_tax(), this.pos.config.id],
                kwargs
            );
            if (result.ok) {
                line.chain_points = result.points;
                line.transaction_id = result.token || "";
                return true;
            }
            if (result.pin_required && kwargs.pin === null) {
                // the member's card was reported lost: the member confirms with the PIN
                const pin = await this._askPin();
                if (!pin) {
                    return false;
                }
                kwargs.pin = pin;
                continue;
            }
            this._alert(
                result.message,
                result.card_lost ? _t("This member's card was reported lost") : undefined
            );
            return false;
        }
    }

    async _askPin() {
        const pin = await makeAwaitable(this.pos.dialog, NumberPopup, {
            title: _t("This member's card was reported lost"),
            subtitle: _t("Paying with points needs the member's payment PIN."),
            placeholder: _t("PIN"),
            formatDisplayedValue: (value) => "•".repeat(String(value).length),
        });
        return pin ? String(pin) : "";
    }

    _maxAmount(order, line, summary) {
        const pointValue = summary.point_value || 0.01;
        const total = order.get_total_with_tax();
        const due = order.get_due() + line.amount;
        let maxPoints = summary.points_balance || 0;
        if (summary.redeem_max_points) {
            maxPoints = Math.min(maxPoints, summary.redeem_max_points);
        }
        const byShare = (total * (summary.redeem_max_percent || 100)) / 100;
        const amount = Math.min(maxPoints * pointValue, byShare, due);
        if (Math.floor(amount / pointValue + 1e-6) < (summary.redeem_min_points || 0)) {
            return 0;
        }
        return Math.floor(amount / pointValue + 1e-6) * pointValue;
    }

    async _giveBack(order, line) {
        const refunded = order.lines.find((l) => l.refunded_orderline_id)?.refunded_orderline_id;
        const refundedOrderId = refunded?.order_id?.id;
        if (!refundedOrderId) {
            this._alert(_t("Points are given back only when refunding an order paid with points."));
            return false;
        }
        const result = await this.pos.data.call("pos.order", "chain_points_refund_amount", [
            refundedOrderId,
            order.get_total_with_tax(),
        ]);
        if (!result.points) {
            this._alert(_t("The refunded order was not paid with points."));
            return false;
        }
        line.set_amount(Math.max(result.amount, order.get_due() + line.amount));
        return true;
    }

    _alert(body, title = undefined) {
        this.pos.dialog.add(AlertDialog, { title: title || _t("Points"), body });
    }
}

register_payment_method("chain_points", PaymentChainPoints);
