from odoo import models


class ProductProduct(models.Model):
    _inherit = "product.product"

    def _chain_is_prepaid(self):
        """Extension hook: is this product prepaid value (sold at its full price, never
        discounted by a tier or a promotion)? chain_wallet: top-ups and count cards."""
        self.ensure_one()
        return False
