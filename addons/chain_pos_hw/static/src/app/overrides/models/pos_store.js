import { patch } from "@web/core/utils/patch";
import { PosStore } from "@point_of_sale/app/store/pos_store";
import { buildProxyReceipt } from "@chain_pos_hw/app/services/proxy_payloads";

patch(PosStore.prototype, {
    get chainHwProxy() {
        return this.env.services.chain_hw_proxy;
    },

    /** Print through the hardware proxy when there is one; the browser prints otherwise. */
    async printReceipt({
        basic = false,
        order = this.get_order(),
        printBillActionTriggered = false,
    } = {}) {
        const proxy = this.chainHwProxy;
        if (!proxy?.state.enabled) {
            return super.printReceipt(...arguments);
        }
        const receipt = buildProxyReceipt(this.orderExportForPrinting(order), {
            formatCurrency: this.env.utils.formatCurrency,
            basic,
            logo: await proxy.logo(),
        });
        // A new job id per print request; the proxy's retries reuse it and never print twice.
        const jobId = `${order.uuid}-${Date.now().toString(36)}`;
        if (!(await proxy.print(jobId, receipt))) {
            return super.printReceipt(...arguments);
        }
        if (!printBillActionTriggered) {
            await this.data.write("pos.order", [order.id], { nb_print: order.nb_print + 1 });
        }
        return true;
    },
});
