import { useEffect, useState } from "@odoo/owl";
import { debounce } from "@web/core/utils/timing";
import { patch } from "@web/core/utils/patch";
import { PartnerList } from "@point_of_sale/app/screens/partner_list/partner_list";

/**
 * The customer search asks the server as the cashier types (debounced): the exact member
 * (card number, portal QR, member code, mobile) first, then members whose mobile, member code
 * or name starts with what was typed, through indexed lookups; the till never loads all the
 * members. Enter takes the exact match (keyboard and scanner friendly). Offline, the stock
 * search over the partners already in the till keeps working.
 */
patch(PartnerList.prototype, {
    setup() {
        super.setup(...arguments);
        this.chainSearch = useState({ query: "", ids: [], exactId: false });
        this.chainSearchLater = debounce((query) => this.chainServerSearch(query), 250);
        useEffect(
            (query) => {
                const text = (query || "").trim();
                if (text.length >= 2 && this.pos.config.chain_member_till) {
                    this.chainSearchLater(text);
                }
            },
            () => [this.state.query]
        );
    },

    async chainServerSearch(query, limit = 20) {
        let result;
        try {
            result = await this.pos.data.call("res.partner", "chain_pos_search", [
                query,
                this.pos.config.id,
                limit,
            ]);
        } catch {
            return [];
        }
        const partners = this.pos.chainLoadPartners(result["res.partner"]);
        // an alliance merchant's till gets the panel of the member found with the match
        Object.assign(this.pos.chainMembers, result.summaries || {});
        if (query === (this.state.query || "").trim()) {
            Object.assign(this.chainSearch, {
                query,
                ids: result.ids,
                exactId: result.exact_id,
            });
        }
        return partners;
    },

    getPartners() {
        const partners = super.getPartners(...arguments);
        const query = (this.state.query || "").trim();
        if (!query || this.chainSearch.query !== query || !this.chainSearch.ids.length) {
            return partners;
        }
        const found = this.chainSearch.ids
            .map((id) => this.pos.models["res.partner"].get(id))
            .filter(Boolean);
        const ids = new Set(found.map((partner) => partner.id));
        return [...found, ...partners.filter((partner) => !ids.has(partner.id))];
    },

    async onEnter() {
        if (!this.pos.config.chain_member_till) {
            return super.onEnter(...arguments);
        }
        const query = (this.state.query || "").trim();
        if (query && this.chainSearch.query !== query) {
            await this.chainServerSearch(query);
        }
        const exact = this.chainSearch.query === query && this.chainSearch.exactId;
        if (exact) {
            const partner = this.pos.models["res.partner"].get(exact);
            if (partner) {
                this.clickPartner(partner);
                return;
            }
        }
        return super.onEnter(...arguments);
    },

    async getNewPartners() {
        const query = (this.state.query || "").trim();
        if (query.length >= 2 && this.pos.config.chain_member_till) {
            const partners = await this.chainServerSearch(query, 50);
            if (partners.length) {
                return partners;
            }
        }
        return super.getNewPartners(...arguments);
    },

    clickPartner(partner) {
        super.clickPartner(...arguments);
        if (partner?.is_member) {
            this.pos.chainRefreshMember(partner);
        }
    },
});
