import { registry } from "@web/core/registry";

const AUTOCOMPLETE = ".o-autocomplete--dropdown-menu .dropdown-item";

// A store manager asks headquarters for 12 Test Milk and submits the request (the server's
// request is checked by tests/test_frontend.py).
registry.category("web_tour.tours").add("ChainStockRequestSubmitTour", {
    steps: () => [
        {
            content: "a new request",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "the store is the manager's own",
            trigger: "div[name='store_id'] input:value('Store A')",
        },
        {
            content: "add a product",
            trigger: "div[name='line_ids'] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            content: "name the product",
            trigger: "div[name='line_ids'] .o_selected_row td[name='product_id'] input",
            run: "edit Test Milk",
        },
        {
            content: "pick it",
            trigger: `${AUTOCOMPLETE}:contains('Test Milk')`,
            run: "click",
        },
        {
            content: "the quantity",
            trigger: "div[name='line_ids'] .o_selected_row td[name='requested_qty'] input",
            run: "edit 12",
        },
        {
            content: "submit (saves the request first)",
            trigger: ".o_form_statusbar button[name='action_submit']",
            run: "click",
        },
        {
            content: "the request is submitted",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Submitted')",
        },
    ],
});

// Headquarters approves part of a submitted request in the approval wizard (the server's
// quantities and shipment are checked by tests/test_frontend.py).
registry.category("web_tour.tours").add("ChainStockRequestApproveTour", {
    steps: () => [
        {
            content: "approve",
            trigger: ".o_form_statusbar button:contains('Approve')",
            run: "click",
        },
        {
            content: "approve 4 of the 12 milk",
            trigger: ".modal div[name='line_ids'] td[name='approved_qty']",
            run: "click",
        },
        {
            content: "the approved quantity",
            trigger: ".modal div[name='line_ids'] .o_selected_row td[name='approved_qty'] input",
            run: "edit 4",
        },
        {
            content: "confirm",
            trigger: ".modal button[name='action_confirm']",
            run: "click",
        },
        {
            content: "the request is approved",
            trigger: "body:not(:has(.modal)) .o_statusbar_status button.o_arrow_button_current:contains('Approved')",
        },
    ],
});
