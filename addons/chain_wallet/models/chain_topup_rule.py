from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

BONUS_TYPES = [("fixed", "Fixed amount"), ("percent", "Percentage of the top-up")]


class ChainTopupRule(models.Model):
    """A bonus bracket for stored-value top-ups (e.g. top up 1,000, get 100 and 50 points).

    For a top-up, the applicable rules are the active ones whose date window contains today and
    whose stores and tiers (empty: all) include the top-up's store and the member's tier. Of
    those, the one with the highest ``min_amount`` not above the top-up amount applies; brackets
    never stack.
    """

    _name = "chain.topup.rule"
    _description = "Top-up Bonus Rule"
    _order = "min_amount desc, sequence, id"

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10, help="Breaks ties between rules of the same bracket.")
    currency_id = fields.Many2one(
        "res.currency", required=True, default=lambda self: self.env.company.currency_id
    )
    min_amount = fields.Monetary(
        string="Top-up From", required=True, help="The bracket starts at this top-up amount."
    )
    bonus_type = fields.Selection(BONUS_TYPES, required=True, default="fixed")
    bonus_amount = fields.Monetary(string="Bonus")
    bonus_percent = fields.Float(string="Bonus (%)", digits=(5, 2))
    bonus_points = fields.Float(help="Loyalty points granted with the top-up.")
    date_from = fields.Date(string="Valid From")
    date_to = fields.Date(string="Valid Until")
    store_ids = fields.Many2many("chain.store", string="Stores", help="Empty: every store.")
    tier_ids = fields.Many2many("chain.member.tier", string="Tiers", help="Empty: every tier.")

    _sql_constraints = [
        ("min_amount_positive", "CHECK(min_amount > 0)", "A bracket starts above zero."),
        (
            "bonus_not_negative",
            "CHECK(bonus_amount >= 0 AND bonus_percent >= 0)",
            "A bonus cannot be negative.",
        ),
    ]

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for rule in self:
            if rule.date_from and rule.date_to and rule.date_from > rule.date_to:
                raise ValidationError(_("The rule %(name)s ends before it starts.", name=rule.name))

    @api.constrains("bonus_type", "bonus_percent")
    def _check_percent(self):
        for rule in self:
            if rule.bonus_type == "percent" and rule.bonus_percent > 100:
                raise ValidationError(_("A bonus percentage above 100% is surely a typing error."))

    @api.model
    def _find_rule(self, amount, partner, store, date=None):
        """The rule that applies to a top-up of ``amount`` by ``partner`` at ``store``."""
        date = date or fields.Date.context_today(self)
        tier = partner.member_tier_id if "member_tier_id" in partner._fields else False
        rules = self.sudo().search(
            [
                ("min_amount", "<=", amount),
                "|",
                ("date_from", "=", False),
                ("date_from", "<=", date),
                "|",
                ("date_to", "=", False),
                ("date_to", ">=", date),
            ]
        )
        for rule in rules:  # highest bracket first (_order)
            if rule.store_ids and store not in rule.store_ids:
                continue
            if rule.tier_ids and (not tier or tier not in rule.tier_ids):
                continue
            return rule
        return self.browse()

    def _bonus_for(self, amount, currency):
        """The bonus money this rule gives on a top-up of ``amount``."""
        if not self:
            return 0.0
        self.ensure_one()
        if self.bonus_type == "percent":
            return currency.round(amount * self.bonus_percent / 100.0)
        return currency.round(self.bonus_amount)
