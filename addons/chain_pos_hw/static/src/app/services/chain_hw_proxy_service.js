import { reactive } from "@odoo/owl";
import { browser } from "@web/core/browser/browser";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { effect } from "@web/core/utils/reactive";
import { batched } from "@web/core/utils/timing";
import { buildDisplayState } from "@chain_pos_hw/app/services/proxy_payloads";

/**
 * The POS side of the Chain hardware proxy (addons/chain_pos_hw/proxy): prints receipts,
 * opens the cash drawer, turns card swipes into barcode scans and feeds the customer
 * displays. It is idle unless the POS config has a proxy URL.
 */

const TOKEN_HEADER = "X-Chain-Proxy-Token";
const EVENT_TYPES = "swipe,printer,device";
const RETRY_DELAY = 3000;
export const PRINTER_PROBLEMS = ["offline", "paper_out", "cover_open", "paper_near_end"];

/** The proxy cannot be used: unreachable, or it refused us (the code says why). */
export class ProxyUnavailable extends Error {}

/** The translated message for a machine code answered by the proxy. */
export function statusMessage(code) {
    const messages = {
        offline: _t("Receipt printer offline"),
        paper_out: _t("Receipt printer out of paper"),
        cover_open: _t("Receipt printer cover open"),
        paper_near_end: _t("Receipt printer paper nearly out"),
        unreachable: _t("Hardware proxy unreachable"),
        bad_token: _t("The hardware proxy refused the token: check the POS settings"),
        forbidden_origin: _t("The hardware proxy does not accept this Odoo address"),
        unknown_printer: _t("The hardware proxy has no receipt printer"),
    };
    return messages[code] || code;
}

/** The problem to show for a proxy state, or "" when all is well. */
export function problemOf(state) {
    if (!state.enabled) {
        return "";
    }
    if (state.connected === false) {
        return state.error || "unreachable";
    }
    return PRINTER_PROBLEMS.includes(state.printer) ? state.printer : "";
}

export class ChainHwProxy {
    constructor(env, { pos, barcode_reader, notification }) {
        this.pos = pos;
        this.barcodeReader = barcode_reader;
        this.notification = notification;
        this.state = reactive({ enabled: false, connected: null, error: "", printer: "unknown" });
        this.lastDisplay = "";
        this.logoPromise = null;
        this.closing = false;
        browser.addEventListener("pagehide", () => (this.closing = true));
        this.configure(pos.config);
    }

    configure(config) {
        this.url = (config.chain_hw_proxy_url || "").trim().replace(/\/+$/, "");
        this.token = config.chain_hw_proxy_token || "";
        this.state.enabled = Boolean(this.url);
        if (!this.state.enabled) {
            return;
        }
        this.listen();
        if (config.chain_hw_customer_display) {
            effect(
                batched((pos) => this.showOrder(pos.get_order())),
                [this.pos]
            );
        }
    }

    // -- HTTP ----------------------------------------------------------------------------------
    async request(path, { method = "GET", body = undefined, timeout = 5000 } = {}) {
        const controller = new AbortController();
        const timer = setTimeout(() => controller.abort(), timeout);
        let response;
        try {
            response = await browser.fetch(this.url + path, {
                method,
                headers: { [TOKEN_HEADER]: this.token, "Content-Type": "application/json" },
                body: body === undefined ? undefined : JSON.stringify(body),
                signal: controller.signal,
                cache: "no-store",
            });
        } catch (error) {
            if (this.state.connected && !this.closing) {
                console.info(`Hardware proxy: ${method} ${path} failed:`, error.message);
            }
            this.setConnected(false, "unreachable");
            throw new ProxyUnavailable("unreachable");
        } finally {
            clearTimeout(timer);
        }
        const data = await response.json().catch(() => ({}));
        if (response.status === 401 || response.status === 403) {
            this.setConnected(false, data.error);
            throw new ProxyUnavailable(data.error || "forbidden_origin");
        }
        this.setConnected(true);
        return { status: response.status, data };
    }

    setConnected(connected, error = "") {
        this.state.connected = connected;
        this.state.error = error;
    }

    // -- status and events ---------------------------------------------------------------------
    async refresh() {
        const { data } = await this.request("/v1/health");
        this.state.printer = data.devices?.[data.default_printer] || "unknown";
    }

