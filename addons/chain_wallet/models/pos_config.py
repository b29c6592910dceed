import logging

from odoo import api, models

_logger = logging.getLogger(__name__)


class PosConfig(models.Model):
    """Every till of a chain store accepts the member's stored value: it gets its company's
    stored-value payment method when it is linked to a store."""

    _inherit = "pos.config"

    @api.model
    def _chain_tender_methods(self, company):
        return super()._chain_tender_methods(company) | self.env[
            "pos.payment.method"
        ]._chain_wallet_method(company)
