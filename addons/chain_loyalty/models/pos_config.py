import logging

from odoo import api, fields, models

_logger = logging.getLogger(__name__)


class PosConfig(models.Model):
    """Every till of a chain store accepts points: it gets its company's points payment method
    when it is linked to a store."""

    _inherit = "pos.config"

    chain_member_till = fields.Boolean(
        compute="_compute_chain_member_till",
        help="A till of a chain store: the member panel and the points tender are shown.",
    )

    @api.depends("chain_store_id")
    def _compute_chain_member_till(self):
        for config in self:
            config.chain_member_till = bool(config.chain_store_id)

    @api.model
    def _chain_tender_methods(self, company):
        return super()._chain_tender_methods(company) | self.env[
            "pos.payment.method"
        ]._chain_points_method(company)
