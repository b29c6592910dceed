from odoo import fields, models

from .chain_wallet_account import SPEND_ORDERS


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    chain_wallet_spend_order = fields.Selection(
        SPEND_ORDERS,
        string="Stored-Value Spending Order",
        default="principal_first",
        config_parameter="chain_member.wallet_spend_order",
        help="How a payment from the balance takes the principal and the bonus.",
    )
    chain_wallet_pin_required = fields.Boolean(
        string="Payment PIN",
        config_parameter="chain_member.wallet_pin_required",
        help="Members confirm every payment from their balance with a PIN.",
    )
    chain_wallet_pin_max_failures = fields.Integer(
        string="Wrong PINs Before Lock",
        default=5,
        config_parameter="chain_member.wallet_pin_max_failures",
    )
    chain_wallet_pin_lock_minutes = fields.Integer(
        string="PIN Lock (minutes)",
        default=30,
        config_parameter="chain_member.wallet_pin_lock_minutes",
    )
    chain_wallet_liability_account_id = fields.Many2one(
        related="company_id.chain_wallet_liability_account_id", readonly=False
    )
    chain_wallet_bonus_account_id = fields.Many2one(
        related="company_id.chain_wallet_bonus_account_id", readonly=False
    )
    chain_wallet_breakage_account_id = fields.Many2one(
        related="company_id.chain_wallet_breakage_account_id", readonly=False
    )
    chain_count_card_deferred_account_id = fields.Many2one(
        related="company_id.chain_count_card_deferred_account_id", readonly=False
    )
    chain_wallet_journal_id = fields.Many2one(
        related="company_id.chain_wallet_journal_id", readonly=False
    )
