from odoo import _, api, fields, models

MEMBER_WHEN = [
    ("always", "Any day"),
    ("member_day", "On the member day"),
    ("birthday_month", "In the member's birthday month"),
]


class LoyaltyProgram(models.Model):
    """Member conditions on Odoo's promotions: a program can be kept for members (of some
    tiers), on the member day or in the member's birthday month. The tier discounts are such
    programs, kept in step with the tiers (``chain.member.tier``); full-reduction (满减) offers
    are promotions with a minimum amount and a fixed discount, kept for members. The POS
    applies them like any promotion; the server re-checks them on sync
    (``pos.order._chain_check_member_rewards``)."""

    _inherit = "loyalty.program"

    chain_member_only = fields.Boolean(
        string="Members Only", help="Only orders of a member of the chain get this program."
    )
    chain_tier_ids = fields.Many2many(
        "chain.member.tier", string="Member Tiers", help="Empty: members of every tier."
    )
    chain_when = fields.Selection(MEMBER_WHEN, string="When", required=True, default="always")
    chain_tier_discount_id = fields.Many2one(
        "chain.member.tier",
        string="Discount of Tier",
        readonly=True,
        index="btree_not_null",
        help="This program is the automatic discount of this tier (kept in step with it).",
    )
    chain_member_day_kind = fields.Char(compute="_compute_chain_member_day")
    chain_member_day_value = fields.Integer(compute="_compute_chain_member_day")

    def _compute_chain_member_day(self):
        program = self.env["chain.points.program"]._get_program()
        kind = program.member_day_kind if program else "none"
        value = 0
        if kind == "weekday":
            value = int(program.member_day_weekday or 0)
        elif kind == "monthday":
            value = program.member_day_monthday
        for loyalty_program in self:
            loyalty_program.chain_member_day_kind = kind
            loyalty_program.chain_member_day_value = value

    @api.model
    def _load_pos_data_fields(self, config_id):
        return super()._load_pos_data_fields(config_id) + [
            "chain_member_only",
            "chain_tier_ids",
            "chain_when",
            "chain_member_day_kind",
            "chain_member_day_value",
        ]

    def _chain_has_member_conditions(self):
        self.ensure_one()
        return self.chain_member_only or self.chain_tier_ids or self.chain_when != "always"

    def _chain_member_eligible(self, partner, day):
        """Whether ``partner`` may have this program's rewards on ``day`` (the same rule as the
        POS patch of ``_programIsApplicable``)."""
        self.ensure_one()
        if not self._chain_has_member_conditions():
            return True
        if not partner or not partner.is_member:
            return False
        if self.chain_tier_ids and partner.member_tier_id not in self.chain_tier_ids:
            return False
        if self.chain_when == "member_day":
            program = self.env["chain.points.program"]._get_program()
            return bool(program) and program._is_member_day(day)
        if self.chain_when == "birthday_month":
            return partner._chain_birthday_in_scope(day, "month")
        return True

    @api.model
    def _chain_tier_program_values(self, tier):
        return {
            "name": _("Tier discount: %(tier)s", tier=tier.name),
            "program_type": "promotion",
            "trigger": "auto",
            "applies_on": "current",
            "pos_ok": True,
            "active": tier.active and tier.discount_percent > 0,
            "chain_member_only": True,
            "chain_tier_ids": [fields.Command.set(tier.ids)],
            "chain_tier_discount_id": tier.id,
        }
