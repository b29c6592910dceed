from odoo import models


class ChainStore(models.Model):
    _inherit = "chain.store"

    def write(self, vals):
        result = super().write(vals)
        if {"company_id", "name"} & set(vals):
            # res.partner._chain_wallet_store_info caches a store's company, currency and name
            self.env.registry.clear_cache()
        return result
