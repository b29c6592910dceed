from odoo import models


class PosOrderLine(models.Model):
    _inherit = "pos.order.line"

    def _chain_not_member_spend(self):
        """Extension hook: is this line left out of the member's spend (lifetime spend, tier
        thresholds)? chain_wallet leaves out stored-value top-ups."""
        self.ensure_one()
        return False
