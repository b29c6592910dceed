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
