from odoo import _, fields, models
from odoo.exceptions import UserError


class ResCompany(models.Model):
    _inherit = "res.company"

    chain_commission_expense_account_id = fields.Many2one(
        "account.account", string="Commission Expense Account"
    )
    chain_commission_payable_account_id = fields.Many2one(
        "account.account", string="Commission Payable Account"
    )
    chain_commission_journal_id = fields.Many2one(
        "account.journal", string="Commission Journal", domain="[('type', '=', 'general')]"
    )
    chain_commission_pos_deferred = fields.Boolean(
        string="Post Till Commission After the Sync",
        help="The till's orders are saved without computing their commission; a job posts "
        "it within the minute, in batches (a busy chain's tills answer sooner). The shares "
        "are checked at the sync either way, and a settlement first posts what is pending.",
    )
    chain_attendance_grace_minutes = fields.Integer(
        string="Attendance Grace Minutes",
        default=5,
        help="A check-in this many minutes after the roster's start is not late, nor a "
        "check-out this many minutes before its end early.",
    )

    def _chain_commission_accounts(self):
        """The accounts and journal that book an approved settlement, or a UserError saying
        what to set."""
        self.ensure_one()
        company = self.sudo()
        accounts = {
            "expense": company.chain_commission_expense_account_id,
            "payable": company.chain_commission_payable_account_id,
            "journal": company.chain_commission_journal_id,
        }
        if not all(accounts.values()):
            raise UserError(
                _(
                    "%(company)s has no commission expense account, payable account or journal: "
                    "set them in Settings > Chain Members > Staff Commission.",
                    company=company.name,
                )
            )
        return accounts
