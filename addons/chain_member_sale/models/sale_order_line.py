from odoo import api, models
from odoo.tools import float_compare


class SaleOrderLine(models.Model):
    """The member's tier discount in sales, as at the till.

    A line of a quotation for a member gets the discount percent of the member's tier, unless
    the pricelist already gives a larger one (the two are never stacked). It is set again when
    the product, the quantity, the unit or the customer changes, and stays editable by hand
    until then. Products that move a balance or a tier (stored-value top-ups, count cards and
    tier upgrade products) never get it: their price is the value the member receives.
    """

    _inherit = "sale.order.line"

    @api.depends("order_id.partner_id")
    def _compute_discount(self):
        # Without the pricelist discount feature Odoo leaves the discount as it was: start from
        # 0 so that a customer who is no member (any more) does not keep the previous one.
        for line in self:
            line.discount = 0.0
        result = super()._compute_discount()
        percents = self._chain_tier_discounts()
        for line in self:
            percent = percents.get(line, 0.0)
            if percent and float_compare(percent, line.discount or 0.0, precision_digits=2) > 0:
                line.discount = percent
        return result

    def _chain_tier_discounts(self):
        """{line: tier discount percent} for the lines that get one. Read as superuser:
        a salesperson needs no access to the tiers for the price rule to apply."""
        upgrade_products = set(
            self.env["chain.member.tier"]
            .sudo()
            .with_context(active_test=False)
            .search([("upgrade_product_id", "!=", False)])
            .upgrade_product_id.ids
        )
        percents = {}
        for line in self:
            partner = line.order_id.partner_id.sudo()
            product = line.product_id
            if (
                line.display_type
                or not product
                or not partner.is_member
                or not partner.member_tier_id.discount_percent
                or product.id in upgrade_products
                or product._chain_is_prepaid()
            ):
                continue
            percents[line] = partner.member_tier_id.discount_percent
        return percents
