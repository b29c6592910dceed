import logging

from odoo import api, models

_logger = logging.getLogger(__name__)


class PosConfig(models.Model):
    """Every till of a chain store accepts points: it gets its company's points payment method
    when it is linked to a store."""

    _inherit = "pos.config"

    @api.model
    def _chain_tender_methods(self, company):
        return super()._chain_tender_methods(company) | self.env[
            "pos.payment.method"
        ]._chain_points_method(company)
