import { registry } from "@web/core/registry";
import * as Chrome from "@point_of_sale/../tests/tours/utils/chrome_util";
import * as Dialog from "@point_of_sale/../tests/tours/utils/dialog_util";
import * as NumberPopup from "@point_of_sale/../tests/tours/utils/number_popup_util";
import * as PaymentScreen from "@point_of_sale/../tests/tours/utils/payment_screen_util";
import * as ProductScreen from "@point_of_sale/../tests/tours/utils/product_screen_util";
import * as ReceiptScreen from "@point_of_sale/../tests/tours/utils/receipt_screen_util";
import * as TicketScreen from "@point_of_sale/../tests/tours/utils/ticket_screen_util";
import { scan_barcode } from "@point_of_sale/../tests/tours/utils/common";
import * as PosLoyalty from "@pos_loyalty/../tests/tours/utils/pos_loyalty_util";
import * as Wallet from "@chain_wallet/../tests/tours/utils/chain_wallet_util";
import {
    fillRegistration,
    openRegistration,
    panelShowsMember,
} from "@chain_member/../tests/tours/utils/chain_member_util";

// Set up by chain_loyalty/tests/test_frontend.py
const CARD_NUMBER = "8860999900000014";

function panelShows(name, points) {
    return [
        panelShowsMember(name),
        {
            content: `the member panel shows ${points} points`,
            trigger: `.chain-member-panel .chain-member-points strong:contains("${points}")`,
        },
    ];
}

function receiptShows(selector, text) {
    return {
        content: `the receipt shows ${text}`,
        trigger: `.receipt-screen .chain-member-receipt ${selector}:contains("${text}")`,
    };
}

function payInCash() {
    return [
        ProductScreen.clickPayButton(),
        PaymentScreen.clickPaymentMethod("Cash"),
        PaymentScreen.clickValidate(),
        ReceiptScreen.isShown(),
    ];
}

registry.category("web_tour.tours").add("ChainLoyaltyFindAndEarnTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            // A card swiped on the reader arrives as a barcode scan of the card number.
            ...scan_barcode(CARD_NUMBER),
            ...panelShows("Tour Card Member", "1000"),
            ProductScreen.customerIsSelected("Tour Card Member"),
            ProductScreen.clickDisplayedProduct("Tour Rice"),
            ...payInCash(),
            receiptShows(".chain-points-earned", "50"),
            receiptShows(".chain-points-balance", "1050"),
            ReceiptScreen.clickNextOrder(),
            // Typing a phone number asks the server (exact match first).
            ProductScreen.clickDisplayedProduct("Tour Rice"),
            ProductScreen.clickPartnerButton(),
            {
                content: "type the member's mobile number",
                trigger: ".modal-dialog .input-group input",
                run: "edit 13900139002",
            },
            {
                content: "the server found the member",
                trigger: ".partner-list .partner-line:first-child:contains('Zzz Tour Phone Member')",
                run: "click",
            },
            ProductScreen.customerIsSelected("Zzz Tour Phone Member"),
            ...panelShows("Zzz Tour Phone Member", "0"),
            ...payInCash(),
            receiptShows(".chain-points-earned", "50"),
            ReceiptScreen.clickNextOrder(),
        ].flat(),
});

