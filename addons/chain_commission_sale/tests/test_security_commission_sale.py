from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import SaleCommissionCase


@tagged("post_install", "-at_install", "chain_security")
class TestSecurityCommissionSale(SaleCommissionCase):
    """Nobody credits commission by shaping a sales order: the store is one of the caller's,
    the shares are checked when the order is saved and again when it is invoiced."""

    def count(self):
        return (
            self.env["sale.order"].search_count([]),
            self.env["chain.sale.order.share"].search_count([]),
            self.env["chain.commission.line"].search_count([]),
        )

    def test_staff_of_another_store_refused(self):
        before = self.count()
        with self.assertRaisesRegex(UserError, "does not work in"), self.env.cr.savepoint():
            self.make_order([(self.consult, 1)], [(self.tech_b, 100)])
        self.assertEqual(self.count(), before)

    def test_shares_must_add_up_to_100(self):
        before = self.count()
        with self.assertRaises(UserError), self.env.cr.savepoint():
            self.make_order([(self.consult, 1)], [(self.tech_1, 60), (self.tech_2, 30)])
        self.assertEqual(self.count(), before)

    def test_salesperson_names_only_a_store_of_theirs(self):
        before = self.count()
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            self.make_order([(self.consult, 1)], user=self.salesman_b, store=self.store_a)
        order = self.make_order([(self.consult, 1)])
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            order.with_user(self.salesman).write({"chain_store_id": self.store_b.id})
        self.assertEqual(order.chain_store_id, self.store_a)
        self.assertEqual(self.count()[0], before[0] + 1)

    def test_shares_forged_after_saving_are_checked_at_invoicing(self):
        """A share written straight to the database (past the order's check) does not pay:
        the invoice is refused whole, nothing is credited."""
        order = self.make_order([(self.consult, 1)], [(self.tech_1, 100)])
        self.env.cr.execute(
            "UPDATE chain_sale_order_share SET employee_id = %s WHERE order_id = %s",
            (self.tech_b.id, order.id),
        )
        order.invalidate_recordset()
        order.chain_staff_share_ids.invalidate_recordset()
        order.sudo().action_confirm()
        move = order.sudo()._create_invoices()
        with self.assertRaisesRegex(UserError, "does not work in"), self.env.cr.savepoint():
            move.action_post()
        self.assertFalse(self.commission_of(order))

    def test_another_salesperson_cannot_touch_the_shares(self):
        order = self.make_order([(self.consult, 1)], [(self.tech_1, 100)])
        other = self._make_user("t_salesman_a2", "sales_team.group_sale_salesman", self.store_a)
        share = order.chain_staff_share_ids
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            share.with_user(other).write({"share": 50})
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            self.env["chain.sale.order.share"].with_user(other).create(
                {"order_id": order.id, "employee_id": self.tech_2.id, "share": 100}
            )
        self.assertEqual(order.chain_staff_share_ids, share)
        self.assertEqual(share.share, 100.0)

    def test_a_cashier_without_sales_rights_cannot_write_shares(self):
        order = self.make_order([(self.consult, 1)], [(self.tech_1, 100)])
        for user in (self.cashier_a, self.manager_a, self.merchant):
            with self.assertRaises(AccessError), self.env.cr.savepoint():
                self.env["chain.sale.order.share"].with_user(user).create(
                    {"order_id": order.id, "employee_id": self.tech_2.id, "share": 100}
                )
            with self.assertRaises(AccessError), self.env.cr.savepoint():
                order.with_user(user).write(
                    {"chain_staff_share_ids": [Command.create({"employee_id": self.tech_2.id})]}
                )
        self.assertEqual(len(order.chain_staff_share_ids), 1)
