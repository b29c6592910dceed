from unittest.mock import patch

from odoo.tests import tagged

from odoo.addons.chain_member.tests.common import ChainMemberCase


@tagged("post_install", "-at_install")
class TestTierPoints(ChainMemberCase):
    """Tiers that count points (chain_loyalty adds them to chain_member's spend tiers)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Tier = cls.env["chain.member.tier"]
        Tier.search([]).active = False
        cls.regular = Tier.create(
            {"name": "T Regular", "sequence": 1, "spend_threshold": 0, "validity_months": 0}
        )
        cls.gold = Tier.create(
            {
                "name": "T Gold",
                "sequence": 3,
                "qualification": "either",
                "spend_threshold": 5000,
                "points_threshold": 100000,
                "validity_months": 12,
            }
        )
        cls.platinum = Tier.create(
            {
                "name": "T Platinum",
                "sequence": 4,
                "qualification": "both",
                "spend_threshold": 5000,
                "points_threshold": 100000,
                "validity_months": 12,
            }
        )
        cls.member = cls.env["res.partner"].chain_register_member(
            {"name": "Wang Fang", "mobile": "13711112222"}, store=cls.store_a
        )
        cls.member._chain_set_tier(cls.regular, "manual")

    def test_points_qualify_for_an_either_tier(self):
        partner_class = type(self.member)
        with patch.object(partner_class, "_chain_tier_points", lambda partner: 150000):
            self.assertEqual(self.member._chain_qualifying_tier(), self.gold)

    def test_both_needs_spend_and_points(self):
        self.assertTrue(self.platinum._qualifies(5000, 100000))
        self.assertFalse(self.platinum._qualifies(5000, 99999))
        self.assertFalse(self.platinum._qualifies(4999, 100000))
        self.assertTrue(self.gold._qualifies(0, 100000))
        self.assertTrue(self.gold._qualifies(5000, 0))
        self.assertFalse(self.gold._qualifies(4999, 99999))

    def test_portal_progress_counts_the_points(self):
        partner_class = type(self.member)
        with patch.object(partner_class, "_chain_tier_points", lambda partner: 40000):
            progress = self.member._chain_portal_tier_progress()
        self.assertEqual(progress["next"], self.gold)
        self.assertTrue(progress["counts_spend"])
        self.assertTrue(progress["counts_points"])
        self.assertEqual(progress["points"], 40000)
        self.assertEqual(progress["points_needed"], 60000)
        self.assertEqual(progress["percent"], 40, "either tier: the better of the two figures")
