import * as Chrome from "@point_of_sale/../tests/tours/utils/chrome_util";
import * as Dialog from "@point_of_sale/../tests/tours/utils/dialog_util";
import * as PaymentScreen from "@point_of_sale/../tests/tours/utils/payment_screen_util";
import * as ProductScreen from "@point_of_sale/../tests/tours/utils/product_screen_util";
import * as ReceiptScreen from "@point_of_sale/../tests/tours/utils/receipt_screen_util";
import { registry } from "@web/core/registry";

function proxyIsConnected() {
    return {
        content: "the hardware proxy is connected and its printer ready",
        trigger: ".pos-topheader .chain-hw-proxy-status[data-status='ok']",
    };
}

/** Swipe a card on the proxy's simulated reader (the proxy runs in simulator mode). */
function swipeCard(data) {
    return {
        content: `swipe the card ${data}`,
        trigger: ".pos-topheader .chain-hw-proxy-status[data-status='ok']",
        run: async () => {
            const config = window.posmodel.config;
            const response = await fetch(`${config.chain_hw_proxy_url}/v1/sim/swipe`, {
                method: "POST",
                headers: {
                    "Content-Type": "application/json",
                    "X-Chain-Proxy-Token": config.chain_hw_proxy_token,
                },
                body: JSON.stringify({ data }),
            });
            if (!response.ok) {
                throw new Error(`the simulated swipe failed: ${response.status}`);
            }
        },
    };
}

registry.category("web_tour.tours").add("ChainPosHwPrintTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            proxyIsConnected(),
            swipeCard(";0420000000017=2512?"),
            ProductScreen.customerIsSelected("Swipe Member"),
            ProductScreen.clickDisplayedProduct("Desk Pad"),
            ProductScreen.clickPayButton(),
            {
                content: "open the cash drawer by hand",
                trigger: ".payment-screen .js_chain_hw_cashdrawer",
                run: "click",
            },
            PaymentScreen.clickPaymentMethod("Cash"),
            PaymentScreen.clickValidate(),
            ReceiptScreen.isShown(),
            {
                content: "print the receipt through the proxy",
                trigger: ".receipt-screen .button.print",
                run: "click",
            },
            {
                content: "the receipt is printed",
                trigger: ".receipt-screen .button.print .fa-print",
            },
            proxyIsConnected(),
            Chrome.endTour(),
        ].flat(),
});
