from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    pos_chain_hw_proxy_url = fields.Char(related="pos_config_id.chain_hw_proxy_url", readonly=False)
    pos_chain_hw_proxy_token = fields.Char(
        related="pos_config_id.chain_hw_proxy_token", readonly=False
    )
    pos_chain_hw_cashdrawer = fields.Boolean(
        related="pos_config_id.chain_hw_cashdrawer", readonly=False
    )
    pos_chain_hw_customer_display = fields.Boolean(
        related="pos_config_id.chain_hw_customer_display", readonly=False
    )