registry.category("web_tour.tours").add("ChainLoyaltyRedeemSplitRefundTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            ...scan_barcode(CARD_NUMBER),
            ...panelShows("Tour Card Member", "5000"),
            ProductScreen.clickDisplayedProduct("Tour Rice"),
            ProductScreen.clickDisplayedProduct("Tour Rice"),
            ProductScreen.totalAmountIs("100.00"),
            ProductScreen.clickPayButton(),
            // Points: the till proposes the most the member may pay; the cashier pays 20.00.
            PaymentScreen.clickPaymentMethod("Points"),
            NumberPopup.enterValue("20"),
            Dialog.confirm("Pay"),
            PaymentScreen.remainingIs("80.00"),
            // Cash: 50.00; stored value: the rest (30.00), which completes and validates the order.
            PaymentScreen.clickPaymentMethod("Cash"),
            PaymentScreen.clickNumpad("5 0"),
            PaymentScreen.remainingIs("30.00"),
            PaymentScreen.clickPaymentMethod("Stored Value"),
            Wallet.amountDialogProposes("30.00"),
            Wallet.confirmAmount(),
            ReceiptScreen.isShown(),
            receiptShows(".chain-points-spent", "2000"),
            receiptShows(".chain-points-earned", "80"),
            receiptShows(".chain-points-balance", "3080"),
            ReceiptScreen.clickNextOrder(),
            // Refund the whole order: the points come back in proportion, the earned points go.
            ...ProductScreen.clickRefund(),
            TicketScreen.selectOrder("-0001"),
            ProductScreen.clickNumpad("2"),
            TicketScreen.toRefundTextContains("To Refund: 2.00"),
            TicketScreen.confirmRefund(),
            ProductScreen.isShown(),
            ProductScreen.clickPayButton(),
            // The till proposes the original split of the money: 30.00 back to the stored
            // value, 50.00 in cash; the points come back last (which validates the refund).
            Wallet.paymentLineIs("Stored Value", "-30.00"),
            Wallet.paymentLineIs("Cash", "-50.00"),
            PaymentScreen.clickPaymentMethod("Points"),
            ReceiptScreen.isShown(),
            receiptShows(".chain-points-returned", "2000"),
            receiptShows(".chain-points-clawed", "80"),
            receiptShows(".chain-points-balance", "5000"),
            ReceiptScreen.clickNextOrder(),
        ].flat(),
});

registry.category("web_tour.tours").add("ChainLoyaltyQuickRegisterTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            ProductScreen.clickDisplayedProduct("Tour Rice"),
            openRegistration(),
            {
                content: "a member needs a name and a mobile number",
                trigger: ".modal-dialog .chain-register-confirm",
                run: "click",
            },
            {
                content: "the till says what is missing",
                trigger: ".modal-dialog .chain-register-error:contains('name and a mobile')",
            },
            ...fillRegistration("Tour New Member", "13900139077"),
            ProductScreen.customerIsSelected("Tour New Member"),
            // the registration bonus is on the panel at once
            ...panelShows("Tour New Member", "100"),
            ProductScreen.totalAmountIs("50.00"),
            ...payInCash(),
            receiptShows("", "Tour New Member"),
            receiptShows(".chain-points-earned", "50"),
            receiptShows(".chain-points-balance", "150"),
            ReceiptScreen.clickNextOrder(),
        ].flat(),
});

registry.category("web_tour.tours").add("ChainLoyaltyRewardsTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            ...scan_barcode(CARD_NUMBER),
            ...panelShows("Tour Card Member", "1000"),
            ProductScreen.clickDisplayedProduct("Tour Rice"),
            {
                content: "open the rewards catalogue",
                trigger: ".chain-member-panel .chain-member-rewards",
                run: "click",
            },
            {
                content: "the catalogue shows the points available",
                trigger: ".modal-dialog p:contains('Points available') strong:contains('1000')",
            },
            {
                content: "a reward costing more than the balance cannot be chosen",
                trigger: ".modal-dialog .chain-reward:disabled:contains('Tour Bicycle')",
            },
            {
                content: "exchange 300 points for the gift",
                trigger: ".modal-dialog .chain-reward:not(:disabled):contains('Tour Mug'):contains('300 points')",
                run: "click",
            },
            Dialog.isNot(),
            // the gift is a zero-priced line: the order still costs the rice only
            ProductScreen.orderLineHas("Tour Mug", "1.00", "0.00"),
            ProductScreen.totalAmountIs("50.00"),
            ...payInCash(),
            receiptShows(".chain-points-spent", "300"),
            receiptShows(".chain-points-earned", "50"),
            receiptShows(".chain-points-balance", "750"),
            ReceiptScreen.clickNextOrder(),
        ].flat(),
});

