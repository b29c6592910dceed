import { patch } from "@web/core/utils/patch";
import { HardwareProxy } from "@point_of_sale/app/hardware_proxy/hardware_proxy_service";

patch(HardwareProxy.prototype, {
    /** Open the drawer wired to the hardware proxy's printer, when the POS uses one. */
    async openCashbox(action = false) {
        const proxy = this.pos?.chainHwProxy;
        if (!proxy?.state.enabled || !this.pos.config.chain_hw_cashdrawer) {
            return super.openCashbox(...arguments);
        }
        if ((await proxy.openCashbox()) && action) {
            this.pos.logEmployeeMessage(action, "CASH_DRAWER_ACTION");
        }
    },
});
