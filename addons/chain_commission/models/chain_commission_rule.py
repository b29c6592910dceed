from collections import namedtuple

from odoo import _, api, fields, models, tools
from odoo.exceptions import ValidationError

EVENT_TYPES = [
    ("goods", "Goods"),
    ("service", "Service"),
    ("topup", "Stored-Value Top-up"),
    ("card_sale", "Member Card Sale"),
    ("count_card_sale", "Count-Card Sale or Renewal"),
    ("count_card_use", "Count-Card Use"),
    ("timed_service", "Timed Service"),
]
COMPUTE_MODES = [
    ("fixed", "Fixed Amount per Unit"),
    ("percentage", "Percentage of the Base"),
    ("tiers", "Tiers over the Period Total"),
]
TIER_MODES = [
    ("progressive", "Progressive (each band at its rate)"),
    ("whole", "Whole Band (the reached band's rate on the whole total)"),
]
BASE_TYPES = [
    ("received", "Amount Received"),
    ("list_price", "List Price"),
]

# A rule as plain values, cached per plan (``_chain_rule_specs``): what the order sync reads
# of the rules on every paid order, without a query.
RuleSpec = namedtuple(
    "RuleSpec",
    [
        "id",
        "plan_id",
        "sequence",
        "event_type",
        "product_id",
        "categ_id",
        "staff_level_id",
        "store_id",
        "compute_mode",
        "fixed_amount",
        "percentage",
        "base_type",
        "exclude_stored_value",
        "exclude_discounted",
    ],
)


