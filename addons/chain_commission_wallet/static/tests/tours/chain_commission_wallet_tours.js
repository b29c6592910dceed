import { registry } from "@web/core/registry";

const AUTOCOMPLETE = ".o-autocomplete--dropdown-menu .dropdown-item";

function staffLine(name, share) {
    return [
        {
            content: `add a staff line for ${name}`,
            trigger: ".modal div[name='chain_staff_share_ids'] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            content: `name ${name}`,
            trigger: ".modal div[name='chain_staff_share_ids'] .o_selected_row td[name='employee_id'] input",
            run: `edit ${name}`,
        },
        {
            content: `pick ${name}`,
            trigger: `${AUTOCOMPLETE}:contains('${name}')`,
            run: "click",
        },
        {
            content: `${name}'s share`,
            trigger: ".modal div[name='chain_staff_share_ids'] .o_selected_row td[name='share'] input",
            run: `edit ${share}`,
        },
    ];
}

// A cashier tops up a member's stored value from the member's form: two of the store's
// staff share the top-up 60/40 (the server's lines are checked by test_frontend.py).
registry.category("web_tour.tours").add("ChainCommissionWalletTopupTour", {
    steps: () => [
        {
            content: "the member's stored value tab",
            trigger: ".o_notebook_headers a[name='chain_wallet']",
            run: "click",
        },
        {
            content: "top up",
            trigger: "button[name='action_chain_wallet_topup']",
            run: "click",
        },
        {
            content: "the amount",
            trigger: ".modal div[name='amount'] input",
            run: "edit 1000",
        },
        {
            content: "paid by",
            trigger: ".modal div[name='journal_id'] input",
            run: "edit Till cash (test)",
        },
        {
            content: "the till's cash journal",
            trigger: `${AUTOCOMPLETE}:contains('Till cash (test)')`,
            run: "click",
        },
        ...staffLine("Tech One", 60),
        ...staffLine("Tech Two", 40),
        {
            content: "confirm",
            trigger: ".modal button[name='action_confirm']",
            run: "click",
        },
        {
            content: "the wizard is closed",
            trigger: "body:not(:has(.modal))",
        },
    ],
});
