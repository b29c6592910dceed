import { Component, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { useService } from "@web/core/utils/hooks";
import { problemOf, statusMessage } from "@chain_pos_hw/app/services/chain_hw_proxy_service";

/** The hardware proxy's status in the navbar: printer ready, printer problem, proxy down. */
export class ChainHwProxyStatus extends Component {
    static template = "chain_pos_hw.ChainHwProxyStatus";
    static props = {};

    setup() {
        this.proxy = useService("chain_hw_proxy");
        this.state = useState(this.proxy.state);
        this.ui = useState(useService("ui"));
    }

    get problem() {
        return problemOf(this.state);
    }

    get status() {
        if (this.problem) {
            return this.problem;
        }
        return this.state.connected ? "ok" : "connecting";
    }

    get message() {
        if (this.problem) {
            return statusMessage(this.problem);
        }
        return this.state.connected
            ? _t("Hardware proxy connected")
            : _t("Connecting to the hardware proxy");
    }

    get colorClass() {
        if (!this.problem) {
            return this.state.connected ? "text-success" : "text-muted";
        }
        return this.state.connected === false || this.problem === "offline"
            ? "text-danger"
            : "text-warning";
    }

    onClick() {
        this.proxy.refresh().catch(() => {});
    }
}
