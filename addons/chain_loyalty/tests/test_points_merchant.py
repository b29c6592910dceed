from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import LoyaltyCase

CARD = "8860999900000121"


@tagged("post_install", "-at_install")
class TestPointsMerchantTill(LoyaltyCase):
    """An alliance merchant's till identifies a member by exact card or mobile and earns and
    spends points there, but never browses the members nor sees other stores' movements."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.merchant_till = cls._make_user(
            "t_merchant_till",
            "chain_member.group_chain_partner_merchant,point_of_sale.group_pos_user",
            cls.merchant_store,
        )
        cls.config_m = cls._make_config("Till M", cls.merchant_store)
        cls.session_m = cls._open_session(cls.config_m)
        cls.cash_method_m = cls.config_m.payment_method_ids.filtered("is_cash_count")
        cls.points_method_m = cls.config_m.payment_method_ids.filtered("chain_points")
        card = cls.env["chain.member.card"].create(
            {
                "partner_id": cls.member.id,
                "number": CARD,
                "kind": "magstripe",
                "store_id": cls.store_a.id,
            }
        )
        card._activate(store=cls.store_a)
        cls.Partner = cls.env["res.partner"].with_user(cls.merchant_till)

    def test_merchant_identifies_a_member_by_card_or_exact_mobile(self):
        self.earn(1234)
        for token in (CARD, "13800138101"):
            result = self.Partner.chain_pos_identify(token, self.config_m.id)
            self.assertNotIn("error", result, token)
            (row,) = result["res.partner"]
            self.assertEqual((row["id"], row["name"]), (self.member.id, "Member Mei"))
            self.assertEqual(result["summary"]["points_balance"], 1234)
            # no contact details for an alliance merchant; the mobile only to confirm
            self.assertFalse(row["mobile"] or row["email"] or row["street"])
            self.assertEqual(result["summary"]["mobile"], "···8101")
            self.assertIs(result["summary"]["can_exchange"], False)  # no Rewards button

    def test_merchant_search_gives_the_exact_match_only(self):
        result = self.Partner.chain_pos_search("13800138101", self.config_m.id)
        self.assertEqual(result["ids"], [self.member.id])
        for prefix in ("1380013810", "Member"):
            self.assertEqual(self.Partner.chain_pos_search(prefix, self.config_m.id)["ids"], [])
        # a chain cashier gets the prefix matches
        staff = self.env["res.partner"].with_user(self.cashier_a)
        self.assertEqual(
            set(staff.chain_pos_search("1380013810", self.config_a.id)["ids"]),
            {self.member.id, self.member_2.id},
        )

    def test_merchant_cannot_read_or_list_members(self):
        self.assertFalse(self.Partner.search([("is_member", "=", True)]))
        with self.assertRaises(AccessError):
            self.member.with_user(self.merchant_till).read(["name", "mobile"])
        # the panel of a member the merchant has not served is not given by id
        self.assertEqual(
            self.Partner.chain_pos_member_summary(self.member.id, self.config_m.id), {}
        )

    def test_merchant_refreshes_the_panel_of_the_member_it_identified(self):
        identified = self.Partner.chain_pos_identify(CARD, self.config_m.id)
        token = identified["summary"]["till_token"]
        summary = self.Partner.chain_pos_member_summary(self.member.id, self.config_m.id, token)
        self.assertEqual(summary["partner_id"], self.member.id)
        # the token is for that member only
        self.assertEqual(
            self.Partner.chain_pos_member_summary(self.member_2.id, self.config_m.id, token), {}
        )
        self.assertEqual(
            self.Partner.chain_pos_member_summary(self.member.id, self.config_m.id, "forged"), {}
        )
        # the exact match of the search carries the panel too
        found = self.Partner.chain_pos_search("13800138102", self.config_m.id)
        self.assertEqual(list(found["summaries"]), [self.member_2.id])

    def test_merchant_uses_only_its_own_tills(self):
        with self.assertRaises(AccessError):
            self.Partner.chain_pos_identify(CARD, self.config_a.id)
        with self.assertRaises(AccessError):
            self.Partner.chain_pos_search("13800138101", self.config_a.id)

    def test_merchant_till_earns_and_spends_points_of_its_store(self):
        in_store_a = self.earn(5000)
        authorized = self.Partner.chain_points_authorize(
            self.member.id, 30.0, 100.0, self.config_m.id
        )
        self.assertTrue(authorized["ok"], authorized)
        order = self.sync(
            self.order_vals(
                self.session_m,
                [(self.rice, 2, 50.0)],
                [(self.points_method_m, 30.0), (self.cash_method_m, 70.0)],
            ),
            user=self.merchant_till,
        )
        self.assertEqual((order.chain_points_spent, order.chain_points_earned), (3000, 70))
        self.assertEqual(self.points(), 2070)
        moves = order._chain_points_moves()
        self.assertEqual(moves.store_id, self.merchant_store)
        # the merchant sees its own store's movements only, not the points earned in store A
        visible = self.env["chain.points.move"].with_user(self.merchant_till).search([])
        self.assertEqual(visible, moves)
        self.assertNotIn(in_store_a, visible)
        # a member it has served: the panel can be refreshed by id
        summary = self.Partner.chain_pos_member_summary(self.member.id, self.config_m.id)
        self.assertEqual(summary["points_balance"], 2070)
        self.assertLedgerConsistent()
