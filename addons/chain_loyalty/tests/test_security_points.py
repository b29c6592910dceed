"""Issue 12, the points slice: points move only through the order sync and the adjustment's
buttons; member promotions are re-checked whatever else the order carries; prepaid value is
never discounted; a member whose card was reported lost pays with points only with the PIN.
Each test asserts the refusal AND that nothing was written (ledger, balance, orders)."""

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import LoyaltyCase

HOSTILE_AMOUNTS = ["abc", float("nan"), float("inf"), 1e12, None, [1]]


@tagged("post_install", "-at_install", "chain_security")
class TestPointsSecurity(LoyaltyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tier_gold = cls.env["chain.member.tier"].create(
            {
                "name": "Test Gold",
                "sequence": 801,
                "discount_percent": 10.0,
                "spend_threshold": 10**9,
            }
        )
        cls.card = cls.env["chain.member.card"].create(
            {"partner_id": cls.member.id, "store_id": cls.store_a.id}
        )
        cls.card._activate(store=cls.store_a)

    def setUp(self):
        super().setUp()
        self.earn(10000)

    def state(self):
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT count(*), coalesce(sum(points), 0) FROM chain_points_move "
            "WHERE partner_id = %s",
            [self.member.id],
        )
        moves = self.env.cr.fetchone()
        self.env.cr.execute("SELECT count(*) FROM pos_order")
        return moves, self.points(), self.env.cr.fetchone()

    def reward_line(self, program, amount):
        reward = program.reward_ids[:1]
        return (
            reward.discount_line_product_id,
            1,
            amount,
            {"reward_id": reward.id, "is_reward_line": True, "reward_identifier_code": "x1"},
        )

    def assert_refused(self, vals, message):
        before = self.state()
        with self.assertRaisesRegex(UserError, message), self.cr.savepoint():
            self.sync(vals)
        self.assertEqual(self.state(), before)

    # ------------------------------------------------------------------------------------------
    def test_the_reward_check_is_not_skipped_by_an_unrelated_refund_line(self):
        """A member-only tier discount for a customer who has no right to it, with a refund line
        of an unrelated earlier order added to the order: still refused."""
        earlier = self.sell([(self.rice, 1, 50.0)])
        program = self.tier_gold.discount_program_id
        vals = self.order_vals(
            self.session_a,
            [
                (self.rice, 2, 50.0),
                self.reward_line(program, -10.0),
                (self.rice, -1, 50.0, {"refunded_orderline_id": earlier.lines.id}),
            ],
            [(self.cash_method, 40.0)],
        )
        self.assert_refused(vals, "does not apply to this customer")

    def test_a_tier_discount_is_not_computed_on_prepaid_value(self):
        """Gold (10 %) buys 100 of rice and a 500 top-up: the discount may be 10 on the rice,
        not 60 on the whole order."""
        self.member._chain_set_tier(self.tier_gold, "initial")
        program = self.tier_gold.discount_program_id
        vals = self.order_vals(
            self.session_a,
            [
                (self.rice, 2, 50.0),
                (self.topup_product, 1, 500.0),
                self.reward_line(program, -60.0),
            ],
            [(self.cash_method, 540.0)],
        )
        self.assert_refused(vals, "10% at most")
        # the right discount, on the rice only, is accepted and the top-up credits 500
        balance = self.balance()
        order = self.sell(
            [
                (self.rice, 2, 50.0),
                (self.topup_product, 1, 500.0),
                self.reward_line(program, -10.0),
            ],
            [(self.cash_method, 590.0)],
        )
        self.assertEqual(order.state, "paid")
        self.assertEqual(self.balance()[0], balance[0] + 500.0)

    def test_a_reward_worth_more_than_the_goods_does_not_pay_a_top_up(self):
        self.member._chain_set_tier(self.tier_gold, "initial")
        program = self.tier_gold.discount_program_id
        vals = self.order_vals(
            self.session_a,
            [
                (self.rice, 1, 50.0),
                (self.topup_product, 1, 500.0),
                self.reward_line(program, -60.0),
            ],
            [(self.cash_method, 490.0)],
        )
        self.assert_refused(vals, "no refund, discount or reward line")

    def test_points_never_pay_a_top_up(self):
        vals = self.order_vals(
            self.session_a,
            [(self.topup_product, 1, 50.0)],
            [(self.points_method, 50.0)],
        )
        self.assert_refused(vals, "not with points")

    # ------------------------------------------------------------------------------------------
    def test_a_lost_card_needs_the_pin_to_pay_with_points(self):
        self.card._report_lost("lost on the bus", store=self.store_a)
        Partner = self.env["res.partner"].with_user(self.cashier_a)
        before = self.state()
        missing = Partner.chain_points_authorize(
            self.member.id, 10.0, 100.0, self.config_a.id, order_uuid="u-pts-1"
        )
        self.assertEqual((missing["ok"], missing["card_lost"]), (False, True))
        self.assertIn("service desk", missing["message"])
        self.member.with_user(self.cashier_a)._chain_wallet_account(self.store_a)._set_pin(
            "2468", store=self.store_a
        )
        asked = Partner.chain_points_authorize(
            self.member.id, 10.0, 100.0, self.config_a.id, order_uuid="u-pts-1"
        )
        self.assertEqual((asked["ok"], asked["pin_required"]), (False, True))
        wrong = Partner.chain_points_authorize(
            self.member.id, 10.0, 100.0, self.config_a.id, order_uuid="u-pts-1", pin="1111"
        )
        self.assertFalse(wrong["ok"])
        self.assertIn("Wrong payment PIN", wrong["message"])
        good = Partner.chain_points_authorize(
            self.member.id, 10.0, 100.0, self.config_a.id, order_uuid="u-pts-1", pin="2468"
        )
        self.assertTrue(good["ok"], good)
        self.assertTrue(good["token"])
        self.assertEqual(self.state(), before)
        # the sync refuses the points line without the token, or with a token of another
        # order or for less than it pays
        for token, uuid in (("", "u-pts-1"), (good["token"], "u-pts-2")):
            vals = self.order_vals(
                self.session_a,
                [(self.rice, 2, 50.0)],
                [(self.points_method, 10.0, {"transaction_id": token}), (self.cash_method, 90.0)],
                order_uuid=uuid,
            )
            with self.subTest(token=bool(token), uuid=uuid):
                self.assert_refused(vals, "reported lost")
        vals = self.order_vals(
            self.session_a,
            [(self.rice, 2, 50.0)],
            [
                (self.points_method, 20.0, {"transaction_id": good["token"]}),
                (self.cash_method, 80.0),
            ],
            order_uuid="u-pts-1",
        )
        self.assert_refused(vals, "reported lost")
        # with it, the order pays 1000 points
        vals = self.order_vals(
            self.session_a,
            [(self.rice, 2, 50.0)],
            [
                (self.points_method, 10.0, {"transaction_id": good["token"]}),
                (self.cash_method, 90.0),
            ],
            order_uuid="u-pts-1",
        )
        order = self.sync(vals)
        self.assertEqual(order.chain_points_spent, 1000)

    def test_the_till_summary_alerts_a_lost_card(self):
        self.card._report_lost("lost", store=self.store_a)
        summary = (
            self.env["res.partner"]
            .with_user(self.cashier_a)
            .chain_pos_member_summary(self.member.id, self.config_a.id)
        )
        self.assertTrue(summary["card_lost"])
        self.assertTrue(any("reported lost" in alert for alert in summary["alerts"]))

    def test_hostile_amounts_to_the_points_authorisation(self):
        Partner = self.env["res.partner"].with_user(self.cashier_a)
        before = self.state()
        for amount in HOSTILE_AMOUNTS:
            with self.subTest(amount=amount):
                answer = Partner.chain_points_authorize(
                    self.member.id, amount, 100.0, self.config_a.id
                )
                self.assertFalse(answer["ok"])
                self.assertTrue(answer["message"])
        for config in (0, -1, "x", self.config_b.id):
            with self.subTest(config=config):
                self.assertFalse(
                    Partner.chain_points_authorize(self.member.id, 10.0, 100.0, config)["ok"]
                )
        self.assertEqual(self.state(), before)

    # ------------------------------------------------------------------------------------------
    def test_adjustment_state_and_move_are_written_by_the_buttons_only(self):
        Adjustment = self.env["chain.points.adjustment"]
        adjustment = Adjustment.with_user(self.manager_a).create(
            {
                "partner_id": self.member.id,
                "points": 5000,
                "reason": "goodwill",
                "store_id": self.store_a.id,
            }
        )
        before = self.state()
        for values in (
            {"state": "done"},
            {"state": "to_approve"},
            {"approved_by_id": self.manager_a.id},
            {"move_id": self.Move.search([], limit=1).id},
        ):
            with (
                self.subTest(values=values),
                self.assertRaisesRegex(UserError, "only with its buttons"),
                self.cr.savepoint(),
            ):
                adjustment.with_user(self.manager_a).write(values)
        with self.assertRaisesRegex(UserError, "only with its buttons"), self.cr.savepoint():
            Adjustment.with_user(self.manager_a).create(
                {
                    "partner_id": self.member.id,
                    "points": 10,
                    "reason": "x",
                    "store_id": self.store_a.id,
                    "state": "done",
                }
            )
        self.assertEqual(adjustment.state, "draft")
        self.assertEqual(self.state(), before)
        # the button still works: above the approval threshold, it waits for HQ
        adjustment.with_user(self.manager_a).action_submit()
        self.assertEqual(adjustment.state, "to_approve")

    def test_an_adjustment_is_bounded_by_the_chain_ceiling(self):
        """The ceiling is 50,000.00 and a point is worth 0.01: 5,000,000 points at most."""
        Adjustment = self.env["chain.points.adjustment"].with_user(self.hq_manager)
        before = self.state()
        for points in (5000001, -5000001, 10**9):
            with (
                self.subTest(points=points),
                self.assertRaisesRegex(UserError, "largest single amount"),
                self.cr.savepoint(),
            ):
                Adjustment.create(
                    {
                        "partner_id": self.member.id,
                        "points": points,
                        "reason": "forged",
                        "store_id": self.store_a.id,
                    }
                )
        self.assertEqual(self.state(), before)
        adjustment = Adjustment.create(
            {
                "partner_id": self.member.id,
                "points": 200,
                "reason": "goodwill",
                "store_id": self.store_a.id,
            }
        )
        adjustment.action_submit()
        self.assertEqual(adjustment.state, "done")
        self.assertEqual(self.points(), 10200)
        with self.assertRaisesRegex(UserError, "largest single amount"), self.cr.savepoint():
            Adjustment.create(
                {
                    "partner_id": self.member.id,
                    "points": 100,
                    "reason": "x",
                    "store_id": self.store_a.id,
                }
            ).write({"points": 6000000})

    def test_points_services_are_not_callable_over_rpc(self):
        for name in (
            "chain_points_earn",
            "chain_points_spend",
            "chain_points_exchange",
            "chain_points_statement",
        ):
            self.assertFalse(hasattr(self.env["res.partner"], name), name)

    def test_a_points_order_is_re_totalled_by_the_server(self):
        """A member's cash order whose total was inflated by the till earns nothing: refused."""
        vals = self.order_vals(self.session_a, [(self.rice, 1, 50.0)], [(self.cash_method, 5000.0)])
        vals["amount_total"] = 5000.0
        self.assert_refused(vals, "does not match its lines")
        vals = self.order_vals(self.session_a, [(self.rice, 1, 50.0)], [(self.cash_method, 50.0)])
        vals["lines"][0][2].update(price_subtotal=5000.0, price_subtotal_incl=5000.0)
        self.assert_refused(vals, "does not match its price")

    def test_the_servers_results_are_never_taken_from_the_payload(self):
        """A forged "points processed" would skip the points debit, a forged spend would buy a
        tier: the server's fields in the payload are ignored."""
        vals = self.order_vals(
            self.session_a,
            [(self.rice, 2, 50.0)],
            [(self.points_method, 30.0), (self.cash_method, 70.0)],
        )
        vals.update(
            chain_points_processed=True,
            chain_points_earned=99999,
            chain_member_spend=1000000.0,
            chain_member_spend_recorded=True,
        )
        order = self.sync(vals)
        self.assertTrue(order.chain_points_processed)
        self.assertEqual((order.chain_points_spent, order.chain_points_earned), (3000, 70))
        self.assertEqual(self.points(), 10000 - 3000 + 70)
        self.assertEqual(order.chain_member_spend, 100.0)
        self.member.invalidate_recordset(["member_total_spend"])
        self.assertEqual(self.member.member_total_spend, 100.0)
