import { _t } from "@web/core/l10n/translation";
import { Component } from "@odoo/owl";
import { Dialog } from "@web/core/dialog/dialog";
import { AlertDialog } from "@web/core/confirmation_dialog/confirmation_dialog";
import { useService } from "@web/core/utils/hooks";
import { usePos } from "@point_of_sale/app/store/pos_hook";

/** The rewards catalogue at the till: a gift product is added to the order as a zero-priced
 * line (its points are taken when the order syncs); a coupon is issued at once. */
export class ChainRewardsDialog extends Component {
    static template = "chain_loyalty.ChainRewardsDialog";
    static components = { Dialog };
    static props = { partner: Object, close: Function };

    setup() {
        this.pos = usePos();
        this.dialog = useService("dialog");
    }

    get balance() {
        return this.pos.chainMembers[this.props.partner.id]?.points_balance || 0;
    }

    get rewards() {
        return this.pos.models["chain.points.reward"]
            .getAll()
            .filter((reward) => reward.kind !== "product" || reward.product_id)
            .sort((a, b) => a.points_cost - b.points_cost);
    }

    async choose(reward) {
        if (reward.points_cost > this.balance) {
            return;
        }
        if (reward.kind === "product") {
            await this.pos.addLineToCurrentOrder(
                { product_id: reward.product_id, price_unit: 0, chain_points_reward_id: reward },
                {},
                false
            );
            this.props.close();
            return;
        }
        const result = await this.pos.data.call("res.partner", "chain_pos_exchange_coupon", [
            this.props.partner.id,
            reward.id,
            this.pos.config.id,
        ]);
        this.props.close();
        if (result.error) {
            this.dialog.add(AlertDialog, { title: _t("Rewards"), body: result.error });
            return;
        }
        this.pos.chainMembers[this.props.partner.id] = result.summary;
        this.dialog.add(AlertDialog, {
            title: _t("Coupon issued"),
            body: _t("Give the member this coupon code: %s", result.codes.join(", ")),
        });
    }
}
