import * as Chrome from "@point_of_sale/../tests/tours/utils/chrome_util";
import * as Dialog from "@point_of_sale/../tests/tours/utils/dialog_util";
import * as NumberPopup from "@point_of_sale/../tests/tours/utils/number_popup_util";
import * as Order from "@point_of_sale/../tests/tours/utils/generic_components/order_widget_util";
import * as PaymentScreen from "@point_of_sale/../tests/tours/utils/payment_screen_util";
import * as ProductScreen from "@point_of_sale/../tests/tours/utils/product_screen_util";
import * as ReceiptScreen from "@point_of_sale/../tests/tours/utils/receipt_screen_util";
import * as TicketScreen from "@point_of_sale/../tests/tours/utils/ticket_screen_util";
import * as Wallet from "@chain_wallet/../tests/tours/utils/chain_wallet_util";
import { inLeftSide } from "@point_of_sale/../tests/tours/utils/common";
import { registry } from "@web/core/registry";

const MEMBER = "AAA Wallet Member";

function start() {
    return [Chrome.startPoS(), Dialog.confirm("Open Register")].flat();
}

function selectMember() {
    return [ProductScreen.clickPartnerButton(), ProductScreen.clickCustomer(MEMBER)].flat();
}

/** The server accepted the stored value: the order is paid and validates itself. */
function storedValueAcceptedAndValidated() {
    return [ReceiptScreen.isShown(), ReceiptScreen.clickNextOrder()].flat();
}

function finish() {
    return [PaymentScreen.clickValidate(), ReceiptScreen.isShown(), ReceiptScreen.clickNextOrder()].flat();
}

/** Refund the whole order of ``price`` whose (only) line is ``product``. */
function refund(price, product, qty = "1") {
    return [
        ProductScreen.clickRefund(),
        TicketScreen.selectOrderByPrice(price),
        inLeftSide(Order.hasLine({ productName: product, withClass: ".selected" })),
        ProductScreen.clickNumpad(qty),
        TicketScreen.confirmRefund(),
        ProductScreen.isShown(),
        ProductScreen.clickPayButton(),
    ].flat();
}

registry.category("web_tour.tours").add("ChainWalletTour", {
    checkDelay: 50,
    steps: () =>
        [
            start(),

            // 1. Top up 100 for the member, paid in cash.
            selectMember(),
            ProductScreen.addOrderline("Stored-Value Top-up", "1", "100"),
            ProductScreen.clickPayButton(),
            PaymentScreen.clickPaymentMethod("Cash"),
            finish(),

            // 2. A 150 haircut paid 50 in cash and 100 from the balance (what it proposes).
            selectMember(),
            ProductScreen.addOrderline("Wallet Haircut", "1", "150"),
            ProductScreen.clickPayButton(),
            PaymentScreen.clickPaymentMethod("Cash"),
            PaymentScreen.enterPaymentLineAmount("Cash", "50"),
            PaymentScreen.remainingIs("100.00"),
            PaymentScreen.clickPaymentMethod("Stored Value"),
            Wallet.amountDialogProposes("100.00"),
            Wallet.confirmAmount(),
            storedValueAcceptedAndValidated(),

            // 3. Refund the haircut: the till proposes the original split, 100 back to the
            // balance and 50 in cash.
            refund("150.00", "Wallet Haircut"),
            Wallet.paymentLineIs("Stored Value", "-100.00"),
            Wallet.paymentLineIs("Cash", "-50.00"),
            PaymentScreen.remainingIs("0.00"),
            finish(),

            // 4. Use the member's count card: a zero-priced line that references it.
            selectMember(),
            ProductScreen.clickControlButton("Count Card"),
            inLeftSide(Order.hasLine({ productName: "Wallet Haircut (5 Wallet Haircuts)" })),
            ProductScreen.totalAmountIs("0.00"),
            ProductScreen.clickPayButton(),
            finish(),
        ].flat(),
});

/**
 * The balance (200) pays a typed part of a 150 haircut: more than the balance and more than
 * the amount due are refused, 30 goes through and cash pays the rest.
 */
