import logging

from odoo import _, api, fields, models
from odoo.exceptions import UserError

_logger = logging.getLogger(__name__)


class ResCompany(models.Model):
    _inherit = "res.company"

    chain_points_expense_account_id = fields.Many2one(
        "account.account",
        string="Points Redemption Account",
        check_company=True,
        help="Promotion expense booked for the value of the points members pay with at the "
        "till (the points tender's intermediary account).",
    )

    def _chain_points_expense_account(self):
        """The company's points expense account, created when missing."""
        self.ensure_one()
        company = self.sudo()
        if company.chain_points_expense_account_id:
            return company.chain_points_expense_account_id
        if not company.chart_template:
            raise UserError(
                _(
                    "The company %(company)s has no chart of accounts: install one before "
                    "accepting points there.",
                    company=company.name,
                )
            )
        Account = self.env["account.account"].sudo().with_company(company)
        code = Account._search_new_account_code("626200", cache=set())
        account = Account.create(
            {
                "code": code,
                "name": _("Member Points Redeemed"),
                "account_type": "expense",
                "company_ids": [company.id],
            }
        )
        _logger.info("Created account %s for the points redeemed in %s", code, company.name)
        company.chain_points_expense_account_id = account
        return account

    @api.model
    def _chain_points_setup_all(self):
        """Install/upgrade: give every company with a chart its points payment method and every
        till of a chain store the points tender."""
        for company in self.sudo().search([("chart_template", "!=", False)]):
            self.env["pos.payment.method"]._chain_points_method(company)
        self.env["pos.config"].sudo().search([("chain_store_id", "!=", False)])._chain_add_tenders()
        return True
