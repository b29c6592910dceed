/**
 * Tour steps for the member at the till (chain_member's member panel and quick registration).
 * Other addons' tours import them from "@chain_member/../tests/tours/utils/chain_member_util".
 */
import * as Dialog from "@point_of_sale/../tests/tours/utils/dialog_util";
import * as TextInputPopup from "@point_of_sale/../tests/tours/utils/text_input_popup_util";

/** The member panel shows the member ``name``. */
export function panelShowsMember(name) {
    return {
        content: `the member panel shows ${name}`,
        trigger: `.chain-member-panel .chain-member-name:contains("${name}")`,
    };
}

/** The panel's "Find member" with ``token`` (a card number, a mobile number). */
export function findMember(token) {
    return [
        {
            content: "no member yet: find one from the member panel",
            trigger: ".chain-member-panel .chain-member-identify",
            run: "click",
        },
        TextInputPopup.inputText(token),
        Dialog.confirm("Apply"),
    ];
}

/** Open the panel's quick registration (no member on the order yet). */
export function openRegistration() {
    return {
        content: "no member yet: register one from the member panel",
        trigger: ".chain-member-panel .chain-member-register",
        run: "click",
    };
}

/** Type the new member's name and mobile number in the open registration; Enter registers. */
export function fillRegistration(name, mobile) {
    return [
        {
            content: "type the new member's name",
            trigger: ".modal-dialog .chain-register-name",
            run: `edit ${name}`,
        },
        {
            content: "type the new member's mobile number, Enter registers",
            trigger: ".modal-dialog .chain-register-mobile",
            run: `edit ${mobile} && press Enter`,
        },
        Dialog.isNot(),
    ];
}
