from odoo.tests import tagged

from odoo.addons.chain_wallet.tests.common_invoice import InvoiceAssertions

from .common import LoyaltyCase


@tagged("post_install", "-at_install")
class TestPointsInvoice(InvoiceAssertions, LoyaltyCase):
    """An invoiced member order paid partly with points: the points settle their share of the
    invoice against the points redemption expense, whether the order is invoiced at the till
    (session open) or later from the backend (session closed)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.expense = cls.company._chain_points_expense_account()

    def setUp(self):
        super().setUp()
        self.earn(5000)

    def sell_points_and_cash(self, to_invoice):
        vals = self.order_vals(
            self.session_a,
            [(self.rice, 2, 50.0)],
            [(self.points_method, 30.0), (self.cash_method, 70.0)],
            to_invoice=to_invoice,
        )
        return self.sync(vals)

    def test_invoiced_at_the_till_points_settle_their_share(self):
        expense_before = self.account_balance(self.expense)
        order = self.sell_points_and_cash(to_invoice=True)
        invoice = order.account_move
        self.assertEqual(order.state, "invoiced")
        self.assertEqual(invoice.amount_total, 100.0)
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(invoice.amount_residual, 0.0)
        self.assertEqual(self.points(), 2070)  # 5000 - 3000 spent + 70 earned on cash
        self.close_session(self.session_a)
        invoice.invalidate_recordset(["payment_state"])
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(self.customer_open_balance(), 0.0)
        # the points' value is booked once, as the redemption expense
        self.assertEqual(self.account_balance(self.expense) - expense_before, -30.0)
        self.assertBalanced(invoice | order.payment_ids.account_move_id | self.session_a.move_id)

    def test_invoiced_after_the_session_closed_points_settle_their_share(self):
        expense_before = self.account_balance(self.expense)
        order = self.sell_points_and_cash(to_invoice=False)
        self.close_session(self.session_a)
        self.assertEqual(self.account_balance(self.expense) - expense_before, -30.0)
        invoice = self.invoice_from_the_backend(order)
        # the reversal of the closing entry does not book the points twice nor cancel them
        self.assertEqual(self.account_balance(self.expense) - expense_before, -30.0)
        reversal = self.env["account.move"].search([("reversed_pos_order_id", "=", order.id)])
        self.assertTrue(reversal)
        self.assertBalanced(invoice | reversal | order.payment_ids.account_move_id)

    def test_invoice_paid_entirely_with_points(self):
        order = self.sync(
            self.order_vals(
                self.session_a,
                [(self.rice, 1, 50.0)],
                [(self.points_method, 50.0)],
                to_invoice=True,
            )
        )
        self.assertIn(order.account_move.payment_state, ("paid", "in_payment"))
        self.assertEqual(self.points(), 0)
        self.close_session(self.session_a)
        self.assertEqual(self.customer_open_balance(), 0.0)
