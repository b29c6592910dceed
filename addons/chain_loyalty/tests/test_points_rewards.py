from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import LoyaltyCase


@tagged("post_install", "-at_install")
class TestPointsRewards(LoyaltyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bag = cls.env["product.product"].create(
            {"name": "Canvas bag", "type": "consu", "list_price": 25.0, "available_in_pos": True}
        )
        cls.bag_reward = cls.env["chain.points.reward"].create(
            {
                "name": "Canvas bag",
                "kind": "product",
                "product_id": cls.bag.id,
                "points_cost": 800,
                "value": 25.0,
            }
        )
        cls.coupon_program = cls.env["loyalty.program"].create(
            {"name": "10% coupon", "program_type": "coupons", "pos_ok": True}
        )
        cls.coupon_reward = cls.env["chain.points.reward"].create(
            {
                "name": "10% coupon",
                "kind": "coupon",
                "program_id": cls.coupon_program.id,
                "points_cost": 500,
            }
        )

    def test_gift_product_exchanged_at_the_till(self):
        self.earn(1000)
        order = self.sell(
            [
                (self.rice, 1, 50.0),
                (self.bag, 1, 0.0, {"chain_points_reward_id": self.bag_reward.id}),
            ],
            [(self.cash_method, 50.0)],
        )
        exchange = order._chain_points_moves().filtered(lambda m: m.kind == "exchange")
        self.assertEqual(
            (exchange.points, exchange.reward_id, exchange.amount), (-800, self.bag_reward, 25.0)
        )
        self.assertEqual(order.chain_points_spent, 800)
        self.assertEqual(self.points(), 1000 - 800 + 50)

    def test_exchange_without_enough_points_refuses_the_order(self):
        self.earn(100)
        vals = self.order_vals(
            self.session_a,
            [(self.bag, 1, 0.0, {"chain_points_reward_id": self.bag_reward.id})],
            [],
        )
        with self.assertRaisesRegex(UserError, "Insufficient points"), self.cr.savepoint():
            self.sync(vals)

    def test_coupon_exchanged_in_any_store(self):
        self.earn(1000)
        move = (
            self.member.with_user(self.cashier_b)
            ._chain_points_account()
            ._exchange(self.coupon_reward, store=self.store_b)
        )
        coupon = self.env["loyalty.card"].search(
            [("program_id", "=", self.coupon_program.id), ("partner_id", "=", self.member.id)]
        )
        self.assertEqual(len(coupon), 1)
        self.assertEqual(move.details["coupons"], [coupon.code])
        self.assertEqual(self.points(), 500)

    def test_reward_outside_its_stores_is_refused(self):
        self.earn(1000)
        self.coupon_reward.store_ids = self.store_a
        with self.assertRaisesRegex(UserError, "not available here"):
            self.member.with_user(self.cashier_b)._chain_points_account()._exchange(
                self.coupon_reward, store=self.store_b
            )