registry.category("web_tour.tours").add("ChainLoyaltyMemberPromotionsTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            // a walk-in customer pays the full price
            ProductScreen.clickDisplayedProduct("Tour Rice"),
            ProductScreen.clickDisplayedProduct("Tour Rice"),
            ProductScreen.totalAmountIs("100.00"),
            // the Gold member's card: the tier discount (10%) applies by itself
            ...scan_barcode(CARD_NUMBER),
            ...panelShows("Tour Card Member", "0"),
            {
                content: "the member panel shows the tier",
                trigger: ".chain-member-panel .chain-member-tier:contains('Tour Gold')",
            },
            PosLoyalty.hasRewardLine("10% on your order", "-10.00"),
            ProductScreen.totalAmountIs("90.00"),
            ...payInCash(),
            receiptShows("", "Tour Gold"),
            receiptShows(".chain-points-earned", "90"),
            receiptShows(".chain-points-balance", "90"),
            ReceiptScreen.clickNextOrder(),
            // a member born this month, found by phone: the birthday-month 满减 (20 off from 50)
            ProductScreen.clickDisplayedProduct("Tour Rice"),
            ProductScreen.totalAmountIs("50.00"),
            ProductScreen.clickPartnerButton(),
            {
                content: "type the member's mobile number",
                trigger: ".modal-dialog .input-group input",
                run: "edit 13900139002",
            },
            {
                content: "the server found the member",
                trigger: ".partner-list .partner-line:first-child:contains('Zzz Tour Phone Member')",
                run: "click",
            },
            ProductScreen.customerIsSelected("Zzz Tour Phone Member"),
            {
                content: "the member panel flags the birthday month",
                trigger: ".chain-member-panel .chain-member-birthday-month, .chain-member-panel .chain-member-birthday",
            },
            PosLoyalty.hasRewardLine("Birthday 20 off", "-20.00"),
            ProductScreen.totalAmountIs("30.00"),
            ...payInCash(),
            receiptShows(".chain-points-earned", "30"),
            ReceiptScreen.clickNextOrder(),
        ].flat(),
});

registry.category("web_tour.tours").add("ChainLoyaltyMerchantTillTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            // an alliance merchant's till: the member's card finds the member on the server
            ...scan_barcode(CARD_NUMBER),
            ...panelShows("Tour Card Member", "1000"),
            ProductScreen.customerIsSelected("Tour Card Member"),
            {
                content: "rewards are exchanged at the chain's tills only",
                trigger: ".chain-member-panel:not(:has(.chain-member-rewards))",
            },
            ProductScreen.clickDisplayedProduct("Tour Rice"),
            ProductScreen.totalAmountIs("50.00"),
            ...payInCash(),
            receiptShows(".chain-points-earned", "50"),
            receiptShows(".chain-points-balance", "1050"),
            ReceiptScreen.clickNextOrder(),
        ].flat(),
});

/**
 * A member whose card was reported lost is found by mobile: the panel shows the alert, and
 * paying with points asks for the member's payment PIN before the line is accepted.
 */
registry.category("web_tour.tours").add("ChainLoyaltyLostCardPointsTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            ProductScreen.clickDisplayedProduct("Tour Rice"),
            ProductScreen.clickDisplayedProduct("Tour Rice"),
            ProductScreen.clickPartnerButton(),
            {
                content: "type the member's mobile number",
                trigger: ".modal-dialog .input-group input",
                run: "edit 13900139001",
            },
            {
                content: "the server found the member",
                trigger: ".partner-list .partner-line:first-child:contains('Tour Card Member')",
                run: "click",
            },
            ProductScreen.customerIsSelected("Tour Card Member"),
            {
                content: "the member panel alerts the lost card",
                trigger: ".chain-member-panel .chain-member-alert:contains(reported lost)",
            },
            ProductScreen.clickPayButton(),
            PaymentScreen.clickPaymentMethod("Points"),
            NumberPopup.enterValue("20"),
            Dialog.confirm("Pay"),
            Dialog.is({ title: "This member's card was reported lost" }),
            NumberPopup.enterValue("2468"),
            NumberPopup.isShown("••••"),
            Dialog.confirm(),
            PaymentScreen.remainingIs("80.00"),
            PaymentScreen.clickPaymentMethod("Cash"),
            PaymentScreen.clickValidate(),
            ReceiptScreen.isShown(),
            receiptShows(".chain-points-spent", "2000"),
            ReceiptScreen.clickNextOrder(),
        ].flat(),
});
