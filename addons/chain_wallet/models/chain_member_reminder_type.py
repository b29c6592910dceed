from odoo import fields, models

from .chain_member_reminder import WALLET_REMINDER_CODES


class ChainMemberReminderType(models.Model):
    _inherit = "chain.member.reminder.type"

    code = fields.Selection(
        selection_add=WALLET_REMINDER_CODES,
        ondelete={"low_balance": "cascade", "count_card_expiring": "cascade"},
    )
