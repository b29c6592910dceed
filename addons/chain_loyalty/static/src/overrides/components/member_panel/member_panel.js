import { patch } from "@web/core/utils/patch";
import { ChainMemberPanel } from "@chain_member/app/components/member_panel/member_panel";
import { ChainRewardsDialog } from "@chain_loyalty/app/components/rewards_dialog/rewards_dialog";

/** The points part of chain_member's member panel: the balance and its value, and the rewards
 * the member may exchange points for (see member_panel.xml). */
patch(ChainMemberPanel.prototype, {
    onClickRewards() {
        this.dialog.add(ChainRewardsDialog, { partner: this.partner });
    },
});
