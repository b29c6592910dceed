/**
 * Tour steps for the stored-value tender (chain_wallet): the amount dialog that opens when the
 * cashier chooses "Stored Value", and the payment lines it leaves. Other addons' tours import
 * them from "@chain_wallet/../tests/tours/utils/chain_wallet_util".
 */
import * as Dialog from "@point_of_sale/../tests/tours/utils/dialog_util";
import * as PaymentScreen from "@point_of_sale/../tests/tours/utils/payment_screen_util";

const DIALOG = ".modal .o_chain_wallet_amount";

/** The amount dialog is open. */
export function amountDialogIsOpen() {
    return [{ content: "the stored-value dialog is open", trigger: DIALOG }];
}

/** The amount dialog is open, prefilled with ``amount`` (a formatted figure, e.g. "100.00"). */
export function amountDialogProposes(amount) {
    return [
        {
            content: `the stored-value dialog proposes ${amount}`,
            trigger: `${DIALOG} .o_chain_wallet_amount_value:contains("${amount}")`,
        },
    ];
}

/** Type ``keys`` (digits, "." or "⌫") on the amount dialog's numpad. */
export function typeAmount(keys) {
    return keys.split("").map((key) => ({
        content: `stored-value dialog: press ${key}`,
        trigger: `${DIALOG} div.numpad button[value="${key}"]`,
        run: "click",
    }));
}

/** Erase what the amount dialog shows (``count`` backspaces). */
export function eraseAmount(count = 6) {
    return typeAmount("⌫".repeat(count));
}

/** The dialog refuses the typed amount with a message containing ``text``. */
export function amountRefused(text) {
    return [
        {
            content: `the stored-value dialog refuses the amount: ${text}`,
            trigger: `${DIALOG} .o_chain_wallet_refusal:contains("${text}")`,
        },
        {
            content: "its confirm button is disabled",
            trigger: ".modal .o_chain_wallet_confirm:disabled",
        },
    ];
}

/** Confirm the amount shown (the button "Pay", or "Give back" for a refund). */
export function confirmAmount() {
    return [
        {
            content: "confirm the stored-value amount",
            trigger: ".modal .o_chain_wallet_confirm:enabled",
            run: "click",
        },
        Dialog.isNot(),
    ];
}

/** Choose the stored value and pay ``amount`` from it (typed on the numpad). */
export function payFromBalance(amount) {
    return [
        PaymentScreen.clickPaymentMethod("Stored Value"),
        amountDialogIsOpen(),
        typeAmount(amount),
        {
            content: `the dialog shows ${amount}`,
            trigger: `${DIALOG} .o_chain_wallet_amount_value .input-value:contains("${amount}")`,
        },
        confirmAmount(),
    ].flat();
}

/** Take the most the dialog allows at one tap ("Use the whole balance", or for a refund
 * "Give back the original share"); ``label`` is a part of the button's text. */
export function useMax(label = "") {
    return [
        {
            content: `take the most the stored value allows ${label}`,
            trigger: `.modal .o_chain_wallet_use_max:contains("${label}")`,
            run: "click",
        },
        Dialog.isNot(),
    ];
}

/** Choose the stored value and take the most it can pay at one tap. */
export function payWholeBalance() {
    return [PaymentScreen.clickPaymentMethod("Stored Value"), useMax("Use the whole balance")].flat();
}

/** Choose the stored value and accept the amount it proposes. */
export function payProposedAmount() {
    return [PaymentScreen.clickPaymentMethod("Stored Value"), confirmAmount()].flat();
}

/** The payment screen has a line of ``method`` for ``amount`` (formatted, e.g. "-60.00"). */
export function paymentLineIs(method, amount) {
    return [
        {
            content: `a ${method} line of ${amount}`,
            trigger: `.paymentlines .paymentline .payment-infos:contains("${method}"):has(.payment-amount:contains("${amount}"))`,
        },
    ];
}
