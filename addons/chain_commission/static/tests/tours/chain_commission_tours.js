import { registry } from "@web/core/registry";
import * as Chrome from "@point_of_sale/../tests/tours/utils/chrome_util";
import * as Dialog from "@point_of_sale/../tests/tours/utils/dialog_util";
import * as NumberPopup from "@point_of_sale/../tests/tours/utils/number_popup_util";
import * as SelectionPopup from "@point_of_sale/../tests/tours/utils/selection_popup_util";
import * as PaymentScreen from "@point_of_sale/../tests/tours/utils/payment_screen_util";
import * as ProductScreen from "@point_of_sale/../tests/tours/utils/product_screen_util";
import * as ReceiptScreen from "@point_of_sale/../tests/tours/utils/receipt_screen_util";
import * as TicketScreen from "@point_of_sale/../tests/tours/utils/ticket_screen_util";

// Set up by chain_commission/tests/test_frontend.py
const SERVICE = "Tour Massage";
const TECH_A = "Tour Tech A";
const TECH_B = "Tour Tech B";

function openStaff() {
    return {
        content: "open the Staff dialog for the selected line",
        trigger: ".control-buttons .chain-staff-button, .chain-staff-button",
        run: "click",
    };
}

function pickEmployee(name) {
    return {
        content: `pick ${name}`,
        trigger: `.modal-dialog .chain-staff-employee:contains("${name}")`,
        run: "click",
    };
}

function typeShare(name, share) {
    return {
        content: `${name}'s share is ${share}%`,
        trigger: `.modal-dialog .chain-staff-share[data-employee="${name}"]`,
        run: `edit ${share}`,
    };
}

function shareIs(name, share) {
    return {
        content: `${name}'s share shows ${share}%`,
        trigger: `.modal-dialog .chain-staff-share[data-employee="${name}"]:value(${share})`,
    };
}

function applyShares() {
    return {
        content: "apply the shares",
        trigger: ".modal-dialog .chain-staff-confirm",
        run: "click",
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

registry.category("web_tour.tours").add("ChainCommissionStaffTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            ProductScreen.clickDisplayedProduct(SERVICE),
            openStaff(),
            // Both technicians: the shares are split evenly until the cashier types them.
            pickEmployee(TECH_A),
            pickEmployee(TECH_B),
            shareIs(TECH_A, "50"),
            shareIs(TECH_B, "50"),
            // Shares that do not add up to 100 are refused.
            typeShare(TECH_A, "60"),
            applyShares(),
            {
                content: "the dialog refuses shares adding up to 110%",
                trigger: ".modal-dialog .chain-staff-error:contains('110%')",
            },
            typeShare(TECH_B, "40"),
            applyShares(),
            Dialog.isNot(),
            {
                content: "the line shows its staff and their shares",
                trigger: `.orderline .chain-staff-shares:contains("${TECH_A} 60% · ${TECH_B} 40%")`,
            },
            ...payInCash(),
            {
                content: "the receipt names the staff (the till's setting is on)",
                trigger: `.pos-receipt .chain-staff-shares:contains("${TECH_A} 60% · ${TECH_B} 40%")`,
            },
            ReceiptScreen.clickNextOrder(),
            // The refund of the order: the server claws back both shares.
            ...ProductScreen.clickRefund(),
            TicketScreen.selectOrder("-0001"),
            ProductScreen.clickNumpad("1"),
            TicketScreen.toRefundTextContains("To Refund: 1.00"),
            TicketScreen.confirmRefund(),
            ProductScreen.isShown(),
            ...payInCash(),
            ReceiptScreen.clickNextOrder(),
        ].flat(),
});

registry.category("web_tour.tours").add("ChainCommissionPlainTillTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            ProductScreen.clickDisplayedProduct(SERVICE),
            {
                content: "a till of no chain store has no Staff button",
                trigger: ".control-buttons:not(:has(.chain-staff-button))",
            },
            ...payInCash(),
            ReceiptScreen.clickNextOrder(),
        ].flat(),
});

function punch(name, pin) {
    return [
        {
            content: "open Clock In/Out",
            trigger: ".control-buttons .chain-punch-button, .chain-punch-button",
            run: "click",
        },
        ...SelectionPopup.has(name, { run: "click" }),
        ...NumberPopup.enterValue(pin),
        ...NumberPopup.isShown("•".repeat(pin.length)),
        Dialog.confirm(),
    ];
}

function punchResult(text) {
    return {
        content: `the till says "${text}"`,
        trigger: `.o_notification:contains("${text}")`,
    };
}

registry.category("web_tour.tours").add("ChainCommissionPunchTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            // A wrong PIN: refused by the server, nothing written.
            ...punch(TECH_A, "9999"),
            punchResult("Wrong PIN or badge"),
            ...punch(TECH_A, "1234"),
            punchResult(`${TECH_A} clocked in.`),
            ...punch(TECH_A, "1234"),
            punchResult(`${TECH_A} clocked out`),
        ].flat(),
});
