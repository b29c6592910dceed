import logging

from odoo import _, api, fields, models
from odoo.exceptions import UserError

_logger = logging.getLogger(__name__)

# field -> (start code searched upwards for a free code, account type, name)
WALLET_ACCOUNTS = {
    "chain_wallet_liability_account_id": (
        "212100",
        "liability_current",
        "Member Deposits (Stored Value)",
    ),
    "chain_count_card_deferred_account_id": (
        "212200",
        "liability_current",
        "Count-Card Deferred Revenue",
    ),
    "chain_wallet_bonus_account_id": ("626100", "expense", "Stored-Value Bonus Expense"),
    "chain_wallet_breakage_account_id": (
        "450100",
        "income_other",
        "Expired Stored Value and Count Cards",
    ),
}


class ResCompany(models.Model):
    _inherit = "res.company"

    chain_wallet_liability_account_id = fields.Many2one(
        "account.account",
        string="Member Deposits Account",
        check_company=True,
        help="Liability for the stored value the company's stores have taken in: top-ups credit "
        "it, payments from the balance and withdrawals debit it.",
    )
    chain_wallet_bonus_account_id = fields.Many2one(
        "account.account",
        string="Stored-Value Bonus Account",
        check_company=True,
        help="Promotion expense booked when a top-up bonus is granted (and reversed when bonus "
        "is voided).",
    )
    chain_wallet_breakage_account_id = fields.Many2one(
        "account.account",
        string="Expiry Income Account",
        check_company=True,
        help="Income booked when stored value or count-card uses expire unused.",
    )
    chain_count_card_deferred_account_id = fields.Many2one(
        "account.account",
        string="Count-Card Deferred Revenue Account",
        check_company=True,
        help="Liability for count cards sold and not yet used; each use moves its value to the "
        "service's income account.",
    )
    chain_wallet_journal_id = fields.Many2one(
        "account.journal",
        string="Stored-Value Journal",
        check_company=True,
        domain="[('type', '=', 'general')]",
        help="Journal of the stored-value and count-card entries that move no cash (bonus, "
        "adjustments, uses, expiry).",
    )

    def _chain_wallet_accounts(self):
        """The company's stored-value accounts and journal, created with sane defaults when
        missing (e.g. for a franchise company created after the install)."""
        self.ensure_one()
        company = self.sudo()
        if not company.chart_template:
            raise UserError(
                _(
                    "The company %(company)s has no chart of accounts: install one before taking "
                    "stored value or selling count cards there.",
                    company=company.name,
                )
            )
        missing = [name for name in WALLET_ACCOUNTS if not company[name]]
        if missing or not company.chain_wallet_journal_id:
            company._chain_wallet_create_defaults(missing)
        return {
            "liability": company.chain_wallet_liability_account_id,
            "bonus": company.chain_wallet_bonus_account_id,
            "breakage": company.chain_wallet_breakage_account_id,
            "deferred": company.chain_count_card_deferred_account_id,
            "journal": company.chain_wallet_journal_id,
        }

    def _chain_wallet_create_defaults(self, missing):
        Account = self.env["account.account"].sudo().with_company(self)
        values = {}
        for name in missing:
            start, account_type, label = WALLET_ACCOUNTS[name]
            code = Account._search_new_account_code(start, cache=set())
            values[name] = Account.create(
                {
                    "code": code,
                    "name": label,
                    "account_type": account_type,
                    "company_ids": [self.id],
                }
            ).id
            _logger.info("Created account %s %s for %s", code, label, self.name)
        if not self.chain_wallet_journal_id:
            journal = (
                self.env["account.journal"]
                .sudo()
                .search([("company_id", "=", self.id), ("type", "=", "general")], limit=1)
            )
            values["chain_wallet_journal_id"] = journal.id
        self.write(values)

    @api.model
    def _chain_wallet_setup_all(self):
        """Install/upgrade: give every company with a chart its accounts, its stored-value
        payment method, and the top-up product."""
        for company in self.sudo().search([("chart_template", "!=", False)]):
            company._chain_wallet_accounts()
            self.env["pos.payment.method"]._chain_wallet_method(company)
        self.env["pos.config"].sudo().search([("chain_store_id", "!=", False)])._chain_add_tenders()
        return True

    def _chain_wallet_post(self, ref, lines, journal=None, date=None):
        """Post a balanced journal entry in this company.

        :param lines: list of (account, debit, credit, partner, label)
        """
        self.ensure_one()
        journal = journal or self._chain_wallet_accounts()["journal"]
        line_vals = [
            {
                "account_id": account.id,
                "debit": debit,
                "credit": credit,
                "partner_id": partner.id if partner else False,
                "name": label,
            }
            for account, debit, credit, partner, label in lines
            if debit or credit
        ]
        if not line_vals:
            return self.env["account.move"]
        move = (
            self.env["account.move"]
            .sudo()
            .with_company(self)
            .create(
                {
                    "move_type": "entry",
                    "journal_id": journal.id,
                    "date": date or fields.Date.context_today(self),
                    "ref": ref,
                    "company_id": self.id,
                    "line_ids": [fields.Command.create(vals) for vals in line_vals],
                }
            )
        )
        move.action_post()
        return move
