from odoo import fields, models

TIER_CHANGE_KINDS = [
    ("initial", "Initial"),
    ("upgrade", "Upgrade"),
    ("downgrade", "Downgrade"),
    ("renewal", "Renewal"),
    ("manual", "Manual change"),
    ("purchase", "Upgrade bought"),
]


class ChainMemberTierHistory(models.Model):
    """Every change of a member's tier, in the order it happened."""

    _name = "chain.member.tier.history"
    _description = "Member Tier History"
    _order = "id desc"

    partner_id = fields.Many2one(
        "res.partner", string="Member", required=True, index=True, ondelete="cascade"
    )
    old_tier_id = fields.Many2one("chain.member.tier", string="From", ondelete="restrict")
    new_tier_id = fields.Many2one("chain.member.tier", string="To", ondelete="restrict")
    kind = fields.Selection(TIER_CHANGE_KINDS, required=True)
    date = fields.Date(required=True, default=fields.Date.context_today)
    reason = fields.Char()
    user_id = fields.Many2one("res.users", default=lambda self: self.env.user)
    store_id = fields.Many2one("chain.store")
    pos_order_id = fields.Many2one("pos.order", index="btree_not_null")
