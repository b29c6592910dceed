import logging

from odoo import Command, api, fields, models

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

    @api.model_create_multi
    def create(self, vals_list):
        configs = super().create(vals_list)
        configs.filtered("chain_store_id")._chain_points_add_method()
        return configs

    def write(self, vals):
        result = super().write(vals)
        if vals.get("chain_store_id"):
            self._chain_points_add_method()
        return result

    def _chain_points_add_method(self):
        for config in self.sudo():
            company = config.company_id
            if not company.chart_template or config.current_session_id:
                continue
            method = self.env["pos.payment.method"]._chain_points_method(company)
            if method not in config.payment_method_ids:
                config.write({"payment_method_ids": [Command.link(method.id)]})
                _logger.info("Points payment method added to %s", config.name)
