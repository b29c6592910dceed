import { patch } from "@web/core/utils/patch";
import { PosOrder } from "@point_of_sale/app/models/pos_order";

const { DateTime } = luxon;

patch(PosOrder.prototype, {
    /** Member promotions (members only, tiers, member day, birthday month): the same rule as
     * loyalty.program._chain_member_eligible on the server, which re-checks it on sync. */
    _programIsApplicable(program) {
        return super._programIsApplicable(...arguments) && this._chainMemberEligible(program);
    },

    _chainMemberEligible(program) {
        const tiers = program.chain_tier_ids || [];
        const when = program.chain_when || "always";
        if (!program.chain_member_only && !tiers.length && when === "always") {
            return true;
        }
        const partner = this.get_partner();
        if (!partner?.is_member) {
            return false;
        }
        if (tiers.length && !tiers.some((tier) => tier.id === partner.member_tier_id?.id)) {
            return false;
        }
        const now = DateTime.now();
        if (when === "member_day") {
            const value = program.chain_member_day_value;
            if (program.chain_member_day_kind === "weekday") {
                return now.weekday - 1 === value;
            }
            if (program.chain_member_day_kind === "monthday") {
                return now.day === Math.min(value, now.daysInMonth);
            }
            return false;
        }
        if (when === "birthday_month") {
            return partner.chain_birthday_month_now === now.month;
        }
        return true;
    },

    /** Prepaid value (top-ups, count cards) is never discounted by a promotion or a tier:
     * its lines are left out of what a discount applies to (the order sync refuses it too). */
    _chainIsPrepaidLine(line) {
        const product = line.get_product();
        return Boolean(product?.chain_wallet_topup || product?.chain_count_card);
    },

    _getDiscountableOnOrder(reward) {
        const result = super._getDiscountableOnOrder(...arguments);
        for (const line of this.get_orderlines()) {
            if (!line.get_quantity() || !this._chainIsPrepaidLine(line)) {
                continue;
            }
            const taxKey = line.tax_ids.map((t) => t.id);
            result.discountable -= line.get_price_with_tax();
            if (result.discountablePerTax[taxKey] !== undefined) {
                result.discountablePerTax[taxKey] -= line.get_base_price();
            }
        }
        result.discountable = Math.max(result.discountable, 0);
        return result;
    },

    _getCheapestLine() {
        return this.get_orderlines()
            .filter(
                (line) =>
                    !line.comboParent &&
                    !line.reward_id &&
                    line.get_quantity() &&
                    !this._chainIsPrepaidLine(line)
            )
            .toSorted((lineA, lineB) => lineA.getComboTotalPrice() - lineB.getComboTotalPrice())[0];
    },

    _getSpecificDiscountableLines(reward) {
        return super
            ._getSpecificDiscountableLines(...arguments)
            .filter((line) => !this._chainIsPrepaidLine(line));
    },

    export_for_printing(baseUrl, headerData) {
        const result = super.export_for_printing(...arguments);
        const partner = this.get_partner();
        if (partner?.is_member) {
            result.chainMember = {
                name: partner.name,
                code: partner.member_code,
                tier: partner.member_tier_id?.name || "",
                synced: Boolean(this.chain_points_processed),
                earned: this.chain_points_earned || 0,
                spent: this.chain_points_spent || 0,
                clawed: this.chain_points_clawed || 0,
                balance: this.chain_points_balance || 0,
                walletBalance: this.chain_wallet_balance_after || 0,
            };
        }
        return result;
    },
});
