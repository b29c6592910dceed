from odoo import api, models


class PosConfig(models.Model):
    _inherit = "pos.config"

    @api.model
    def _chain_commission_till(self, config_id):
        """Is ``config_id`` (an id, or nothing) a till of a chain store?"""
        if not isinstance(config_id, int) or isinstance(config_id, bool) or not config_id:
            return False
        return bool(self.sudo().browse(config_id).exists().chain_store_id)
