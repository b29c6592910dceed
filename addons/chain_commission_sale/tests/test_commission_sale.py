from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import SaleCommissionCase


@tagged("post_install", "-at_install")
class TestCommissionSale(SaleCommissionCase):
    """A chain store's sales order credits its staff when invoiced; credit notes claw back."""

    def test_invoice_credits_the_shares(self):
        order = self.make_order([(self.consult, 2)], [(self.tech_1, 60), (self.tech_2, 40)])
        move = self.invoice(order)
        self.assertEqual(
            self.commission_of(order), {(self.tech_1, "sale"): 12.0, (self.tech_2, "sale"): 8.0}
        )
        lines = self.env["chain.commission.line"].search([("sale_order_id", "=", order.id)])
        self.assertEqual(set(lines.mapped("event_type")), {"service"})
        self.assertEqual(lines.account_move_line_id.move_id, move)
        self.assertEqual(lines.store_id, self.store_a)
        self.assertEqual(sorted(lines.mapped("base")), [80.0, 120.0])
        # a replay posts nothing new
        self.env["chain.commission.line"]._chain_post_invoices(move)
        self.assertEqual(
            self.env["chain.commission.line"].search_count([("sale_order_id", "=", order.id)]), 2
        )

    def test_without_staff_the_salesperson_is_credited(self):
        order = self.make_order([(self.consult, 1)])
        self.invoice(order)
        self.assertEqual(self.commission_of(order), {(self.sales_employee, "sale"): 10.0})

    def test_order_of_no_store_earns_nothing(self):
        order = self.make_order([(self.consult, 1)])
        order.chain_store_id = False
        move = self.invoice(order)
        self.assertEqual(move.state, "posted")
        self.assertFalse(self.commission_of(order))

    def test_credit_notes_claw_back_pro_rata(self):
        order = self.make_order([(self.consult, 2)], [(self.tech_1, 60), (self.tech_2, 40)])
        move = self.invoice(order)
        self.credit_note(move, qty=1)
        self.assertEqual(self.totals_of(order), {self.tech_1: 6.0, self.tech_2: 4.0})
        self.credit_note(move, qty=1)
        self.assertEqual(self.totals_of(order), {self.tech_1: 0.0, self.tech_2: 0.0})
        # a third credit note gives back nothing more
        self.credit_note(move, qty=1)
        self.assertEqual(self.totals_of(order), {self.tech_1: 0.0, self.tech_2: 0.0})

    def test_invoice_with_commission_is_not_reset_to_draft(self):
        order = self.make_order([(self.consult, 1)], [(self.tech_1, 100)])
        move = self.invoice(order)
        with self.assertRaisesRegex(UserError, "credit note"):
            move.button_draft()
        self.assertEqual(move.state, "posted")

    def test_staff_and_store_are_locked_once_invoiced(self):
        order = self.make_order([(self.consult, 1)], [(self.tech_1, 100)])
        self.invoice(order)
        share = order.chain_staff_share_ids
        with self.assertRaisesRegex(UserError, "can no longer be changed"):
            share.with_user(self.salesman).write({"employee_id": self.tech_2.id})
        with self.assertRaisesRegex(UserError, "can no longer be changed"):
            order.with_user(self.salesman).write({"chain_store_id": False})
        self.assertEqual(share.employee_id, self.tech_1)
        self.assertEqual(order.chain_store_id, self.store_a)
