import { _t } from "@web/core/l10n/translation";
import { Component, useEffect } from "@odoo/owl";
import { useService } from "@web/core/utils/hooks";
import { usePos } from "@point_of_sale/app/store/pos_hook";
import { makeAwaitable } from "@point_of_sale/app/store/make_awaitable_dialog";
import { TextInputPopup } from "@point_of_sale/app/utils/input_popups/text_input_popup";
import { ChainQuickRegisterDialog } from "@chain_member/app/components/quick_register_dialog/quick_register_dialog";

/**
 * The member panel of the product screen: who the member is (name, tier, birthday), what they
 * hold (stored value, count cards: shown when the till summary has them), alerts (card lost or
 * expiring, low balance), and the member actions of the till. Everything comes from the
 * server's till summary (``_chain_till_summary``, which the other addons extend); the other
 * addons add their parts by extending the template (chain_loyalty: the points and the rewards).
 */
export class ChainMemberPanel extends Component {
    static template = "chain_member.ChainMemberPanel";
    static props = {};

    setup() {
        this.pos = usePos();
        this.dialog = useService("dialog");
        useEffect(
            (partnerId) => {
                if (partnerId && !this.pos.chainMembers[partnerId]) {
                    this.pos.chainRefreshMember(this.partner);
                }
            },
            () => [this.partner?.is_member && this.partner.id]
        );
    }

    get partner() {
        return this.pos.get_order()?.get_partner();
    }

    get isMember() {
        return Boolean(this.partner?.is_member);
    }

    get summary() {
        return (this.partner && this.pos.chainMembers[this.partner.id]) || null;
    }

    get countCards() {
        return this.summary?.count_cards || [];
    }

    formatCurrency(amount) {
        return this.env.utils.formatCurrency(amount || 0);
    }

    async onClickIdentify() {
        const token = await makeAwaitable(this.dialog, TextInputPopup, {
            title: _t("Find a member"),
            placeholder: _t("Swipe or scan the card, or type the mobile number"),
        });
        if (token) {
            await this.pos.chainIdentify(token.trim());
        }
    }

    onClickRegister() {
        this.dialog.add(ChainQuickRegisterDialog, {});
    }

    onClickRefresh() {
        this.pos.chainRefreshMember(this.partner);
    }
}
