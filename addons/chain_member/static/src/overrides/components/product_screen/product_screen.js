import { patch } from "@web/core/utils/patch";
import { ProductScreen } from "@point_of_sale/app/screens/product_screen/product_screen";
import { ChainMemberPanel } from "@chain_member/app/components/member_panel/member_panel";

const CARD_QR_PREFIX = "CHM:";

Object.assign(ProductScreen.components, { ChainMemberPanel });

/**
 * A member card swiped on the card reader (the hardware proxy turns it into a barcode scan),
 * scanned, or the member's portal QR: when no product answers to the code, the member is
 * looked up on the server and set on the order.
 */
patch(ProductScreen.prototype, {
    async _barcodeProductAction(code) {
        if (!this.pos.config.chain_member_till) {
            return super._barcodeProductAction(...arguments);
        }
        const token = code.code || code.base_code;
        if (token?.startsWith(CARD_QR_PREFIX)) {
            await this.pos.chainIdentify(token);
            return;
        }
        const known =
            this.pos.models["product.product"].getBy("barcode", code.base_code) ||
            this.pos.models["product.packaging"]?.getBy("barcode", code.base_code);
        if (!known && (await this.pos.chainIdentify(token, { quiet: true }))) {
            return;
        }
        return super._barcodeProductAction(...arguments);
    },

    async _barcodePartnerAction(code) {
        if (!this.pos.config.chain_member_till) {
            return super._barcodePartnerAction(...arguments);
        }
        const known = this.pos.models["res.partner"].getBy("barcode", code.code);
        if (!known && (await this.pos.chainIdentify(code.code, { quiet: true }))) {
            return;
        }
        return super._barcodePartnerAction(...arguments);
    },
});
