from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .chain_member_reminder import WALLET_REMINDER_CODES


class ChainMemberReminderType(models.Model):
    """The wallet's reminders (low balance, count cards expiring) and the low balance's
    threshold: the balance under which a stored-value account is low."""

    _inherit = "chain.member.reminder.type"

    code = fields.Selection(
        selection_add=WALLET_REMINDER_CODES,
        ondelete={"low_balance": "cascade", "count_card_expiring": "cascade"},
    )
    threshold = fields.Monetary(
        string="Balance Threshold",
        currency_field="currency_id",
        help="Low balance: remind when a member's stored value falls below this amount.",
    )
    currency_id = fields.Many2one(
        "res.currency", required=True, default=lambda self: self.env.company.currency_id
    )

    @api.constrains("threshold")
    def _check_threshold(self):
        if any(rtype.threshold < 0 for rtype in self):
            raise ValidationError(_("The balance threshold cannot be negative."))
