from odoo import _, fields, models
from odoo.exceptions import AccessError, UserError


class ChainMemberTierChange(models.TransientModel):
    _name = "chain.member.tier.change"
    _description = "Change a Member's Tier"

    partner_id = fields.Many2one(
        "res.partner",
        string="Member",
        required=True,
        domain=[("is_member", "=", True)],
        default=lambda self: self.env.context.get("active_id")
        if self.env.context.get("active_model") == "res.partner"
        else False,
    )
    current_tier_id = fields.Many2one(related="partner_id.member_tier_id", string="Current Tier")
    tier_id = fields.Many2one("chain.member.tier", string="New Tier", required=True)
    reason = fields.Char(required=True)

    def action_confirm(self):
        self.ensure_one()
        if not self.env.user.has_group("chain_member.group_chain_hq_manager"):
            raise AccessError(_("Only headquarters managers change a member's tier by hand."))
        if not (self.reason or "").strip():
            raise UserError(_("Say why: the reason goes to the operation log."))
        before = {"tier": self.partner_id.member_tier_id.name or ""}
        self.partner_id._chain_set_tier(self.tier_id, "manual", reason=self.reason)
        self.env["chain.operation.log"]._log_operation(
            "tier_change",
            self.partner_id,
            before=before,
            after={"tier": self.tier_id.name},
            reason=self.reason,
        )
        return {"type": "ir.actions.act_window_close"}