class ChainCommissionRule(models.Model):
    """One rule of a plan: which lines it pays (event type, optionally a product or a product
    category, a staff level, a store) and how much.

    **Specificity** (the most specific matching rule wins, one rule per line and employee):
    a product beats a category, a deeper category beats its parent, a category beats no
    product/category; then a rule naming a store beats one for all stores; then one naming
    a staff level beats one for all levels; last, the lower sequence, then the older rule.
    See ``_chain_specificity``."""

    _name = "chain.commission.rule"
    _description = "Commission Rule"
    _order = "plan_id, sequence, id"

    plan_id = fields.Many2one(
        "chain.commission.plan", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="plan_id.company_id", store=True)
    currency_id = fields.Many2one(related="plan_id.currency_id")
    plan_state = fields.Selection(related="plan_id.state", string="Plan Status")
    sequence = fields.Integer(default=10)
    name = fields.Char(translate=True, help="Optional label shown on the commission lines.")
    event_type = fields.Selection(EVENT_TYPES, required=True, default="service")
    product_id = fields.Many2one("product.product", ondelete="restrict")
    categ_id = fields.Many2one("product.category", string="Product Category", ondelete="restrict")
    staff_level_id = fields.Many2one("chain.staff.level", ondelete="restrict")
    store_id = fields.Many2one("chain.store", ondelete="restrict")
    compute_mode = fields.Selection(COMPUTE_MODES, required=True, default="percentage")
    fixed_amount = fields.Monetary(string="Amount per Unit")
    percentage = fields.Float(digits=(16, 2))
    tier_mode = fields.Selection(TIER_MODES, default="progressive")
    tier_ids = fields.One2many("chain.commission.tier", "rule_id", string="Tiers", copy=True)
    base_type = fields.Selection(BASE_TYPES, string="Base", required=True, default="received")
    exclude_stored_value = fields.Boolean(
        string="Without Stored Value",
        help="The part of the order paid from stored value or points is left out of the base.",
    )
    exclude_discounted = fields.Boolean(
        string="Not on Discounted Lines",
        help="Discounted lines and promotion rewards pay no commission under this rule.",
    )

    @api.depends("event_type", "product_id", "categ_id", "name")
    def _compute_display_name(self):
        labels = dict(self._fields["event_type"]._description_selection(self.env))
        for rule in self:
            target = rule.product_id.display_name or rule.categ_id.display_name
            rule.display_name = rule.name or " / ".join(
                part for part in (labels.get(rule.event_type), target) if part
            )

    @api.constrains("compute_mode", "fixed_amount", "percentage", "tier_ids")
    def _check_amounts(self):
        for rule in self:
            if rule.fixed_amount < 0 or not 0 <= rule.percentage <= 100:
                raise ValidationError(
                    _("A rule pays a positive amount or a percentage between 0 and 100.")
                )
            if rule.compute_mode == "tiers" and not rule.tier_ids:
                raise ValidationError(_("A rule paid by tiers needs at least one tier."))

    @api.model_create_multi
    def create(self, vals_list):
        plans = self.env["chain.commission.plan"].browse(
            {vals["plan_id"] for vals in vals_list if vals.get("plan_id")}
        )
        if not self.env.su:
            plans.filtered(lambda p: p.state != "draft")._chain_refuse_edit()
        self.env.registry.clear_cache()  # _chain_rule_specs
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            self.plan_id.filtered(lambda p: p.state != "draft")._chain_refuse_edit()
            if vals.get("plan_id"):
                plan = self.env["chain.commission.plan"].browse(vals["plan_id"])
                plan.filtered(lambda p: p.state != "draft")._chain_refuse_edit()
        self.env.registry.clear_cache()  # _chain_rule_specs
        return super().write(vals)

    def unlink(self):
        if not self.env.su:
            self.plan_id.filtered(lambda p: p.state != "draft")._chain_refuse_edit()
        self.env.registry.clear_cache()  # _chain_rule_specs
        return super().unlink()

    # ------------------------------------------------------------------------------------------
    @api.model
    @tools.ormcache("plan_id")
    def _chain_rule_specs(self, plan_id):
        """The rules of the plan ``plan_id`` as ``RuleSpec`` values, cached in the registry:
        a plan in force is frozen, and every change of a plan or a rule clears the cache (in
        every worker, as Odoo's caches are)."""
        rules = self.sudo().search([("plan_id", "=", plan_id)])
        return tuple(
            RuleSpec(
                rule.id,
                plan_id,
                rule.sequence,
                rule.event_type,
                rule.product_id.id,
                rule.categ_id.id,
                rule.staff_level_id.id,
                rule.store_id.id,
                rule.compute_mode,
                rule.fixed_amount,
                rule.percentage,
                rule.base_type,
                rule.exclude_stored_value,
                rule.exclude_discounted,
            )
            for rule in rules
        )

    @api.model
    def _chain_best(self, plan, event_type, product, level, store_id):
        """The most specific rule (a ``RuleSpec``) of ``plan`` for a line of ``event_type`` for
        ``product`` (may be empty), sold by an employee of staff level ``level()`` (a function
        returning the level's id, called only when a rule names a level) in the store
        ``store_id``, or None. A rule matches when its event type is the line's and
        each of its product, category (the product's or an ancestor of it), staff level and
        store is empty or the line's; the most specific wins (see the class docstring)."""
        if not plan:
            return None
        path = None  # the product's category and its ancestors, read when a rule names one
        level_id = None
        best, best_key = None, None
        for spec in self._chain_rule_specs(plan.id):
            if spec.event_type != event_type:
                continue
            if spec.product_id and spec.product_id != product.id:
                continue
            depth = 0
            if spec.categ_id:
                if path is None:
                    parent_path = product.categ_id.parent_path if product else ""
                    path = [int(part) for part in (parent_path or "").strip("/").split("/") if part]
                if spec.categ_id not in path:
                    continue
                depth = path.index(spec.categ_id) + 1
            if spec.staff_level_id:
                if level_id is None:
                    level_id = level()
                if spec.staff_level_id != level_id:
                    continue
            if spec.store_id and spec.store_id != store_id:
                continue
            key = (
                bool(spec.product_id),
                depth,
                bool(spec.store_id),
                bool(spec.staff_level_id),
                -spec.sequence,
                -spec.id,
            )
            if best_key is None or key > best_key:
                best, best_key = spec, key
        return best

    @api.model
    def _chain_spec_amount(self, spec, base, qty, period_total):
        """What the rule ``spec`` pays (see ``_chain_amount``); tiers are read from the rule."""
        if spec.compute_mode == "fixed":
            return spec.fixed_amount * qty
        if spec.compute_mode == "percentage":
            return base * spec.percentage / 100.0
        return self.sudo().browse(spec.id)._chain_amount(base, qty, period_total)

    def _chain_amount(self, base, qty, period_total):
        """The commission this rule pays on ``base`` (an employee's share of the line's base)
        and ``qty`` (their share of its quantity), when the employee's base under this rule in
        the period is ``period_total`` before the line.

        Tiers pay the increase of the tier function over the period total,
        ``f(total + base) - f(total)``: progressive tiers pay each band's part at its rate;
        whole-band tiers pay the reached band's rate on the whole total, so the line that
        crosses a threshold also carries the uplift of the period's earlier lines."""
        self.ensure_one()
        if self.compute_mode == "fixed":
            return self.fixed_amount * qty
        if self.compute_mode == "percentage":
            return base * self.percentage / 100.0
        return self._chain_tier_function(period_total + base) - self._chain_tier_function(
            period_total
        )

    def _chain_tier_function(self, total):
        """Commission due for a period total ``total`` under this rule's tiers."""
        self.ensure_one()
        tiers = self.tier_ids.sorted("threshold")
        if total <= 0 or not tiers:
            return 0.0
        if self.tier_mode == "whole":
            reached = tiers.filtered(lambda t: t.threshold <= total)
            return total * reached[-1].percentage / 100.0 if reached else 0.0
        due = 0.0
        bounds = [*tiers.mapped("threshold")[1:], None]
        for tier, upper in zip(tiers, bounds, strict=True):
            if total <= tier.threshold:
                break
            top = total if upper is None else min(total, upper)
            due += (top - tier.threshold) * tier.percentage / 100.0
        return due
