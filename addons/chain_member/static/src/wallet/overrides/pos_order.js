import { patch } from "@web/core/utils/patch";
import { PosOrder } from "@point_of_sale/app/models/pos_order";

/**
 * The card the member presented (``chain_card_number``), saved with the order: the order sync
 * refuses a payment from the balance or a count-card use made with a card blocked since
 * (reported lost, replaced, expired, cancelled). Cleared when the order changes member.
 */
patch(PosOrder.prototype, {
    set_partner(partner) {
        if (partner !== this.get_partner()) {
            this.chain_card_number = false;
        }
        return super.set_partner(...arguments);
    },

    /** The member was identified by ``cardNumber`` (swiped or scanned card). */
    chainSetCardNumber(cardNumber) {
        this.chain_card_number = cardNumber || false;
    },
});
