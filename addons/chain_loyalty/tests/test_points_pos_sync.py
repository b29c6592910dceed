from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import LoyaltyCase


@tagged("post_install", "-at_install")
class TestPointsPosSync(LoyaltyCase):
    def test_paid_order_earns_points_computed_by_the_server(self):
        vals = self.order_vals(self.session_a, [(self.rice, 2, 50.0)], [(self.cash_method, 100.0)])
        vals.update(chain_points_earned=99999, chain_points_balance=99999)  # the browser's word
        order = self.sync(vals)
        self.assertEqual((order.chain_points_earned, order.chain_points_balance), (100, 100))
        self.assertEqual(self.points(), 100)
        move = order._chain_points_moves()
        self.assertEqual(
            (move.kind, move.rule, move.points, move.store_id),
            ("earn", "purchase", 100, self.store_a),
        )
        self.assertLedgerConsistent()

    def test_sync_answer_carries_the_points_for_the_receipt(self):
        vals = self.order_vals(self.session_a, [(self.rice, 1, 50.0)], [(self.cash_method, 50.0)])
        result = self.env["pos.order"].with_user(self.cashier_a).sync_from_ui([vals])
        data = result["pos.order"][0]
        self.assertEqual((data["chain_points_earned"], data["chain_points_balance"]), (50, 50))

    def test_receipt_balances_after_a_cash_order_of_a_member_with_stored_value(self):
        self.topup(80)
        self.earn(10)
        order = self.sell([(self.rice, 1, 50.0)])
        self.assertEqual((order.chain_points_earned, order.chain_points_balance), (50, 60))
        self.assertEqual(order.chain_wallet_balance_after, 80.0)

    def test_resent_order_changes_nothing(self):
        vals = self.order_vals(self.session_a, [(self.rice, 2, 50.0)], [(self.cash_method, 100.0)])
        first = self.sync(dict(vals))
        self.sync(dict(vals))
        self.assertEqual(self.env["pos.order"].search([("uuid", "=", vals["uuid"])]), first)
        self.assertEqual(self.points(), 100)
        self.assertEqual(len(self.Move.search([("pos_order_id", "=", first.id)])), 1)

    def test_replayed_points_key_changes_nothing(self):
        order = self.sell([(self.rice, 2, 50.0)])
        # the sync of the same order reaching the ledger twice (e.g. a second path) posts once
        order.chain_points_processed = False
        order._chain_points_process()
        self.assertEqual(self.points(), 100)

    def test_order_queued_offline_earns_when_it_syncs(self):
        yesterday = fields.Datetime.now() - timedelta(days=1)
        vals = self.order_vals(self.session_a, [(self.rice, 1, 50.0)], [(self.cash_method, 50.0)])
        vals["date_order"] = fields.Datetime.to_string(yesterday)
        order = self.sync(vals)
        self.assertEqual(order.chain_points_earned, 50)
        self.assertEqual(self.points(), 50)

    def test_draft_order_earns_when_it_is_paid(self):
        vals = self.order_vals(self.session_a, [(self.rice, 1, 50.0)], [])
        vals.update(state="draft", amount_paid=0)
        draft = self.sync(dict(vals))
        self.assertEqual(self.points(), 0)
        paid = self.order_vals(
            self.session_a,
            [(self.rice, 1, 50.0)],
            [(self.cash_method, 50.0)],
            order_uuid=vals["uuid"],
        )
        paid.update(id=draft.id, lines=[])  # the lines were saved with the draft
        self.sync(paid)
        self.assertEqual(self.points(), 50)

    def test_order_of_a_walk_in_customer_earns_nothing(self):
        order = self.sell([(self.rice, 1, 50.0)], partner=False)
        self.assertEqual(order.chain_points_earned, 0)
        self.assertFalse(self.Move.search([("pos_order_id", "=", order.id)]))

    # ------------------------------------------------------------------------------------------
    # The points tender
    # ------------------------------------------------------------------------------------------
    def test_paying_with_points_debits_them_in_the_sync(self):
        self.earn(5000)
        order = self.sell(
            [(self.rice, 2, 50.0)], [(self.points_method, 30.0), (self.cash_method, 70.0)]
        )
        # 3000 points pay 30.00; the 70.00 in cash earn 70 (the part paid with points earns nothing)
        self.assertEqual((order.chain_points_spent, order.chain_points_earned), (3000, 70))
        self.assertEqual(self.points(), 5000 - 3000 + 70)
        spend = self.Move.search([("pos_order_id", "=", order.id), ("kind", "=", "spend")])
        self.assertEqual(
            (spend.points, spend.amount, spend.pos_payment_id.amount), (-3000, 30.0, 30.0)
        )
        self.assertLedgerConsistent()

    def test_points_pay_earns_when_the_policy_says_so(self):
        self.program.earn_on_points_payment = True
        self.earn(5000)
        order = self.sell(
            [(self.rice, 2, 50.0)], [(self.points_method, 30.0), (self.cash_method, 70.0)]
        )
        self.assertEqual(order.chain_points_earned, 100)

    def test_insufficient_points_refuse_the_whole_order(self):
        self.earn(100)
        vals = self.order_vals(
            self.session_a,
            [(self.rice, 1, 50.0)],
            [(self.points_method, 5.0), (self.cash_method, 45.0)],
        )
        with self.assertRaisesRegex(UserError, "Insufficient points"), self.cr.savepoint():
            self.sync(vals)
        self.assertFalse(self.env["pos.order"].search([("uuid", "=", vals["uuid"])]))
        self.assertEqual(self.points(), 100)

    def test_points_tender_respects_the_minimum_per_order(self):
        self.earn(5000)
        self.program.redeem_min_points = 500
        vals = self.order_vals(
            self.session_a,
            [(self.rice, 1, 50.0)],
            [(self.points_method, 2.0), (self.cash_method, 48.0)],
        )
        with (
            self.assertRaisesRegex(UserError, "Pay at least 500 points per order"),
            self.cr.savepoint(),
        ):
            self.sync(vals)

    def test_points_tender_respects_the_maximum_per_order(self):
        self.earn(5000)
        self.program.redeem_max_points = 1000
        vals = self.order_vals(
            self.session_a,
            [(self.rice, 1, 50.0)],
            [(self.points_method, 20.0), (self.cash_method, 30.0)],
        )
        with (
            self.assertRaisesRegex(UserError, "Pay at most 1000 points per order"),
            self.cr.savepoint(),
        ):
            self.sync(vals)

    def test_points_tender_respects_the_share_of_the_order(self):
        self.earn(5000)
        self.program.redeem_max_percent = 50
        vals = self.order_vals(
            self.session_a,
            [(self.rice, 1, 50.0)],
            [(self.points_method, 30.0), (self.cash_method, 20.0)],
        )
        with (
            self.assertRaisesRegex(UserError, "Points pay at most 50% of an order"),
            self.cr.savepoint(),
        ):
            self.sync(vals)

    def test_points_need_a_member(self):
        vals = self.order_vals(
            self.session_a,
            [(self.rice, 1, 50.0)],
            [(self.points_method, 1.0), (self.cash_method, 49.0)],
            partner=False,
        )
        with self.assertRaisesRegex(UserError, "Select the member first"), self.cr.savepoint():
            self.sync(vals)

    def test_till_authorizes_the_points_tender_before_the_sync(self):
        self.earn(1000)
        Partner = self.env["res.partner"].with_user(self.cashier_a)
        ok = Partner.chain_points_authorize(self.member.id, 5.0, 50.0, self.config_a.id)
        self.assertEqual(
            ok, {"ok": True, "points": 500, "balance": 1000, "token": "", "card_lost": False}
        )
        short = Partner.chain_points_authorize(self.member.id, 20.0, 50.0, self.config_a.id)
        self.assertFalse(short["ok"])
        self.assertIn("Insufficient points", short["message"])

    def test_split_tender_points_stored_value_and_cash(self):
        self.earn(2000)
        self.topup(50.0)
        order = self.sell(
            [(self.rice, 2, 50.0)],
            [(self.points_method, 20.0), (self.wallet_method, 50.0), (self.cash_method, 30.0)],
        )
        self.assertEqual(order.state, "paid")
        self.assertEqual(order.chain_points_spent, 2000)
        # stored value earns (default policy), points do not: 50 + 30
        self.assertEqual(order.chain_points_earned, 80)
        self.assertEqual(self.points(), 80)
        self.assertEqual(self.balance(), (0.0, 0.0))
        self.assertLedgerConsistent()

    # ------------------------------------------------------------------------------------------
    # Roles
    # ------------------------------------------------------------------------------------------
    def test_cashier_earns_at_a_till_of_another_store_of_theirs(self):
        order = self.sell([(self.rice, 1, 50.0)], user=self.cashier_b, session=self.session_b)
        self.assertEqual(order._chain_points_moves().store_id, self.store_b)
        self.assertEqual(self.points(), 50)

    def test_cashier_cannot_move_points_in_a_store_they_do_not_work_in(self):
        with self.assertRaisesRegex(AccessError, "You do not work in"):
            self.member.with_user(self.cashier_a)._chain_points_account()._spend(
                10, store=self.store_b
            )
