from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.chain_member.tests.common_pos import ChainPosTourCommon

CARD_NUMBER = "8860999900000014"  # the tours scan it (static/tests/tours/chain_loyalty_tours.js)


@tagged("post_install", "-at_install")
class TestLoyaltyTours(ChainPosTourCommon):
    """The cashier's member experience in the POS, in headless Chromium, on Odoo's POS tour
    fixture made a chain till (chain_member's ``ChainPosTourCommon``): find the member by card
    and by phone, earn, pay with points + stored value + cash, refund. The server is checked
    after each tour."""

    store_code = "TOUR"
    cashier_extra_groups = "account.group_account_invoice"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        env["ir.config_parameter"].sudo().set_param("chain_member.wallet_pin_required", "False")
        env["chain.topup.rule"].search([]).active = False
        cls.program = env.ref("chain_loyalty.points_program")
        cls.program.product_rule_ids.unlink()
        cls.program.write(
            {
                "earn_rate": 1.0,
                "earn_rounding": "down",
                "earn_on_points_payment": False,
                "earn_on_wallet_payment": True,
                "use_tier_multiplier": False,
                "birthday_multiplier": 1.0,
                "member_day_kind": "none",
                "registration_bonus": 0,
                "first_order_bonus": 0,
                "point_value": 0.01,
                "redeem_min_points": 0,
                "redeem_max_points": 0,
                "redeem_max_percent": 100,
                "expiry_mode": "months",
                "expiry_months": 12,
            }
        )
        cls.rice = cls._chain_product("Tour Rice", 50.0, type="consu")
        Partner = env["res.partner"]
        cls.card_member = Partner.chain_register_member(
            {"name": "Tour Card Member", "mobile": "13900139001"}, store=cls.store
        )
        card = env["chain.member.card"].create(
            {
                "partner_id": cls.card_member.id,
                "number": CARD_NUMBER,
                "kind": "magstripe",
                "store_id": cls.store.id,
            }
        )
        card._activate(store=cls.store)
        cls.phone_member = Partner.chain_register_member(
            {"name": "Zzz Tour Phone Member", "mobile": "13900139002"}, store=cls.store
        )

    def points(self, partner):
        partner.invalidate_recordset(["points_balance"])
        return partner.points_balance

    def orders(self, partner):
        return self.chain_orders(partner)

    def test_find_member_by_card_and_phone_and_earn(self):
        self.card_member._chain_points_account()._earn(1000, store=self.store)
        self.start_chain_tour("ChainLoyaltyFindAndEarnTour")
        self.assertEqual(self.points(self.card_member), 1050)
        self.assertEqual(self.points(self.phone_member), 50)
        self.assertEqual(self.orders(self.card_member).chain_points_earned, 50)

    def test_redeem_split_tender_and_refund(self):
        self.card_member._chain_points_account()._earn(5000, store=self.store)
        self.card_member._chain_wallet_account(self.store)._topup(
            50.0, store=self.store, journal=self.cash_journal
        )
        self.start_chain_tour("ChainLoyaltyRedeemSplitRefundTour")
        sale, refund = self.orders(self.card_member)
        self.assertEqual(
            sorted(
                (p.payment_method_id.chain_points, p.payment_method_id.chain_wallet, p.amount)
                for p in sale.payment_ids
            ),
            [(False, False, 50.0), (False, True, 30.0), (True, False, 20.0)],
        )
        self.assertEqual((sale.chain_points_spent, sale.chain_points_earned), (2000, 80))
        self.assertEqual(
            sorted(
                (p.payment_method_id.chain_points, p.payment_method_id.chain_wallet, p.amount)
                for p in refund.payment_ids
            ),
            # the money goes back as it came: cash, stored value and points in their shares
            [(False, False, -50.0), (False, True, -30.0), (True, False, -20.0)],
        )
        self.assertEqual((refund.chain_points_spent, refund.chain_points_clawed), (-2000, 80))
        self.assertEqual(self.points(self.card_member), 5000)
        self.assertEqual(self.env["chain.points.move"]._check_ledger_consistency(), [])

    def test_lost_card_asks_the_pin_to_pay_with_points(self):
        self.card_member._chain_points_account()._earn(5000, store=self.store)
        self.card_member._chain_wallet_account(self.store)._set_pin("2468", store=self.store)
        self.card_member.member_card_ids._report_lost("lost on the bus", store=self.store)
        self.start_chain_tour("ChainLoyaltyLostCardPointsTour")
        sale = self.orders(self.card_member)
        self.assertEqual(sale.chain_points_spent, 2000)
        points_line = sale.payment_ids.filtered("payment_method_id.chain_points")
        self.assertTrue(
            self.card_member._chain_wallet_check_token(
                points_line.transaction_id, f"points:{sale.uuid}", 20.0
            )
        )
        self.assertEqual(self.points(self.card_member), 5000 - 2000 + 80)

    def test_quick_registration_at_the_till(self):
        self.program.registration_bonus = 100
        self.start_chain_tour("ChainLoyaltyQuickRegisterTour")
        member = self.env["res.partner"].search([("name", "=", "Tour New Member")])
        self.assertEqual(len(member), 1)
        self.assertTrue(member.is_member)
        self.assertEqual(
            (member.member_registration_channel, member.home_store_id), ("pos", self.store)
        )
        self.assertIn("13900139077", (member.mobile or "").replace(" ", ""))
        order = self.orders(member)
        self.assertEqual((order.amount_total, order.chain_points_earned), (50.0, 50))
        self.assertEqual(
            sorted(
                self.env["chain.points.move"]
                .search([("partner_id", "=", member.id)])
                .mapped(lambda move: (move.rule, move.points))
            ),
            [("purchase", 50), ("registration", 100)],
        )
        self.assertEqual(self.points(member), 150)

    def test_rewards_dialog_exchanges_points_for_a_gift(self):
        mug = self._chain_product("Tour Mug", 25.0, type="consu")
        Reward = self.env["chain.points.reward"]
        reward = Reward.create({"name": "Tour Mug", "product_id": mug.id, "points_cost": 300})
        Reward.create({"name": "Tour Bicycle", "product_id": mug.id, "points_cost": 5000})
        self.card_member._chain_points_account()._earn(1000, store=self.store)
        self.start_chain_tour("ChainLoyaltyRewardsTour")
        order = self.orders(self.card_member)
        gift = order.lines.filtered("chain_points_reward_id")
        self.assertEqual((gift.product_id, gift.chain_points_reward_id), (mug, reward))
        self.assertEqual((gift.qty, gift.price_subtotal_incl), (1, 0.0))
        self.assertEqual(order.amount_total, 50.0)
        self.assertEqual((order.chain_points_spent, order.chain_points_earned), (300, 50))
        moves = self.env["chain.points.move"].search([("pos_order_id", "=", order.id)])
        self.assertEqual(
            sorted(moves.mapped(lambda move: (move.kind, move.points))),
            [("earn", 50), ("exchange", -300)],
        )
        self.assertEqual(self.points(self.card_member), 750)
        self.assertEqual(self.env["chain.points.move"]._check_ledger_consistency(), [])

    def test_member_promotions_apply_when_the_member_is_set(self):
        gold = self.env["chain.member.tier"].create(
            {
                "name": "Tour Gold",
                "sequence": 900,
                "discount_percent": 10.0,
                "spend_threshold": 10**9,
            }
        )
        tier_program = gold.discount_program_id
        tier_program.reward_ids.description = "10% on your order"
        self.card_member._chain_set_tier(gold, "initial")
        today = fields.Date.context_today(self.phone_member)
        birthday_day = 1 if today.day != 1 else 2
        self.phone_member.birthday = today.replace(year=1990, day=birthday_day)
        birthday = self.env["loyalty.program"].create(
            {
                "name": "Birthday month: 20 off from 50 (满减)",
                "program_type": "promotion",
                "trigger": "auto",
                "applies_on": "current",
                "pos_ok": True,
                "chain_member_only": True,
                "chain_when": "birthday_month",
                "rule_ids": [
                    Command.create(
                        {
                            "minimum_amount": 50,
                            "reward_point_mode": "order",
                            "reward_point_amount": 1,
                        }
                    )
                ],
                "reward_ids": [
                    Command.create(
                        {
                            "reward_type": "discount",
                            "discount_mode": "per_order",
                            "discount": 20,
                            "required_points": 1,
                            "description": "Birthday 20 off",
                        }
                    )
                ],
            }
        )
        self.start_chain_tour("ChainLoyaltyMemberPromotionsTour")
        gold_order = self.orders(self.card_member)
        self.assertEqual(gold_order.amount_total, 90.0)
        self.assertEqual(gold_order.lines.reward_id.program_id, tier_program)
        self.assertEqual(gold_order.chain_points_earned, 90)
        self.assertEqual(self.points(self.card_member), 90)
        birthday_order = self.orders(self.phone_member)
        self.assertEqual(birthday_order.amount_total, 30.0)
        self.assertEqual(birthday_order.lines.reward_id.program_id, birthday)
        self.assertEqual(self.points(self.phone_member), 30)

    def test_alliance_merchant_till_identifies_and_earns(self):
        shop = self.env["chain.store"].create(
            {"code": "TOURM", "name": "Tour Book Shop", "kind": "alliance"}
        )
        merchant = self._chain_till_user(
            "chain_tour_merchant",
            "Tour Merchant",
            "chain_member.group_chain_partner_merchant",
            shop,
        )
        journal = self.env["account.journal"].create(
            {"name": "Shop cash", "code": "TSHC", "type": "cash", "company_id": self.env.company.id}
        )
        cash = self.env["pos.payment.method"].create(
            {"name": "Cash", "journal_id": journal.id, "company_id": self.env.company.id}
        )
        config = self.env["pos.config"].create(
            {
                "name": "Tour Merchant Till",
                "chain_store_id": shop.id,
                "payment_method_ids": [Command.set(cash.ids)],
            }
        )
        self.card_member._chain_points_account()._earn(1000, store=self.store)
        self.start_chain_tour(
            "ChainLoyaltyMerchantTillTour", config=config, login="chain_tour_merchant"
        )
        order = self.chain_orders(config=config)
        self.assertEqual((order.partner_id, order.state), (self.card_member, "paid"))
        self.assertEqual(order.chain_points_earned, 50)
        move = order._chain_points_moves()
        self.assertEqual((move.kind, move.store_id, move.points), ("earn", shop, 50))
        self.assertEqual(self.points(self.card_member), 1050)
        # the merchant still cannot read the member it served
        with self.assertRaises(AccessError):
            self.card_member.with_user(merchant).read(["name"])
