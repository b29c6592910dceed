from odoo import api, models


class ProductProduct(models.Model):
    _inherit = "product.product"

    @api.model
    def _load_pos_data_fields(self, config_id):
        return super()._load_pos_data_fields(config_id) + [
            "chain_wallet_topup",
            "chain_count_card",
            "chain_timed_service",
        ]

    def _chain_is_prepaid(self):
        return super()._chain_is_prepaid() or bool(self.chain_wallet_topup or self.chain_count_card)
