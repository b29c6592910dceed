from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class PosPaymentMethod(models.Model):
    """The stored-value tender: a payment method whose terminal is the member's balance.

    It has no journal (Odoo's "customer account" type) and its intermediary account is the
    company's member-deposit liability, so the session's closing entry debits the liability
    by the payments from the balance (and credits it back for refunds). It is not split per
    customer: the ledger already knows each member's share, and one closing line per session
    keeps the books small.
    """

    _inherit = "pos.payment.method"

    chain_wallet = fields.Boolean(
        string="Stored Value", compute="_compute_chain_wallet", store=True, index=True
    )

    def _get_payment_terminal_selection(self):
        return super()._get_payment_terminal_selection() + [
            ("chain_wallet", _("Member stored value"))
        ]

    @api.depends("use_payment_terminal")
    def _compute_chain_wallet(self):
        for method in self:
            method.chain_wallet = method.use_payment_terminal == "chain_wallet"

    @api.constrains(
        "use_payment_terminal", "journal_id", "split_transactions", "receivable_account_id"
    )
    def _check_chain_wallet(self):
        for method in self.filtered("chain_wallet"):
            liability = method.company_id.chain_wallet_liability_account_id
            if (
                method.journal_id
                or method.split_transactions
                or method.receivable_account_id != liability
            ):
                raise ValidationError(
                    _(
                        "The stored-value payment method %(method)s takes no journal and books "
                        "to the "
                        "member-deposit account of its company.",
                        method=method.name,
                    )
                )

    @api.model
    def _load_pos_data_fields(self, config_id):
        return super()._load_pos_data_fields(config_id) + ["chain_wallet"]

    @api.model
    def _chain_wallet_method(self, company):
        """The company's stored-value payment method, created when missing."""
        method = (
            self.sudo()
            .with_context(active_test=False)
            .search([("company_id", "=", company.id), ("chain_wallet", "=", True)], limit=1)
        )
        if method:
            return method
        accounts = company._chain_wallet_accounts()
        return self.sudo().create(
            {
                "name": _("Stored Value"),
                "company_id": company.id,
                "payment_method_type": "terminal",
                "use_payment_terminal": "chain_wallet",
                "receivable_account_id": accounts["liability"].id,
                "split_transactions": False,
            }
        )
