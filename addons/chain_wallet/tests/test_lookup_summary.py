from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common_wallet import WalletCase


@tagged("post_install", "-at_install")
class TestLookupSummary(WalletCase):
    """What the till shows after a lookup: tier, active card, stored value, PIN setting and
    active count cards, each read by its own indexed query."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.gold = cls.env["chain.member.tier"].create(
            {"name": "Gold (lookup)", "sequence": 40, "discount_percent": 7.5}
        )
        cls.member._chain_set_tier(cls.gold, "manual", reason="test")
        cls.card = cls.env["chain.member.card"].create(
            {"partner_id": cls.member.id, "kind": "magstripe", "store_id": cls.store_a.id}
        )
        cls.card._activate(store=cls.store_a)

    def _lookup(self, token, user=None):
        return self.env["res.partner"].with_user(user or self.cashier_a).chain_lookup_member(token)

    def test_mobile_lookup_shows_tier_and_the_active_card(self):
        summary = self._lookup("138 0013 8101")
        self.assertEqual(summary["partner_id"], self.member.id)
        self.assertEqual(summary["tier"], "Gold (lookup)")
        self.assertEqual(summary["tier_discount"], 7.5)
        self.assertEqual(summary["card_number"], self.card.number)
        self.assertEqual(summary["card_state"], "active")

    def test_member_without_card_or_balance(self):
        summary = self._lookup(self.member_2.member_code)
        self.assertEqual(summary["partner_id"], self.member_2.id)
        self.assertEqual(summary["card_number"], "")
        self.assertEqual(summary["tier"], "")
        self.assertEqual(summary["wallet_balance"], 0.0)
        self.assertEqual(summary["count_cards"], [])
        self.assertFalse(summary["wallet_pin_required"])

    def test_summary_shows_stored_value_pin_and_active_count_cards(self):
        self.topup(300.0)
        package = (
            self.member.env["chain.count.card.package"]
            .with_user(self.cashier_a)
            ._sell(self.member, self.haircut_card, store=self.store_a, journal=self.cash_journal)
        )
        self.env["ir.config_parameter"].sudo().set_param("chain_member.wallet_pin_required", "1")
        summary = self._lookup(self.card.number)
        self.assertEqual(summary["wallet_balance"], 300.0)
        self.assertTrue(summary["wallet_pin_required"])
        self.assertEqual(
            summary["count_cards"],
            [
                {
                    "id": package.id,
                    "name": package.name,
                    "uses_remaining": 10,
                    "date_expiry": str(package.date_expiry),
                    "service_ids": sorted((self.haircut | self.wash).ids),
                }
            ],
        )
        # the mobile lookup reads the same in its single statement
        self.assertEqual(self._lookup("13800138101"), summary)

    def test_tier_renamed_or_changed_shows_at_once(self):
        self.gold.write({"name": "Platinum (lookup)", "discount_percent": 9.0})
        summary = self._lookup(self.card.number)
        self.assertEqual((summary["tier"], summary["tier_discount"]), ("Platinum (lookup)", 9.0))

    def test_alliance_merchant_cannot_look_members_up(self):
        """Members and cards are hidden from alliance merchants: their own lookups are refused
        (chain_loyalty's till services identify members for them, without contact details)."""
        for token in ("138 0013 8101", self.member.member_code, self.card.number):
            with self.assertRaises(AccessError, msg=token):
                self._lookup(token, user=self.merchant)

    def test_summary_of_an_archived_member_keeps_its_balance(self):
        """The member panel of an archived member (an old order's customer) still reads."""
        self.topup(50.0, member=self.member_2)
        self.member_2.active = False
        summary = self.member_2.with_user(self.cashier_a)._chain_till_summary(
            self.env["chain.member.card"]
        )
        self.assertEqual((summary["name"], summary["wallet_balance"]), ("Member Lin", 50.0))
