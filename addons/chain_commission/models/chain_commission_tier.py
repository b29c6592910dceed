from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ChainCommissionTier(models.Model):
    """A band of a tiered rule: from ``threshold`` of the employee's period total (base under
    the rule in the month) up to the next tier's threshold, ``percentage`` is paid. Below the
    first threshold nothing is paid."""

    _name = "chain.commission.tier"
    _description = "Commission Tier"
    _order = "rule_id, threshold"

    rule_id = fields.Many2one(
        "chain.commission.rule", required=True, ondelete="cascade", index=True
    )
    currency_id = fields.Many2one(related="rule_id.currency_id")
    threshold = fields.Monetary(string="From Period Total", required=True, default=0.0)
    percentage = fields.Float(required=True, digits=(16, 2))

    _sql_constraints = [
        ("threshold_unique", "unique(rule_id, threshold)", "Two tiers of a rule start apart."),
    ]

    @api.constrains("threshold", "percentage")
    def _check_values(self):
        for tier in self:
            if tier.threshold < 0 or not 0 <= tier.percentage <= 100:
                raise ValidationError(
                    _("A tier starts at zero or more and pays between 0 and 100 percent.")
                )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            rules = self.env["chain.commission.rule"].browse(
                {vals["rule_id"] for vals in vals_list if vals.get("rule_id")}
            )
            rules.plan_id.filtered(lambda p: p.state != "draft")._chain_refuse_edit()
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            self.rule_id.plan_id.filtered(lambda p: p.state != "draft")._chain_refuse_edit()
        return super().write(vals)

    def unlink(self):
        if not self.env.su:
            self.rule_id.plan_id.filtered(lambda p: p.state != "draft")._chain_refuse_edit()
        return super().unlink()