    /** Long-poll the proxy's events for as long as the POS runs. */
    async listen() {
        let after = "";
        while (this.state.enabled && !this.closing) {
            try {
                if (after === "") {
                    await this.refresh();
                }
                const path = `/v1/events?types=${EVENT_TYPES}&timeout=25&after=${after}`;
                const { data } = await this.request(path, { timeout: 35000 });
                data.events.forEach((event) => this.handleEvent(event));
                after = data.last;
            } catch (error) {
                if (!(error instanceof ProxyUnavailable)) {
                    console.warn("Hardware proxy events:", error);
                }
                after = "";
                await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY));
            }
        }
    }

    handleEvent(event) {
        if (event.type === "swipe") {
            this.onSwipe(event.code);
        } else if (event.type === "printer") {
            this.state.printer = event.status;
            if (PRINTER_PROBLEMS.includes(event.status)) {
                this.notification.add(statusMessage(event.status), { type: "warning" });
            }
        }
    }

    /** A card swipe takes the path of a barcode scan: member cards are found like barcodes. */
    onSwipe(code) {
        if (!this.barcodeReader) {
            this.notification.add(_t("A card was read, but no barcode nomenclature is set."), {
                type: "warning",
            });
            return;
        }
        this.barcodeReader.scan(code);
    }

    // -- printing ------------------------------------------------------------------------------
    /**
     * Print `receipt` as job `jobId`. Returns false when the browser should print instead
     * (the proxy is unreachable or refused the receipt).
     */
    async print(jobId, receipt) {
        let answer;
        try {
            answer = await this.sendJob(jobId, receipt);
        } catch (error) {
            if (!(error instanceof ProxyUnavailable)) {
                throw error;
            }
            this.notification.add(
                _t("Printing from the browser: %s", statusMessage(error.message)),
                { type: "warning" }
            );
            return false;
        }
        const { status, data } = answer;
        if (status >= 400) {
            this.notification.add(
                _t("The hardware proxy could not print this receipt: %s", data.message || data.error),
                { type: "danger" }
            );
            return false;
        }
        if (data.state !== "printed") {
            const problem = data.printer_status;
            this.notification.add(
                problem
                    ? _t("The receipt will print when the printer is ready: %s", statusMessage(problem))
                    : _t("The receipt is waiting for the printer."),
                { type: "warning" }
            );
        }
        return true;
    }

    async sendJob(jobId, receipt) {
        const body = { job_id: jobId, receipt, wait: 10 };
        try {
            return await this.request("/v1/print", { method: "POST", body, timeout: 20000 });
        } catch (error) {
            if (error.message !== "unreachable") {
                throw error;
            }
        }
        // Once more with the same job id: if the first one arrived, it does not print twice.
        return this.request("/v1/print", { method: "POST", body, timeout: 20000 });
    }

    /** The company logo (base64), fetched once; "" when there is none. */
    logo() {
        if (!this.logoPromise) {
            const url = `/web/image/res.company/${this.pos.company.id}/logo/256x0`;
            this.logoPromise = browser
                .fetch(url)
                .then((response) => (response.ok ? response.blob() : null))
                .then((blob) => (blob ? blobToBase64(blob) : ""))
                .catch(() => "");
        }
        return this.logoPromise;
    }

    // -- cash drawer ---------------------------------------------------------------------------
    async openCashbox() {
        try {
            const { status, data } = await this.request("/v1/drawer", { method: "POST", body: {} });
            if (status >= 400) {
                throw new ProxyUnavailable(data.error);
            }
            return true;
        } catch (error) {
            if (!(error instanceof ProxyUnavailable)) {
                throw error;
            }
            this.notification.add(
                _t("The cash drawer did not open: %s", statusMessage(error.message)),
                { type: "danger" }
            );
            return false;
        }
    }

    // -- customer displays ---------------------------------------------------------------------
    async showOrder(order) {
        const state = order
            ? buildDisplayState(order.getCustomerDisplayData())
            : buildDisplayState({ lines: [], amount: "" });
        const serialized = JSON.stringify(state);
        if (serialized === this.lastDisplay) {
            return;
        }
        this.lastDisplay = serialized;
        try {
            await this.request("/v1/display", { method: "POST", body: state, timeout: 3000 });
        } catch (error) {
            if (!(error instanceof ProxyUnavailable)) {
                throw error;
            }
            this.lastDisplay = ""; // send it again with the next change
        }
    }
}

function blobToBase64(blob) {
    return new Promise((resolve) => {
        const reader = new FileReader();
        reader.onload = () => resolve(String(reader.result).split(",")[1] || "");
        reader.onerror = () => resolve("");
        reader.readAsDataURL(blob);
    });
}

export const chainHwProxyService = {
    dependencies: ["pos", "barcode_reader", "notification"],
    start(env, deps) {
        return new ChainHwProxy(env, deps);
    },
};

registry.category("services").add("chain_hw_proxy", chainHwProxyService);
