from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import LoyaltyCase


@tagged("post_install", "-at_install")
class TestPointsAdjustment(LoyaltyCase):
    def adjust(self, points, user, reason="Goodwill after a complaint", store=None):
        return self.member.with_user(user).chain_points_adjust(
            points, reason, store=store or self.store_a
        )

    def logs(self, operation):
        return self.env["chain.operation.log"].search(
            [("operation", "=", operation), ("res_model", "=", "chain.points.adjustment")]
        )

    def test_store_manager_adjusts_below_the_threshold_at_once(self):
        adjustment = self.adjust(300, self.manager_a)
        self.assertEqual(adjustment.state, "done")
        self.assertEqual(self.points(), 300)
        self.assertEqual((adjustment.move_id.kind, adjustment.move_id.points), ("adjust", 300))
        log = self.logs("points_adjustment")
        self.assertEqual(log.user_id, self.manager_a)
        self.assertEqual(
            (log.values_before, log.values_after, log.reason),
            ({"points": 0}, {"points": 300}, "Goodwill after a complaint"),
        )

    def test_adjustment_above_the_threshold_waits_for_headquarters(self):
        adjustment = self.adjust(5000, self.manager_a)
        self.assertEqual(adjustment.state, "to_approve")
        self.assertEqual(self.points(), 0)
        self.assertTrue(self.logs("points_adjustment_request"))
        with self.assertRaisesRegex(AccessError, "Only a headquarters manager can approve"):
            adjustment.with_user(self.manager_a).action_approve()
        adjustment.with_user(self.hq_manager).action_approve()
        self.assertEqual((adjustment.state, adjustment.approved_by_id), ("done", self.hq_manager))
        self.assertEqual(self.points(), 5000)

    def test_headquarters_refuses_an_adjustment(self):
        adjustment = self.adjust(5000, self.manager_a)
        adjustment.with_user(self.hq_manager).action_refuse()
        self.assertEqual(adjustment.state, "refused")
        self.assertEqual(self.points(), 0)
        self.assertTrue(self.logs("points_adjustment_refusal"))

    def test_headquarters_adjusts_any_amount_directly(self):
        self.assertEqual(self.adjust(5000, self.hq_manager).state, "done")

    def test_negative_adjustment_cannot_exceed_the_balance(self):
        self.earn(100)
        self.adjust(-60, self.manager_a)
        self.assertEqual(self.points(), 40)
        with self.assertRaisesRegex(UserError, "Insufficient points"):
            self.adjust(-60, self.manager_a)
        self.assertLedgerConsistent()

    def test_adjustment_needs_a_reason(self):
        with self.assertRaisesRegex(UserError, "Give the reason"):
            self.adjust(10, self.manager_a, reason=" ")

    def test_cashier_cannot_adjust(self):
        with self.assertRaisesRegex(AccessError, "Only a store manager can adjust points"):
            self.adjust(10, self.cashier_a)

    def test_store_manager_adjusts_only_in_their_stores(self):
        with self.assertRaisesRegex(AccessError, "You do not work in"):
            self.adjust(10, self.manager_a, store=self.store_b)

    def test_program_changes_are_in_the_operation_log(self):
        self.program.with_user(self.hq_manager).write({"earn_rate": 2.0})
        log = self.env["chain.operation.log"].search(
            [("operation", "=", "points_program"), ("res_id", "=", self.program.id)], limit=1
        )
        self.assertEqual(
            (log.user_id, log.values_before, log.values_after),
            (self.hq_manager, {"earn_rate": 1.0}, {"earn_rate": 2.0}),
        )


@tagged("post_install", "-at_install")
class TestPointsVisibility(LoyaltyCase):
    def test_staff_see_their_stores_movements_and_merchants_only_their_own(self):
        in_a = self.earn(10, store=self.store_a)
        in_b = self.earn(20, store=self.store_b)
        in_shop = self.earn(30, store=self.merchant_store)
        Move = self.env["chain.points.move"]
        self.assertEqual(
            Move.with_user(self.cashier_a).search([("partner_id", "=", self.member.id)]), in_a
        )
        self.assertEqual(
            Move.with_user(self.merchant).search([("partner_id", "=", self.member.id)]), in_shop
        )
        self.assertEqual(
            Move.with_user(self.hq_manager).search([("partner_id", "=", self.member.id)]),
            in_a | in_b | in_shop,
        )
        # the balance is chain-wide for everybody serving the member
        self.assertEqual(self.member.with_user(self.cashier_a).points_balance, 60)

    def test_reports_follow_the_same_scopes(self):
        self.earn(10, store=self.store_a)
        self.earn(20, store=self.store_b)
        Report = self.env["chain.points.report"]
        mine = Report.with_user(self.manager_a).search([("partner_id", "=", self.member.id)])
        self.assertEqual(sum(mine.mapped("issued")), 10)
        everything = Report.with_user(self.hq_manager).search([("partner_id", "=", self.member.id)])
        self.assertEqual(sum(everything.mapped("issued")), 30)
