from odoo import models


class ProductProduct(models.Model):
    _inherit = "product.product"

    def _chain_commission_event_type(self):
        """The commission event of selling this product (at the till, on a sales order): its
        own commission event, a stored-value top-up, a count-card sale or renewal
        (chain_wallet's flags, when installed), a service, else goods."""
        self.ensure_one()
        product = self.sudo()
        if product.chain_commission_event_type:
            return product.chain_commission_event_type
        if "chain_wallet_topup" in product._fields and product.chain_wallet_topup:
            return "topup"
        if "chain_count_card" in product._fields and product.chain_count_card:
            return "count_card_sale"
        if product.type == "service":
            return "service"
        return "goods"
