import { registry } from "@web/core/registry";
import * as Chrome from "@point_of_sale/../tests/tours/utils/chrome_util";
import * as Dialog from "@point_of_sale/../tests/tours/utils/dialog_util";
import * as PaymentScreen from "@point_of_sale/../tests/tours/utils/payment_screen_util";
import * as ProductScreen from "@point_of_sale/../tests/tours/utils/product_screen_util";
import * as ReceiptScreen from "@point_of_sale/../tests/tours/utils/receipt_screen_util";
import { scan_barcode } from "@point_of_sale/../tests/tours/utils/common";
import {
    fillRegistration,
    findMember,
    openRegistration,
    panelShowsMember,
} from "@chain_member/../tests/tours/utils/chain_member_util";

// Set up by chain_member/tests/test_frontend.py
const CARD_NUMBER = "8860999900000022";

function sellAndPayInCash(product) {
    return [
        ProductScreen.clickDisplayedProduct(product),
        ProductScreen.clickPayButton(),
        PaymentScreen.clickPaymentMethod("Cash"),
        PaymentScreen.clickValidate(),
        ReceiptScreen.isShown(),
        ReceiptScreen.clickNextOrder(),
    ];
}

registry.category("web_tour.tours").add("ChainMemberTillTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            // A card swiped on the reader arrives as a barcode scan of the card number.
            ...scan_barcode(CARD_NUMBER),
            panelShowsMember("Tour Card Member"),
            {
                content: "the panel shows the member's tier",
                trigger: ".chain-member-panel .chain-member-tier:contains('Tour Silver')",
            },
            {
                content: "the panel shows the end of the card number only",
                trigger: ".chain-member-panel .chain-member-card:contains('0022')",
            },
            ProductScreen.customerIsSelected("Tour Card Member"),
            ...sellAndPayInCash("Tour Haircut"),
            // The panel's "Find member" takes a mobile number (an exact match on the server).
            ...findMember("13900139002"),
            panelShowsMember("Zzz Tour Phone Member"),
            ProductScreen.customerIsSelected("Zzz Tour Phone Member"),
            ...sellAndPayInCash("Tour Haircut"),
            // A number nobody has: the till says so and the order keeps no member.
            ...findMember("13900139999"),
            {
                content: "the till says no member was found",
                trigger: ".o_notification:contains('No member found')",
            },
            {
                content: "the order still has no member",
                trigger: ".chain-member-panel .chain-member-register",
            },
            // Quick registration: name and mobile, then the order is the new member's.
            openRegistration(),
            ...fillRegistration("Tour New Member", "13900139077"),
            ProductScreen.customerIsSelected("Tour New Member"),
            panelShowsMember("Tour New Member"),
            ...sellAndPayInCash("Tour Haircut"),
        ].flat(),
});
