from odoo import _, models


class PosPayment(models.Model):
    _inherit = "pos.payment"

    def _chain_invoice_counterpart(self):
        """Stored value: the member-deposit liability."""
        self.ensure_one()
        if not self.payment_method_id.chain_wallet:
            return super()._chain_invoice_counterpart()
        order = self.pos_order_id
        return (
            order.company_id._chain_wallet_accounts()["liability"],
            _("%(order)s paid from the stored value", order=order.name),
        )