registry.category("web_tour.tours").add("ChainWalletSplitTour", {
    checkDelay: 50,
    steps: () =>
        [
            start(),
            selectMember(),
            ProductScreen.addOrderline("Wallet Haircut", "1", "150"),
            ProductScreen.clickPayButton(),
            PaymentScreen.clickPaymentMethod("Stored Value"),
            Wallet.amountDialogProposes("150.00"),
            Wallet.typeAmount("500"),
            Wallet.amountRefused("holds only"),
            Wallet.eraseAmount(3),
            Wallet.typeAmount("180"),
            Wallet.amountRefused("is due"),
            Wallet.eraseAmount(3),
            Wallet.typeAmount("30"),
            Wallet.confirmAmount(),
            Wallet.paymentLineIs("Stored Value", "30.00"),
            PaymentScreen.remainingIs("120.00"),
            PaymentScreen.clickPaymentMethod("Cash"),
            PaymentScreen.selectedPaymentlineHas("Cash", "120.00"),
            finish(),
        ].flat(),
});

/** "Use the whole balance": the balance (80) pays what it holds, cash the rest of 150. */
registry.category("web_tour.tours").add("ChainWalletWholeBalanceTour", {
    checkDelay: 50,
    steps: () =>
        [
            start(),
            selectMember(),
            ProductScreen.addOrderline("Wallet Haircut", "1", "150"),
            ProductScreen.clickPayButton(),
            Wallet.payWholeBalance(),
            Wallet.paymentLineIs("Stored Value", "80.00"),
            PaymentScreen.remainingIs("70.00"),
            PaymentScreen.clickPaymentMethod("Cash"),
            finish(),
        ].flat(),
});

/**
 * A 100 colour paid 60 from the balance and 40 by bank card; its refund proposes 60 back to
 * the balance and 40 to the bank card; the stored value never takes more than its share.
 */
registry.category("web_tour.tours").add("ChainWalletRefundSplitTour", {
    checkDelay: 50,
    steps: () =>
        [
            start(),
            selectMember(),
            ProductScreen.addOrderline("Wallet Colour", "1", "100"),
            ProductScreen.clickPayButton(),
            Wallet.payFromBalance("60"),
            PaymentScreen.remainingIs("40.00"),
            PaymentScreen.clickPaymentMethod("Bank"),
            finish(),

            refund("100.00", "Wallet Colour"),
            Wallet.paymentLineIs("Stored Value", "-60.00"),
            Wallet.paymentLineIs("Bank", "-40.00"),
            PaymentScreen.remainingIs("0.00"),
            // the cashier removes the stored-value line and chooses the stored value again:
            // it gives back at most the original share
            PaymentScreen.clickPaymentlineDelButton("Stored Value", "-60.00"),
            PaymentScreen.clickPaymentMethod("Stored Value"),
            Wallet.amountDialogProposes("60.00"),
            Wallet.typeAmount("100"),
            Wallet.amountRefused("At most"),
            // 60 back to the balance completes the refund, which validates itself
            Wallet.useMax("Give back the original share"),
            storedValueAcceptedAndValidated(),
        ].flat(),
});

/**
 * A member whose card was reported lost pays from the balance: the till shows the alert and
 * asks for the member's PIN, though the chain does not ask for PINs otherwise.
 */
registry.category("web_tour.tours").add("ChainWalletCardLostTour", {
    checkDelay: 50,
    steps: () =>
        [
            start(),
            selectMember(),
            ProductScreen.addOrderline("Wallet Haircut", "1", "150"),
            ProductScreen.clickPayButton(),
            PaymentScreen.clickPaymentMethod("Stored Value"),
            {
                content: "the dialog says the card was reported lost",
                trigger: ".modal .o_chain_wallet_card_lost:contains(reported lost)",
            },
            Wallet.amountDialogProposes("150.00"),
            Wallet.confirmAmount(),
            Dialog.is({ title: "This member's card was reported lost" }),
            NumberPopup.enterValue("1234"),
            NumberPopup.isShown("••••"),
            Dialog.confirm(),
            storedValueAcceptedAndValidated(),
        ].flat(),
});
