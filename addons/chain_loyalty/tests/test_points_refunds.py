from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import LoyaltyCase


@tagged("post_install", "-at_install")
class TestPointsRefunds(LoyaltyCase):
    def refund(self, order, payments, lines=None):
        return self.sync(self.refund_vals(order, self.session_a, payments, lines=lines))

    def test_full_refund_takes_back_earned_points_and_gives_back_spent_points(self):
        self.earn(5000)
        order = self.sell(
            [(self.rice, 2, 50.0)], [(self.points_method, 30.0), (self.cash_method, 70.0)]
        )
        self.assertEqual(self.points(), 2070)
        refund = self.refund(order, [(self.points_method, -30.0), (self.cash_method, -70.0)])
        self.assertEqual((refund.chain_points_clawed, refund.chain_points_spent), (70, -3000))
        self.assertEqual(self.points(), 5000)
        kinds = sorted(refund._chain_points_moves().mapped("kind"))
        self.assertEqual(kinds, ["clawback", "return"])
        self.assertLedgerConsistent()

    def test_spent_points_go_back_to_the_lots_they_came_from(self):
        lot = self.earn(3000).lot_id
        order = self.sell(
            [(self.rice, 2, 50.0)], [(self.points_method, 30.0), (self.cash_method, 70.0)]
        )
        self.assertEqual(lot.remaining, 0)
        self.refund(order, [(self.points_method, -30.0), (self.cash_method, -70.0)])
        self.assertEqual(lot.remaining, 3000)

    def test_partial_refunds_are_proportional_and_add_up(self):
        self.program.earn_rate = 0.33
        order = self.sell([(self.rice, 1, 50.0), (self.rice, 1, 50.0)])
        self.assertEqual(order.chain_points_earned, 33)
        first_line, second_line = order.lines
        first = self.refund(
            order,
            [(self.cash_method, -50.0)],
            lines=[(self.rice, -1, 50.0, {"refunded_orderline_id": first_line.id})],
        )
        self.assertEqual(first.chain_points_clawed, 17)  # half of 33, rounded half up
        second = self.refund(
            order,
            [(self.cash_method, -50.0)],
            lines=[(self.rice, -1, 50.0, {"refunded_orderline_id": second_line.id})],
        )
        self.assertEqual(second.chain_points_clawed, 16)  # the rest: a full refund takes all back
        self.assertEqual(self.points(), 0)
        self.assertLedgerConsistent()

    def test_partial_refund_gives_back_spent_points_in_proportion(self):
        self.earn(3000)
        order = self.sell(
            [(self.rice, 1, 50.0), (self.rice, 1, 50.0)],
            [(self.points_method, 30.0), (self.cash_method, 70.0)],
        )
        refund = self.refund(
            order,
            [(self.points_method, -15.0), (self.cash_method, -35.0)],
            lines=[(self.rice, -1, 50.0, {"refunded_orderline_id": order.lines[0].id})],
        )
        self.assertEqual((refund.chain_points_spent, refund.chain_points_clawed), (-1500, 35))
        self.assertEqual(self.points(), 70 + 1500 - 35)

    def test_clawback_never_makes_the_balance_negative(self):
        order = self.sell([(self.rice, 2, 50.0)])
        self.member.sudo()._chain_points_account()._spend(80, store=self.store_a)
        refund = self.refund(order, [(self.cash_method, -100.0)])
        clawback = refund._chain_points_moves()
        self.assertEqual(
            (clawback.kind, clawback.points, clawback.unrecovered), ("clawback", -20, 80)
        )
        self.assertEqual(self.points(), 0)
        # the shortfall counts as taken back: a further refund claws nothing more
        self.assertLedgerConsistent()

    def test_giving_back_more_points_than_were_spent_is_refused(self):
        self.earn(3000)
        order = self.sell(
            [(self.rice, 2, 50.0)], [(self.points_method, 30.0), (self.cash_method, 70.0)]
        )
        vals = self.refund_vals(
            order, self.session_a, [(self.points_method, -40.0), (self.cash_method, -60.0)]
        )
        with self.assertRaisesRegex(UserError, "cannot be given back"), self.cr.savepoint():
            self.sync(vals)

    def test_resent_refund_changes_nothing(self):
        order = self.sell([(self.rice, 2, 50.0)])
        vals = self.refund_vals(order, self.session_a, [(self.cash_method, -100.0)])
        self.sync(dict(vals))
        self.sync(dict(vals))
        self.assertEqual(self.points(), 0)
        self.assertEqual(
            len(self.Move.search([("kind", "=", "clawback"), ("partner_id", "=", self.member.id)])),
            1,
        )
