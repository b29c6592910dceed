from unittest.mock import patch

from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.chain_commission.models.chain_commission_line import ChainCommissionLine

from .common import CommissionCase


@tagged("post_install", "-at_install")
class TestCommissionDeferred(CommissionCase):
    """A company that posts the till's commission after the sync: the sync checks and saves
    the shares and marks the order pending; the minute's job posts it, once."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.chain_commission_pos_deferred = True
        cls.Line = cls.env["chain.commission.line"]

    def sell_split(self, qty=1):
        return self.sell(
            [(self.consult, qty, 100.0, {"shares": [(self.tech_1, 60), (self.tech_2, 40)]})]
        )

    def test_sync_saves_the_shares_and_the_job_posts_them(self):
        vals = self.order_vals(
            self.session_a,
            [(self.consult, 1, 100.0, {"shares": [(self.tech_1, 60), (self.tech_2, 40)]})],
        )
        order = self.sync(dict(vals))
        self.assertEqual(len(order.lines.sudo().chain_staff_share_ids), 2)
        self.assertFalse(self.commission(order), "nothing computed in the sync")
        self.assertTrue(order.chain_commission_pending)
        self.assertFalse(order.chain_commission_posted)
        self.assertEqual(self.Line._cron_post_pending_pos_orders(), 1)
        self.assertEqual(self.amount_of(order, self.tech_1), 6.0)
        self.assertEqual(self.amount_of(order, self.tech_2), 4.0)
        self.assertFalse(order.chain_commission_pending)
        self.assertTrue(order.chain_commission_posted)
        # the next run finds nothing, a replay of the sync posts nothing more
        self.assertEqual(self.Line._cron_post_pending_pos_orders(), 0)
        self.sync(dict(vals))
        order.action_pos_order_paid()
        self.assertFalse(order.chain_commission_pending)
        self.assertEqual(self.Line._cron_post_pending_pos_orders(), 0)
        self.assertEqual(len(self.commission(order)), 2)

    def test_forged_shares_are_still_refused_at_the_sync(self):
        orders_before = self.env["pos.order"].search_count([])
        with self.assertRaisesRegex(UserError, "100"), self.env.cr.savepoint():
            self.sell(
                [(self.consult, 1, 100.0, {"shares": [(self.tech_1, 60), (self.tech_2, 60)]})]
            )
        self.assertEqual(self.env["pos.order"].search_count([]), orders_before)
        self.assertEqual(self.Line._cron_post_pending_pos_orders(), 0)

    def test_a_refund_is_clawed_back_by_the_job(self):
        order = self.sell_split(qty=2)
        self.Line._cron_post_pending_pos_orders()
        refund = self.sync(self.refund_vals(order, {order.lines: 1}))
        self.assertFalse(self.commission(refund))
        self.Line._cron_post_pending_pos_orders()
        self.assertEqual(self.amount_of(refund, self.tech_1), -6.0)
        self.assertEqual(self.amount_of(refund, self.tech_2), -4.0)

    def test_a_settlement_posts_its_stores_pending_orders_first(self):
        order = self.sell_split(qty=4)
        other_store_order = self.sell(
            [(self.consult, 1, 100.0, {"shares": [(self.tech_b, 100)]})],
            session=self.session_b,
            user=self.cashier_b,
        )
        self.assertTrue(order.chain_commission_pending)
        settlements = self.env["chain.commission.settlement"]._generate(
            order.date_order.date(), self.store_a
        )
        self.assertEqual(
            sorted(settlements.mapped("amount_total")), [16.0, 24.0], "store A's order posted"
        )
        self.assertFalse(order.chain_commission_pending)
        self.assertTrue(other_store_order.chain_commission_pending, "store B's waits for the job")

    def test_an_order_that_fails_stays_pending_and_the_others_are_posted(self):
        failing = self.sell_split()
        other = self.sell_split()
        post = ChainCommissionLine._post_pos_orders

        def post_or_fail(line_model, orders):
            if failing in orders:
                raise ValueError("simulated failure")
            return post(line_model, orders)

        with patch.object(ChainCommissionLine, "_post_pos_orders", post_or_fail):
            with self.assertLogs(
                "odoo.addons.chain_commission.models.chain_commission_line", "ERROR"
            ):
                self.assertEqual(self.Line._cron_post_pending_pos_orders(batch_size=1), 1)
        self.assertTrue(failing.chain_commission_pending)
        self.assertFalse(self.commission(failing))
        self.assertEqual(self.amount_of(other, self.tech_1), 6.0)
        self.assertEqual(self.Line._cron_post_pending_pos_orders(), 1)
        self.assertEqual(self.amount_of(failing, self.tech_1), 6.0)

    def test_the_pending_flag_is_the_servers(self):
        order = self.sell_split()
        for user in (self.cashier_a, self.manager_a, self.hq_manager):
            with self.assertRaises(UserError):
                order.with_user(user).write({"chain_commission_pending": False})
        self.assertTrue(order.chain_commission_pending)
        other = self.sell_split()
        self.Line._cron_post_pending_pos_orders()
        with self.assertRaises(UserError):
            other.with_user(self.cashier_a).write({"chain_commission_pending": True})
        self.assertFalse(other.chain_commission_pending)
        self.assertEqual(self.Line._cron_post_pending_pos_orders(), 0)
