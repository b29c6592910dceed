import { registry } from "@web/core/registry";

const AUTOCOMPLETE = ".o-autocomplete--dropdown-menu .dropdown-item";
const STAFF = "div[name='chain_staff_share_ids']";

function staffLine(name, share) {
    return [
        {
            content: `add a staff line for ${name}`,
            trigger: `${STAFF} .o_field_x2many_list_row_add a`,
            run: "click",
        },
        {
            content: `name ${name}`,
            trigger: `${STAFF} .o_selected_row td[name='employee_id'] input`,
            run: `edit ${name}`,
        },
        {
            content: `pick ${name}`,
            trigger: `${AUTOCOMPLETE}:contains('${name}')`,
            run: "click",
        },
        {
            content: `${name}'s share`,
            trigger: `${STAFF} .o_selected_row td[name='share'] input`,
            run: `edit ${share}`,
        },
    ];
}

// A salesperson of store A names the two technicians who sold a quotation, 60/40, on its
// Staff tab (the commission of its invoice is checked by test_frontend.py).
registry.category("web_tour.tours").add("ChainCommissionSaleStaffTour", {
    steps: () => [
        {
            content: "the Staff tab of the quotation",
            trigger: ".o_notebook_headers a[name='chain_staff']",
            run: "click",
        },
        {
            content: "a technician of another store is not offered",
            trigger: `${STAFF} .o_field_x2many_list_row_add a`,
            run: "click",
        },
        {
            content: "search for the other store's technician",
            trigger: `${STAFF} .o_selected_row td[name='employee_id'] input`,
            run: "edit Tech of B",
        },
        {
            content: "no such employee in store A",
            trigger: `.o-autocomplete--dropdown-menu:not(:has(.dropdown-item:contains('Tech of B')))`,
        },
        {
            content: "discard the line",
            trigger: `${STAFF} .o_selected_row td[name='employee_id'] input`,
            run: "clear",
        },
        {
            content: "name the first technician",
            trigger: `${STAFF} .o_selected_row td[name='employee_id'] input`,
            run: "edit Tech One",
        },
        {
            content: "pick Tech One",
            trigger: `${AUTOCOMPLETE}:contains('Tech One')`,
            run: "click",
        },
        {
            content: "Tech One's share",
            trigger: `${STAFF} .o_selected_row td[name='share'] input`,
            run: "edit 60",
        },
        ...staffLine("Tech Two", 40),
        {
            content: "save the quotation",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "saved",
            trigger: ".o_form_saved",
        },
    ],
});
