import { _t } from "@web/core/l10n/translation";
import { NumberPopup } from "@point_of_sale/app/utils/input_popups/number_popup";

/**
 * How much of the stored value the order takes (or, for a refund, gives back): the cashier
 * types the amount on the numpad, prefilled with the most that can go through (``max``), or
 * takes that most at one tap. More than the balance, the amount due or (for a refund) the
 * refunded order's share is refused here already; the server checks it again.
 *
 * The payload is the amount (a positive number), nothing when the cashier discards.
 */
export class ChainWalletAmountPopup extends NumberPopup {
    static template = "chain_wallet.ChainWalletAmountPopup";
    static props = {
        ...NumberPopup.props,
        // the most the line can take: min(available, due), or the refund's share
        max: Number,
        // what is due (positive: to pay, or to give back for a refund)
        due: Number,
        // what the balance still holds for this order (a payment; unknown when not given)
        available: { type: Number, optional: true },
        // a refund: the amount goes back to the balance
        refund: { type: Boolean, optional: true },
        // shown in red above the amount (card reported lost)
        alert: { type: String, optional: true },
    };
    static defaultProps = {
        ...NumberPopup.defaultProps,
        refund: false,
    };

    setup() {
        super.setup();
        this.state.buffer = this.formatAmount(this.props.max, false);
    }

    formatAmount(amount, withSymbol = true) {
        return this.env.utils.formatCurrency(amount, withSymbol);
    }

    /** The amount typed, or NaN. */
    get amount() {
        const buffer = String(this.state.buffer ?? "");
        if (!this.env.utils.isValidFloat(buffer)) {
            return NaN;
        }
        return this.env.utils.roundCurrency(this.env.utils.parseValidFloat(buffer));
    }

    get isAmountValid() {
        const amount = this.amount;
        return Number.isFinite(amount) && amount > 0 && !this.refusal;
    }

    /** Why the typed amount cannot go through, or "". */
    get refusal() {
        const amount = this.amount;
        if (!Number.isFinite(amount) || amount <= 0) {
            return "";
        }
        if (!(this.env.utils.roundCurrency(amount - this.props.max) > 0)) {
            return "";
        }
        if (this.props.refund) {
            return _t(
                "At most %s goes back to the stored value: the share of the refunded order that was paid from it.",
                this.formatAmount(this.props.max)
            );
        }
        const available = this.props.available;
        if (available !== undefined && this.env.utils.roundCurrency(amount - available) > 0) {
            return _t("The stored value holds only %s.", this.formatAmount(available));
        }
        return _t("Only %s is due.", this.formatAmount(this.props.due));
    }

    get useMaxLabel() {
        if (this.props.refund) {
            return _t("Give back the original share (%s)", this.formatAmount(this.props.max));
        }
        const available = this.props.available;
        if (available !== undefined && this.env.utils.roundCurrency(available - this.props.due) < 0) {
            return _t("Use the whole balance (%s)", this.formatAmount(this.props.max));
        }
        return _t("Pay all that is due (%s)", this.formatAmount(this.props.max));
    }

    useMax() {
        this.props.getPayload(this.props.max);
        this.props.close();
    }

    confirm() {
        if (!this.isAmountValid) {
            return;
        }
        this.props.getPayload(this.amount);
        this.props.close();
    }
}
