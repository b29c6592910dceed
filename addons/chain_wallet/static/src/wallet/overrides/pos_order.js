import { patch } from "@web/core/utils/patch";
import { roundPrecision } from "@web/core/utils/numbers";
import { PosOrder } from "@point_of_sale/app/models/pos_order";

const PAYMENT_FIELDS = ["pos_order_id", "amount", "payment_method_id", "is_change"];

/**
 * The card the member presented (``chain_card_number``), saved with the order: the order sync
 * refuses a payment from the balance or a count-card use made with a card blocked since
 * (reported lost, replaced, expired, cancelled). Cleared when the order changes member.
 *
 * A refund gives money back in the proportions the refunded orders were paid with
 * (``chainRefundSplit``): the stored value gets back its share, never the whole refund.
 */
patch(PosOrder.prototype, {
    set_partner(partner) {
        if (partner !== this.get_partner()) {
            this.chain_card_number = false;
        }
        return super.set_partner(...arguments);
    },

    /** The member was identified by ``cardNumber`` (swiped or scanned card). */
    chainSetCardNumber(cardNumber) {
        this.chain_card_number = cardNumber || false;
    },

    /** What the order's stored-value lines other than ``line`` take (done, positive). */
    chainWalletPaid(line = null) {
        return this.payment_ids
            .filter(
                (other) =>
                    other !== line &&
                    other.payment_method_id.chain_wallet &&
                    other.amount > 0 &&
                    other.is_done()
            )
            .reduce((sum, other) => sum + other.amount, 0);
    },

    /** What the order's stored-value lines other than ``line`` give back (positive). */
    chainWalletGivenBack(line = null) {
        return -this.payment_ids
            .filter(
                (other) => other !== line && other.payment_method_id.chain_wallet && other.amount < 0
            )
            .reduce((sum, other) => sum + other.amount, 0);
    },

    /** True when every line of the order refunds a line of an earlier order. */
    chainIsPureRefund() {
        return (
            this.lines.length > 0 &&
            this.lines.every((line) => line.refunded_orderline_id && line.qty < 0)
        );
    },

    /** Map of each refunded order to what this order refunds of it (positive, taxes included). */
    chainRefundOrigins() {
        const origins = new Map();
        for (const line of this.lines) {
            const origin = line.refunded_orderline_id?.order_id;
            if (!origin || !(line.qty < 0)) {
                continue;
            }
            origins.set(origin, (origins.get(origin) || 0) - line.get_price_with_tax());
        }
        return origins;
    },

    /**
     * How a refund goes back, in the proportions each refunded order was paid with:
     * ``{wallet, others: [{method, amount}], refunded}`` (positive amounts), or null when the
     * order refunds nothing. The stored-value part is rounded down (the server refuses more
     * than the original share); the other tenders share the rest as the original did.
     *
     * The refunded orders' payments are those the POS loaded with them (the ticket screen
     * loads them); ``orm`` reads those it has not.
     */
    async chainRefundSplit(orm) {
        const origins = this.chainRefundOrigins();
        if (!origins.size) {
            return null;
        }
        const payments = await this._chainOriginPayments([...origins.keys()], orm);
        const rounding = this.currency.rounding;
        const floor = (amount) =>
            roundPrecision(Math.floor(amount / rounding + 1e-6) * rounding, rounding);
        const round = (amount) => roundPrecision(amount, rounding);
        let wallet = 0;
        let refunded = 0;
        const others = new Map();
        for (const [origin, amount] of origins) {
            const total = origin.amount_total || origin.get_total_with_tax();
            const lines = payments.get(origin) || [];
            if (!(total > 0) || !(amount > 0)) {
                continue;
            }
            refunded += amount;
            const paidWallet = lines
                .filter((payment) => payment.method?.chain_wallet)
                .reduce((sum, payment) => sum + payment.amount, 0);
            const walletPart = Math.min(
                floor((amount * Math.max(paidWallet, 0)) / total),
                Math.max(paidWallet, 0)
            );
            wallet += walletPart;
            const byMethod = new Map();
            for (const payment of lines) {
                if (payment.method && !payment.method.chain_wallet) {
                    byMethod.set(payment.method, (byMethod.get(payment.method) || 0) + payment.amount);
                }
            }
            const paidOthers = [...byMethod.values()].reduce((sum, value) => sum + value, 0);
            let rest = round(Math.min(amount, total) - walletPart);
            const entries = [...byMethod.entries()].filter(([, value]) => value > 0);
            entries.forEach(([method, value], index) => {
                const part =
                    index === entries.length - 1 ? rest : round((rest * value) / paidOthers);
                others.set(method, round((others.get(method) || 0) + part));
                rest = round(rest - part);
            });
        }
        if (!refunded) {
            return null;
        }
        return {
            wallet: round(wallet),
            refunded: round(refunded),
            others: [...others.entries()].map(([method, amount]) => ({ method, amount })),
        };
    },

    /** Map of each order to its payments ``[{method, amount}]`` (change lines included). */
    async _chainOriginPayments(origins, orm) {
        const result = new Map();
        const missing = [];
        for (const origin of origins) {
            if (origin.payment_ids?.length) {
                result.set(
                    origin,
                    origin.payment_ids.map((payment) => ({
                        method: payment.payment_method_id,
                        amount: payment.amount,
                    }))
                );
            } else if (typeof origin.id === "number") {
                missing.push(origin);
            }
        }
        if (missing.length && orm) {
            const rows = await orm.searchRead(
                "pos.payment",
                [["pos_order_id", "in", missing.map((origin) => origin.id)]],
                PAYMENT_FIELDS
            );
            const methods = this.models["pos.payment.method"];
            for (const origin of missing) {
                result.set(
                    origin,
                    rows
                        .filter((row) => row.pos_order_id[0] === origin.id)
                        .map((row) => ({
                            method: methods.get(row.payment_method_id[0]),
                            amount: row.amount,
                        }))
                );
            }
        }
        return result;
    },
});
