from odoo import fields, models

HQ = "chain_member.group_chain_hq_manager"


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    chain_sms_gateway_id = fields.Many2one(
        related="company_id.chain_sms_gateway_id", readonly=False, groups=HQ
    )
    chain_sms_quiet_start = fields.Float(related="company_id.chain_sms_quiet_start", readonly=False)
    chain_sms_quiet_end = fields.Float(related="company_id.chain_sms_quiet_end", readonly=False)
    chain_sms_tz = fields.Selection(related="company_id.chain_sms_tz", readonly=False)
    chain_sms_payment_code = fields.Boolean(
        related="company_id.chain_sms_payment_code", readonly=False
    )
    chain_sms_payment_code_threshold = fields.Monetary(
        related="company_id.chain_sms_payment_code_threshold",
        readonly=False,
        currency_field="currency_id",
    )
