import { patch } from "@web/core/utils/patch";
import { PosOrderline } from "@point_of_sale/app/models/pos_order_line";

patch(PosOrderline.prototype, {
    can_be_merged_with(orderline) {
        // a use of a count card or a timed service stays its own line
        if (
            this.chain_count_card_package_id ||
            orderline.chain_count_card_package_id ||
            this.chain_timed_session_id ||
            orderline.chain_timed_session_id
        ) {
            return false;
        }
        return super.can_be_merged_with(...arguments);
    },

    get_full_product_name() {
        const name = super.get_full_product_name(...arguments);
        const card = this.chain_count_card_package_id;
        return card ? `${name} (${card.name})` : name;
    },
});
