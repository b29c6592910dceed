from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

CARD_NUMBER = "8860999900000014"  # the tours scan it (static/tests/tours/chain_loyalty_tours.js)


@tagged("post_install", "-at_install")
class TestLoyaltyTours(HttpCase):
    """The cashier's member experience in the POS, in headless Chromium: find the member by
    card and by phone, earn, pay with points + stored value + cash, refund. The server is
    checked after each tour."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
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
        company = env.company
        cls.store = env["chain.store"].create(
            {"code": "TOUR", "name": "Tour Store", "kind": "direct"}
        )
        cls.cashier = new_test_user(
            env,
            login="chain_tour_cashier",
            groups="chain_member.group_chain_cashier,point_of_sale.group_pos_user,account.group_account_invoice",
            name="Tour Cashier",
        )
        cls.cashier.chain_store_ids = [Command.set(cls.store.ids)]
        journal = env["account.journal"].create(
            {"name": "Tour cash", "code": "TCSH", "type": "cash", "company_id": company.id}
        )
        cash = env["pos.payment.method"].create(
            {"name": "Cash", "journal_id": journal.id, "company_id": company.id}
        )
        cls.config = env["pos.config"].create(
            {
                "name": "Tour Till",
                "chain_store_id": cls.store.id,
                "payment_method_ids": [Command.set(cash.ids)],
            }
        )
        cls.rice = env["product.product"].create(
            {
                "name": "Tour Rice",
                "type": "consu",
                "list_price": 50.0,
                "taxes_id": [Command.clear()],
                "available_in_pos": True,
            }
        )
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
        cls.cash_journal = journal

    def points(self, partner):
        partner.invalidate_recordset(["points_balance"])
        return partner.points_balance

    def orders(self, partner):
        return self.env["pos.order"].search(
            [("partner_id", "=", partner.id), ("config_id", "=", self.config.id)], order="id"
        )

    def test_find_member_by_card_and_phone_and_earn(self):
        self.card_member.chain_points_earn(1000, store=self.store)
        self.start_tour(
            f"/pos/ui?config_id={self.config.id}",
            "ChainLoyaltyFindAndEarnTour",
            login="chain_tour_cashier",
        )
        self.assertEqual(self.points(self.card_member), 1050)
        self.assertEqual(self.points(self.phone_member), 50)
        self.assertEqual(self.orders(self.card_member).chain_points_earned, 50)

    def test_redeem_split_tender_and_refund(self):
        self.card_member.chain_points_earn(5000, store=self.store)
        self.card_member.chain_wallet_topup(50.0, store=self.store, journal=self.cash_journal)
        self.start_tour(
            f"/pos/ui?config_id={self.config.id}",
            "ChainLoyaltyRedeemSplitRefundTour",
            login="chain_tour_cashier",
        )
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
            sorted((p.payment_method_id.chain_points, p.amount) for p in refund.payment_ids),
            [(False, -80.0), (True, -20.0)],
        )
        self.assertEqual((refund.chain_points_spent, refund.chain_points_clawed), (-2000, 80))
        self.assertEqual(self.points(self.card_member), 5000)
        self.assertEqual(self.env["chain.points.move"]._check_ledger_consistency(), [])
