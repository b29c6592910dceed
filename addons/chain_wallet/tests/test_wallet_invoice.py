from odoo.tests import tagged

from .common_invoice import InvoiceAssertions
from .common_wallet import WalletPosCase


@tagged("post_install", "-at_install")
class TestWalletInvoice(InvoiceAssertions, WalletPosCase):
    """An invoiced member order paid partly from the stored value: the stored value settles its
    share of the invoice against the member-deposit liability, whether the order is invoiced at
    the till (session open) or later from the backend (session closed). Either way the liability
    moves once, by the amount paid from the balance, and still agrees with the ledger."""

    def setUp(self):
        super().setUp()
        self.topup(100)
        self.liability = self.accounts["liability"]

    def sell_wallet_and_cash(self, to_invoice):
        return self.sync(
            self.order_vals(
                self.session_a,
                [(self.haircut, 1, 150)],
                [(self.wallet_method, 60), (self.cash_method, 90)],
                to_invoice=to_invoice,
            )
        )

    def liability_gap(self):
        """The liability report's difference between the ledger and the account."""
        rows = self.env["chain.wallet.xlsx"]._liability_rows(
            self.company.ids, self.env.cr.now().date()
        )
        return self.currency.round(rows[0][7])

    def test_invoiced_at_the_till_the_balance_settles_its_share(self):
        liability_before = self.account_balance(self.liability)
        order = self.sell_wallet_and_cash(to_invoice=True)
        invoice = order.account_move
        self.assertEqual(order.state, "invoiced")
        self.assertEqual(invoice.amount_total, 150.0)
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(self.balance(), (40, 0))
        self.close_session(self.session_a)
        invoice.invalidate_recordset(["payment_state"])
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(self.customer_open_balance(), 0.0)
        # the 60 paid from the balance, once (invoice payment move, nothing at the closing)
        self.assertEqual(self.account_balance(self.liability) - liability_before, -60.0)
        self.assertEqual(self.liability_gap(), 0.0)
        self.assertBalanced(invoice | order.payment_ids.account_move_id | self.session_a.move_id)

    def test_invoiced_after_the_session_closed_the_balance_settles_its_share(self):
        liability_before = self.account_balance(self.liability)
        order = self.sell_wallet_and_cash(to_invoice=False)
        self.close_session(self.session_a)
        self.assertEqual(self.account_balance(self.liability) - liability_before, -60.0)
        invoice = self.invoice_from_the_backend(order)
        self.assertEqual(invoice.amount_total, 150.0)
        self.assertEqual(invoice.amount_residual, 0.0)
        # the reversal of the closing entry neither books the 60 twice nor gives it back
        self.assertEqual(self.account_balance(self.liability) - liability_before, -60.0)
        self.assertEqual(self.liability_gap(), 0.0)
        self.assertEqual(self.balance(), (40, 0))
        reversal = self.env["account.move"].search([("reversed_pos_order_id", "=", order.id)])
        self.assertFalse(reversal.line_ids.filtered(lambda line: line.account_id == self.liability))
        self.assertBalanced(invoice | reversal | order.payment_ids.account_move_id)

    def test_invoiced_after_close_paid_entirely_from_the_balance(self):
        order = self.sync(
            self.order_vals(self.session_a, [(self.haircut, 1, 100)], [(self.wallet_method, 100)])
        )
        self.close_session(self.session_a)
        self.invoice_from_the_backend(order)
        self.assertEqual(self.balance(), (0, 0))
        self.assertEqual(self.liability_gap(), 0.0)
