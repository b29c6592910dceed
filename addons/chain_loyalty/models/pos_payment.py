from odoo import _, models


class PosPayment(models.Model):
    _inherit = "pos.payment"

    def _chain_invoice_counterpart(self):
        """Points settle their share of an invoice against the points redemption expense (the
        method's account, or the company's points expense account)."""
        if not self.payment_method_id.chain_points:
            return super()._chain_invoice_counterpart()
        order = self.pos_order_id
        expense = (
            self.payment_method_id.receivable_account_id
            or order.company_id._chain_points_expense_account()
        )
        return expense, _("%(order)s paid with points", order=order.name)
