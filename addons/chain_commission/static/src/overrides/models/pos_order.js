import { patch } from "@web/core/utils/patch";
import { omit } from "@web/core/utils/objects";
import { PosOrder } from "@point_of_sale/app/models/pos_order";

patch(PosOrder.prototype, {
    /** The receipt names the staff of each line only when the till says so. */
    export_for_printing() {
        const result = super.export_for_printing(...arguments);
        if (!this.config.chain_commission_receipt_staff) {
            result.orderlines = result.orderlines.map((line) => omit(line, "chainStaff"));
        }
        return result;
    },
});
