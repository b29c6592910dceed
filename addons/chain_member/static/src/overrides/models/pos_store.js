import { _t } from "@web/core/l10n/translation";
import { patch } from "@web/core/utils/patch";
import { PosStore } from "@point_of_sale/app/store/pos_store";

/** The member at the till: summaries from the server, identification by card, QR or mobile. */
patch(PosStore.prototype, {
    async setup() {
        this.chainMembers = {};
        await super.setup(...arguments);
    },

    /** Load partner rows sent by the server into the POS models; return the records. */
    chainLoadPartners(rows) {
        if (!rows?.length) {
            return [];
        }
        return this.models.loadData({ "res.partner": rows })["res.partner"] || [];
    },

    /** The member's till summary (points, stored value, count cards, alerts), from the server. */
    async chainRefreshMember(partner, raise = false) {
        if (!partner?.is_member) {
            return null;
        }
        try {
            const summary = await this.data.call("res.partner", "chain_pos_member_summary", [
                partner.id,
                this.config.id,
                // an alliance merchant's till: the proof it identified this member
                this.chainMembers[partner.id]?.till_token || false,
            ]);
            this.chainMembers[partner.id] = summary;
            return summary;
        } catch (error) {
            if (raise) {
                throw error;
            }
            return this.chainMembers[partner.id] || null;
        }
    },

    /** A card swiped or scanned, a portal QR, a member code or a mobile number: find the member
     * on the server and set it on the current order. Returns the partner or false. */
    async chainIdentify(token, { quiet = false } = {}) {
        let result;
        try {
            result = await this.data.call("res.partner", "chain_pos_identify", [
                token,
                this.config.id,
            ]);
        } catch {
            if (!quiet) {
                this.notification.add(_t("Members are found on the server: check the connection."), {
                    type: "danger",
                });
            }
            return false;
        }
        if (result.error) {
            if (!quiet) {
                this.notification.add(result.error, { type: "danger" });
            }
            return false;
        }
        const [partner] = this.chainLoadPartners(result["res.partner"]);
        this.chainMembers[partner.id] = result.summary;
        this.chainSetMember(partner);
        // found by a card: the order keeps it (chain_member refuses it at sync if blocked since)
        const order = this.get_order();
        const number = String(token).trim().replace(/^CHM:/, "");
        if (order?.get_partner() === partner && number === result.summary.card_number) {
            order.chainSetCardNumber?.(number); // chain_wallet keeps the card on the order
        }
        return partner;
    },

    chainSetMember(partner) {
        const order = this.get_order();
        if (!order || order.get_partner() === partner) {
            return;
        }
        if (order.getHasRefundLines?.()) {
            this.notification.add(_t("This order refunds another customer's order."), {
                type: "warning",
            });
            return;
        }
        order.set_partner(partner);
        this.updateRewards?.();
        this.notification.add(_t("Member: %s", partner.name), { type: "success" });
    },

    async selectPartner() {
        const result = await super.selectPartner(...arguments);
        const partner = this.get_order()?.get_partner();
        if (partner?.is_member) {
            this.chainRefreshMember(partner);
        }
        return result;
    },
});
