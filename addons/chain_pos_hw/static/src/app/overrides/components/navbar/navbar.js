import { patch } from "@web/core/utils/patch";
import { Navbar } from "@point_of_sale/app/navbar/navbar";
import { ChainHwProxyStatus } from "@chain_pos_hw/app/components/proxy_status/proxy_status";

patch(Navbar, {
    components: { ...Navbar.components, ChainHwProxyStatus },
});
