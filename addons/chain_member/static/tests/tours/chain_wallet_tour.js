import * as Chrome from "@point_of_sale/../tests/tours/utils/chrome_util";
import * as Dialog from "@point_of_sale/../tests/tours/utils/dialog_util";
import * as Order from "@point_of_sale/../tests/tours/utils/generic_components/order_widget_util";
import * as PaymentScreen from "@point_of_sale/../tests/tours/utils/payment_screen_util";
import * as ProductScreen from "@point_of_sale/../tests/tours/utils/product_screen_util";
import * as ReceiptScreen from "@point_of_sale/../tests/tours/utils/receipt_screen_util";
import * as TicketScreen from "@point_of_sale/../tests/tours/utils/ticket_screen_util";
import { inLeftSide } from "@point_of_sale/../tests/tours/utils/common";
import { registry } from "@web/core/registry";

const MEMBER = "AAA Wallet Member";

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

registry.category("web_tour.tours").add("ChainWalletTour", {
    checkDelay: 50,
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),

            // 1. Top up 100 for the member, paid in cash.
            selectMember(),
            ProductScreen.addOrderline("Stored-Value Top-up", "1", "100"),
            ProductScreen.clickPayButton(),
            PaymentScreen.clickPaymentMethod("Cash"),
            finish(),

            // 2. A 150 haircut paid 50 in cash and 100 from the balance.
            selectMember(),
            ProductScreen.addOrderline("Wallet Haircut", "1", "150"),
            ProductScreen.clickPayButton(),
            PaymentScreen.clickPaymentMethod("Cash"),
            PaymentScreen.enterPaymentLineAmount("Cash", "50"),
            PaymentScreen.remainingIs("100.00"),
            PaymentScreen.clickPaymentMethod("Stored Value"),
            storedValueAcceptedAndValidated(),

            // 3. Refund the haircut: the money goes back to the balance.
            ProductScreen.clickRefund(),
            TicketScreen.selectOrderByPrice("150.00"),
            inLeftSide(Order.hasLine({ productName: "Wallet Haircut", withClass: ".selected" })),
            ProductScreen.clickNumpad("1"),
            TicketScreen.confirmRefund(),
            ProductScreen.isShown(),
            ProductScreen.clickPayButton(),
            PaymentScreen.clickPaymentMethod("Stored Value"),
            storedValueAcceptedAndValidated(),

            // 4. Use the member's count card: a zero-priced line that references it.
            selectMember(),
            ProductScreen.clickControlButton("Count Card"),
            inLeftSide(Order.hasLine({ productName: "Wallet Haircut (5 Wallet Haircuts)" })),
            ProductScreen.totalAmountIs("0.00"),
            ProductScreen.clickPayButton(),
            finish(),
        ].flat(),
});
