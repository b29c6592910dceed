from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class PosPaymentMethod(models.Model):
    """The points tender: a payment method whose terminal is the member's points.

    It has no journal (Odoo's "customer account" type); its intermediary account is the
    company's points expense, so the session's closing entry books the value of the points
    redeemed as a promotion expense (the sale itself stays at its full price). The points are
    debited in the order sync, never by the browser.
    """

    _inherit = "pos.payment.method"

    chain_points = fields.Boolean(
        string="Member Points", compute="_compute_chain_points", store=True, index=True
    )

    def _get_payment_terminal_selection(self):
        return super()._get_payment_terminal_selection() + [("chain_points", _("Member points"))]

    @api.depends("use_payment_terminal")
    def _compute_chain_points(self):
        for method in self:
            method.chain_points = method.use_payment_terminal == "chain_points"

    @api.constrains("use_payment_terminal", "journal_id", "split_transactions")
    def _check_chain_points(self):
        for method in self.filtered("chain_points"):
            if method.journal_id or method.split_transactions:
                raise ValidationError(
                    _(
                        "The points payment method %(method)s takes no journal and is not split "
                        "per customer.",
                        method=method.name,
                    )
                )

    @api.model
    def _load_pos_data_fields(self, config_id):
        return super()._load_pos_data_fields(config_id) + ["chain_points"]

    @api.model
    def _chain_points_method(self, company):
        """The company's points payment method, created when missing."""
        method = (
            self.sudo()
            .with_context(active_test=False)
            .search([("company_id", "=", company.id), ("chain_points", "=", True)], limit=1)
        )
        if method:
            return method
        return self.sudo().create(
            {
                "name": _("Points"),
                "company_id": company.id,
                "payment_method_type": "terminal",
                "use_payment_terminal": "chain_points",
                "receivable_account_id": company._chain_points_expense_account().id,
                "split_transactions": False,
            }
        )
