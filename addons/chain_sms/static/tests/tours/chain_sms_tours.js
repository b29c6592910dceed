import * as Chrome from "@point_of_sale/../tests/tours/utils/chrome_util";
import * as Dialog from "@point_of_sale/../tests/tours/utils/dialog_util";
import * as PaymentScreen from "@point_of_sale/../tests/tours/utils/payment_screen_util";
import * as ProductScreen from "@point_of_sale/../tests/tours/utils/product_screen_util";
import * as ReceiptScreen from "@point_of_sale/../tests/tours/utils/receipt_screen_util";
import * as Wallet from "@chain_wallet/../tests/tours/utils/chain_wallet_util";
import { registry } from "@web/core/registry";

const DIALOG = ".o_chain_sms_code_dialog";

function enterCode(code) {
    return [
        {
            content: `enter the SMS code ${code}`,
            trigger: `${DIALOG} .o_chain_sms_code_input`,
            run: `edit ${code}`,
        },
        {
            content: "confirm the code",
            trigger: `${DIALOG} .o_chain_sms_code_confirm:enabled`,
            run: "click",
        },
    ];
}

/**
 * An 800 payment from the balance: the till asks for the SMS code, a wrong code is refused
 * with a message that clears when the cashier types again, the right one validates the order.
 * The Python side fixes the code the member receives (123456).
 */
registry.category("web_tour.tours").add("ChainSmsPaymentCodeTour", {
    checkDelay: 50,
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            ProductScreen.clickPartnerButton(),
            ProductScreen.clickCustomer("AAA SMS Member"),
            ProductScreen.addOrderline("SMS Haircut", "1", "800"),
            ProductScreen.clickPayButton(),
            PaymentScreen.clickPaymentMethod("Stored Value"),
            Wallet.amountDialogProposes("800.00"),
            Wallet.confirmAmount(),
            {
                content: "the till asks for the code sent to the member's mobile",
                trigger: `${DIALOG} .o_chain_sms_code_mobile:contains(8188)`,
            },
            enterCode("111111"),
            {
                content: "a wrong code is refused",
                trigger: `${DIALOG} .o_chain_sms_code_error:contains(Wrong code)`,
            },
            {
                content: "typing again clears the error",
                trigger: `${DIALOG} .o_chain_sms_code_input`,
                run: "edit 1",
            },
            {
                content: "no error is shown any more",
                trigger: `${DIALOG}:not(:has(.o_chain_sms_code_error))`,
            },
            enterCode("123456"),
            ReceiptScreen.isShown(),
            ReceiptScreen.clickNextOrder(),
        ].flat(),
});
