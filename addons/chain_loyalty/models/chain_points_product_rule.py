from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ChainPointsProductRule(models.Model):
    """A points multiplier for a product or a product category (and its subcategories).

    A multiplier of 0 excludes the product from earning (e.g. tobacco, baby formula); 2 doubles
    its points. A rule on the product wins over a rule on its category; a rule on a closer
    category wins over a farther one.
    """

    _name = "chain.points.product.rule"
    _description = "Points Multiplier of a Product or Category"
    _order = "program_id, id"

    program_id = fields.Many2one(
        "chain.points.program", required=True, ondelete="cascade", index=True
    )
    applies_to = fields.Selection(
        [("product", "Product"), ("category", "Product category")],
        required=True,
        default="category",
    )
    product_id = fields.Many2one("product.product", ondelete="cascade")
    categ_id = fields.Many2one("product.category", string="Category", ondelete="cascade")
    multiplier = fields.Float(
        default=1.0, digits=(5, 2), help="0 excludes the product or category from earning points."
    )

    _sql_constraints = [
        ("multiplier_positive", "CHECK(multiplier >= 0)", "A multiplier cannot be negative."),
    ]

    @api.constrains("applies_to", "product_id", "categ_id")
    def _check_target(self):
        for rule in self:
            if rule.applies_to == "product" and not rule.product_id:
                raise ValidationError(_("Choose the product of the multiplier."))
            if rule.applies_to == "category" and not rule.categ_id:
                raise ValidationError(_("Choose the category of the multiplier."))

    @api.onchange("applies_to")
    def _onchange_applies_to(self):
        if self.applies_to == "product":
            self.categ_id = False
        else:
            self.product_id = False

    @api.depends("applies_to", "product_id", "categ_id", "multiplier")
    def _compute_display_name(self):
        for rule in self:
            target = rule.product_id if rule.applies_to == "product" else rule.categ_id
            rule.display_name = f"{target.display_name or ''} × {rule.multiplier:g}"

    @api.model_create_multi
    def create(self, vals_list):
        rules = super().create(vals_list)
        self.env.registry.clear_cache()
        return rules

    def write(self, vals):
        result = super().write(vals)
        self.env.registry.clear_cache()
        return result

    def unlink(self):
        result = super().unlink()
        self.env.registry.clear_cache()
        return result
