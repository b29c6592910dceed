from datetime import timedelta
from unittest.mock import patch

from odoo import Command, fields
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common_wallet import WalletCase


@tagged("post_install", "-at_install")
class TestTopupRules(WalletCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Rule = cls.env["chain.topup.rule"]
        cls.rule_500 = Rule.create({"name": "500 get 30", "min_amount": 500, "bonus_amount": 30})
        cls.rule_1000 = Rule.create(
            {
                "name": "1000 get 10%",
                "min_amount": 1000,
                "bonus_type": "percent",
                "bonus_percent": 10,
                "bonus_points": 50,
            }
        )

    def test_highest_bracket_reached_applies_and_brackets_do_not_stack(self):
        self.assertEqual(self.topup(499).bonus, 0)
        self.assertEqual(self.topup(500).bonus, 30)
        line = self.topup(1200)
        self.assertEqual(
            (line.bonus, line.bonus_points, line.topup_rule_id), (120, 50, self.rule_1000)
        )

    def test_date_window(self):
        today = fields.Date.context_today(self.rule_1000)
        self.rule_1000.write({"date_from": today + timedelta(days=1)})
        self.assertEqual(self.topup(1000).topup_rule_id, self.rule_500)
        self.rule_1000.write(
            {"date_from": today - timedelta(days=10), "date_to": today - timedelta(days=1)}
        )
        self.assertEqual(self.topup(1000).bonus, 30)

    def test_store_restriction(self):
        self.rule_1000.store_ids = [Command.set(self.store_b.ids)]
        self.assertEqual(self.topup(1000, store=self.store_a).bonus, 30)
        self.assertEqual(self.topup(1000, user=self.hq_manager, store=self.store_b).bonus, 100)

    def test_tier_restriction(self):
        gold = self.env["chain.member.tier"].create({"name": "Gold", "sequence": 90})
        self.rule_1000.tier_ids = [Command.set(gold.ids)]
        self.assertEqual(self.topup(1000).bonus, 30)
        self.member._chain_set_tier(gold, "manual", reason="test")
        self.assertEqual(self.topup(1000).bonus, 100)

    def test_archived_rule_does_not_apply(self):
        self.rule_500.active = False
        self.assertEqual(self.topup(600).bonus, 0)

    def test_points_are_handed_to_the_points_hook(self):
        calls = []
        partner_class = type(self.member)
        original = partner_class._chain_award_topup_points

        def spy(partner, points, transaction):
            calls.append((partner, points, transaction))
            return original(partner, points, transaction)

        with patch.object(partner_class, "_chain_award_topup_points", spy):
            line = self.topup(1000)
        self.assertEqual(line.bonus_points, 50)
        self.assertEqual(calls, [(self.member, 50, line)])

    def test_preview_matches_the_posting(self):
        preview = self.member.with_user(self.cashier_a).chain_wallet_preview_bonus(
            1500, store=self.store_a
        )
        self.assertEqual((preview["bonus"], preview["points"]), (150, 50))

    def test_rule_validation(self):
        with self.assertRaises(ValidationError):
            self.env["chain.topup.rule"].create(
                {"name": "typo", "min_amount": 100, "bonus_type": "percent", "bonus_percent": 500}
            )
        today = fields.Date.today()
        with self.assertRaises(ValidationError):
            self.env["chain.topup.rule"].create(
                {
                    "name": "backwards",
                    "min_amount": 100,
                    "date_from": today,
                    "date_to": today - timedelta(days=1),
                }
            )
