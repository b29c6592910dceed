from odoo import _, api, fields, models, tools
from odoo.exceptions import ValidationError

# chain_loyalty adds the rules that count points
QUALIFICATION_RULES = [("spend", "Spend")]


class ChainMemberTier(models.Model):
    """An ordered membership level (e.g. 普通会员 < 银卡 < 金卡 < 钻石).

    A member enters a tier when their spend over the last ``spend_months`` months (and, with
    chain_loyalty, their points) reach its thresholds; the tier then lasts ``validity_months``,
    after which the nightly review keeps or lowers it, not before ``grace_days`` more days.
    """

    _name = "chain.member.tier"
    _description = "Member Tier"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(
        default=10, help="Order of the tiers: a higher sequence is a higher tier."
    )
    active = fields.Boolean(default=True)
    color = fields.Integer()
    currency_id = fields.Many2one(
        "res.currency", required=True, default=lambda self: self.env.company.currency_id
    )
    qualification = fields.Selection(QUALIFICATION_RULES, required=True, default="spend")
    spend_threshold = fields.Monetary(help="Spend over the rolling period needed to enter.")
    spend_months = fields.Integer(
        default=12, help="Rolling period, in months, over which spend is counted."
    )
    discount_percent = fields.Float(
        digits=(5, 2), help="Discount applied automatically at the till and in sales."
    )
    validity_months = fields.Integer(
        default=12, help="How long the tier lasts once reached (0: for good)."
    )
    grace_days = fields.Integer(
        default=30,
        help="Days after the validity before a member who no longer qualifies moves down.",
    )
    upgrade_product_id = fields.Many2one(
        "product.product",
        help="Selling this product to a member at the till moves them to this tier.",
    )
    member_count = fields.Integer(compute="_compute_member_count")

    _sql_constraints = [
        (
            "discount_range",
            "CHECK(discount_percent >= 0 AND discount_percent <= 100)",
            "A tier discount is between 0 and 100 percent.",
        ),
    ]

    def _compute_member_count(self):
        counts = dict(
            self.env["res.partner"]._read_group(
                [("member_tier_id", "in", self.ids)], ["member_tier_id"], ["__count"]
            )
        )
        for tier in self:
            tier.member_count = counts.get(tier, 0)

    @api.constrains("spend_months", "validity_months", "grace_days")
    def _check_periods(self):
        for tier in self:
            if min(tier.spend_months, tier.validity_months, tier.grace_days) < 0:
                raise ValidationError(_("Periods of a tier cannot be negative."))

    @api.model_create_multi
    def create(self, vals_list):
        tiers = super().create(vals_list)
        self.env.registry.clear_cache()  # _chain_till_info
        return tiers

    def write(self, vals):
        result = super().write(vals)
        if {"name", "discount_percent", "active"} & set(vals):
            self.env.registry.clear_cache()  # _chain_till_info
        return result

    def unlink(self):
        result = super().unlink()
        self.env.registry.clear_cache()  # _chain_till_info
        return result

    @api.model
    @tools.ormcache("tier_id", "lang")
    def _chain_till_info(self, tier_id, lang):
        """(name in ``lang``, discount percent) of a tier, for the till's member summary:
        cached, tiers change seldom (the cache is cleared when one does)."""
        if not tier_id:
            return ("", 0.0)
        self.flush_model(["name", "discount_percent"])
        self.env.cr.execute(
            "SELECT COALESCE(name ->> %s, name ->> 'en_US'), discount_percent "
            "FROM chain_member_tier WHERE id = %s",
            (lang, tier_id),
        )
        row = self.env.cr.fetchone()
        return (row[0] or "", row[1] or 0.0) if row else ("", 0.0)

    def _qualifies(self, spend, points):
        """Do these figures (the member's rolling spend, the points the tiers count) reach this
        tier? Here the spend; chain_loyalty adds the rules that count points."""
        self.ensure_one()
        return spend >= self.spend_threshold

    def _chain_counted_figures(self):
        """What this tier counts to let a member in: {"spend"} here; chain_loyalty adds
        "points"."""
        self.ensure_one()
        return {"spend"}

    def _chain_needs_every_figure(self):
        """Whether a member needs every counted figure (not just one) to enter this tier."""
        self.ensure_one()
        return True

    @api.model
    def _best_for(self, spend, points):
        """The highest tier these figures qualify for (or an empty recordset)."""
        qualifying = self.search([]).filtered(lambda tier: tier._qualifies(spend, points))
        return qualifying[-1:] if qualifying else self

    def action_view_members(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "chain_member.res_partner_action_members"
        )
        action["domain"] = [("member_tier_id", "=", self.id)]
        return action
