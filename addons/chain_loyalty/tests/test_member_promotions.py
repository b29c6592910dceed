from datetime import date

from borax.calendars.lunardate import LunarDate
from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import LoyaltyCase


@tagged("post_install", "-at_install")
class TestMemberPromotions(LoyaltyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tier_silver = cls.env["chain.member.tier"].create(
            {
                "name": "Test Silver",
                "sequence": 800,
                "discount_percent": 5.0,
                "spend_threshold": 10**9,
            }
        )

    def reward_line(self, program, amount):
        reward = program.reward_ids[:1]
        return (
            reward.discount_line_product_id,
            1,
            amount,
            {"reward_id": reward.id, "is_reward_line": True, "reward_identifier_code": "x1"},
        )

    def test_tier_discount_is_a_member_promotion_kept_in_step(self):
        program = self.tier_silver.discount_program_id
        self.assertTrue(program.active)
        self.assertEqual((program.program_type, program.trigger), ("promotion", "auto"))
        self.assertEqual(program.chain_tier_ids, self.tier_silver)
        self.assertEqual(program.reward_ids.discount, 5.0)
        self.tier_silver.discount_percent = 8.0
        self.assertEqual(program.reward_ids.discount, 8.0)
        self.tier_silver.discount_percent = 0.0
        self.assertFalse(program.active)

    def test_server_accepts_the_tier_discount_of_the_members_tier(self):
        self.member._chain_set_tier(self.tier_silver, "initial")
        program = self.tier_silver.discount_program_id
        order = self.sell(
            [(self.rice, 2, 50.0), self.reward_line(program, -5.0)], [(self.cash_method, 95.0)]
        )
        self.assertEqual(order.state, "paid")
        self.assertEqual(order.chain_points_earned, 95)

    def test_server_refuses_a_tier_discount_the_customer_has_no_right_to(self):
        program = self.tier_silver.discount_program_id
        vals = self.order_vals(
            self.session_a,
            [(self.rice, 2, 50.0), self.reward_line(program, -5.0)],
            [(self.cash_method, 95.0)],
        )
        with (
            self.assertRaisesRegex(UserError, "does not apply to this customer"),
            self.cr.savepoint(),
        ):
            self.sync(vals)

    def test_server_refuses_a_tier_discount_above_the_tier_percentage(self):
        self.member._chain_set_tier(self.tier_silver, "initial")
        program = self.tier_silver.discount_program_id
        vals = self.order_vals(
            self.session_a,
            [(self.rice, 2, 50.0), self.reward_line(program, -30.0)],
            [(self.cash_method, 70.0)],
        )
        with self.assertRaisesRegex(UserError, "5% at most"), self.cr.savepoint():
            self.sync(vals)

    def test_member_day_and_birthday_month_promotions(self):
        today = fields.Date.context_today(self.member)
        promo = self.env["loyalty.program"].create(
            {
                "name": "Member day: 50 off from 300 (满减)",
                "program_type": "promotion",
                "trigger": "auto",
                "chain_member_only": True,
                "chain_when": "member_day",
                "rule_ids": [
                    Command.create(
                        {
                            "minimum_amount": 300,
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
                            "discount": 50,
                            "required_points": 1,
                        }
                    )
                ],
            }
        )
        self.program.write({"member_day_kind": "monthday", "member_day_monthday": today.day})
        self.assertTrue(promo._chain_member_eligible(self.member, today))
        self.assertFalse(
            promo._chain_member_eligible(self.env["res.partner"].create({"name": "Walk-in"}), today)
        )
        self.program.member_day_monthday = 1 if today.day != 1 else 2
        self.assertFalse(promo._chain_member_eligible(self.member, today))
        promo.chain_when = "birthday_month"
        self.member.birthday = today.replace(year=1990)
        self.assertTrue(promo._chain_member_eligible(self.member, today))

    def _birthday_promo(self):
        return self.env["loyalty.program"].create(
            {
                "name": "Birthday 20 off from 50",
                "program_type": "promotion",
                "trigger": "auto",
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
                        }
                    )
                ],
            }
        )

    def test_birthday_month_promotion_for_a_late_lunar_birthday_in_january(self):
        """Issue 13: lunar 11-20 of the 2025 lunar year is solar 2026-01-08; the promotion
        looked for it in the 2026 lunar year (December 2026) and refused it in January."""
        january = LunarDate(2025, 11, 20).to_solar_date()
        self.assertEqual(january, date(2026, 1, 8))
        self.member.write(
            {"birthday_calendar": "lunar", "birthday_lunar_month": 11, "birthday_lunar_day": 20}
        )
        promo = self._birthday_promo()

        def sync_on(day):
            vals = self.order_vals(
                self.session_a,
                [(self.rice, 2, 50.0), self.reward_line(promo, -20.0)],
                [(self.cash_method, 80.0)],
            )
            vals["date_order"] = f"{day} 04:00:00"
            return self.sync(vals)

        order = sync_on(january)
        self.assertEqual(order.state, "paid")
        self.assertEqual(order.lines.reward_id.program_id, promo)
        self.assertEqual(sync_on(date(2026, 1, 31)).state, "paid", "the whole birthday month")
        self.assertEqual(sync_on(date(2026, 12, 3)).state, "paid", "lunar 11-20 again on 12-28")
        for day in (date(2026, 2, 1), date(2025, 12, 20)):  # 2025 holds no lunar 11-20
            with (
                self.subTest(day=day),
                self.assertRaisesRegex(UserError, "does not apply to this customer"),
                self.cr.savepoint(),
            ):
                sync_on(day)

    def test_till_flags_a_late_lunar_birthday_in_january(self):
        self.member.write(
            {"birthday_calendar": "lunar", "birthday_lunar_month": 11, "birthday_lunar_day": 20}
        )
        member = self.member.with_user(self.cashier_a)
        january = LunarDate(2025, 11, 20).to_solar_date()
        with freeze_time(f"{january} 04:00:00"):
            summary = member._chain_till_summary(self.env["chain.member.card"])
            self.assertTrue(summary["birthday_today"])
            self.assertTrue(summary["birthday_month"])
            member.invalidate_recordset(["chain_birthday_month_now"])
            self.assertEqual(member.chain_birthday_month_now, 1)  # the till's promotion check
        with freeze_time("2026-02-10 04:00:00"):
            summary = member._chain_till_summary(self.env["chain.member.card"])
            self.assertFalse(summary["birthday_today"])
            self.assertFalse(summary["birthday_month"])
            member.invalidate_recordset(["chain_birthday_month_now"])
            self.assertEqual(member.chain_birthday_month_now, 12, "lunar 11-20 of 2026: 12-28")
        with freeze_time("2025-06-10 04:00:00"):
            member.invalidate_recordset(["chain_birthday_month_now"])
            self.assertEqual(member.chain_birthday_month_now, 0, "no lunar 11-20 in 2025")

    def test_promotions_load_their_member_conditions_in_the_till(self):
        self.assertIn(
            "chain_tier_ids", self.env["loyalty.program"]._load_pos_data_fields(self.config_a.id)
        )
        self.assertIn("is_member", self.env["res.partner"]._load_pos_data_fields(self.config_a.id))
