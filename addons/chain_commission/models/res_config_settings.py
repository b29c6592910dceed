from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    chain_commission_expense_account_id = fields.Many2one(
        related="company_id.chain_commission_expense_account_id", readonly=False
    )
    chain_commission_payable_account_id = fields.Many2one(
        related="company_id.chain_commission_payable_account_id", readonly=False
    )
    chain_commission_journal_id = fields.Many2one(
        related="company_id.chain_commission_journal_id", readonly=False
    )
    chain_commission_pos_deferred = fields.Boolean(
        related="company_id.chain_commission_pos_deferred", readonly=False
    )
    chain_attendance_grace_minutes = fields.Integer(
        related="company_id.chain_attendance_grace_minutes", readonly=False
    )
    pos_chain_commission_receipt_staff = fields.Boolean(
        related="pos_config_id.chain_commission_receipt_staff", readonly=False
    )
