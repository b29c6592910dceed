from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import LoyaltyCase


@tagged("post_install", "-at_install")
class TestEarnRules(LoyaltyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.discount = cls.env["product.product"].create(
            {
                "name": "Global discount",
                "type": "service",
                "list_price": 0.0,
                "taxes_id": [Command.clear()],
                "available_in_pos": True,
            }
        )
        cls.tier_gold = cls.env["chain.member.tier"].create(
            {
                "name": "Test Gold",
                "sequence": 900,
                "points_multiplier": 2.0,
                "spend_threshold": 10**9,
            }
        )

    def today(self):
        return fields.Date.context_today(self.env["pos.order"].with_user(self.cashier_a))

    def earned(self, lines, payments=None, partner=None):
        return self.sell(lines, payments, partner=partner).chain_points_earned

    # ------------------------------------------------------------------------------------------
    # Amount paid: rate and rounding
    # ------------------------------------------------------------------------------------------
    def test_rate_and_rounding(self):
        self.program.earn_rate = 0.15
        cases = {"down": 14, "half_up": 15, "up": 15}  # 99 × 0.15 = 14.85
        for rounding, expected in cases.items():
            with self.subTest(rounding=rounding):
                self.program.earn_rounding = rounding
                self.assertEqual(self.earned([(self.rice, 1, 99.0)]), expected)
        self.program.write({"earn_rate": 0.1, "earn_rounding": "half_up"})
        self.assertEqual(self.earned([(self.rice, 1, 95.0)]), 10)  # 9.5 rounds up
        self.program.earn_rounding = "down"
        self.assertEqual(self.earned([(self.rice, 1, 95.0)]), 9)

    def test_discount_lines_reduce_what_earns(self):
        self.assertEqual(self.earned([(self.rice, 2, 50.0), (self.discount, 1, -20.0)]), 80)

    # ------------------------------------------------------------------------------------------
    # Products and categories
    # ------------------------------------------------------------------------------------------
    def test_category_multiplier_covers_its_subcategories(self):
        self.program.product_rule_ids = [
            Command.create(
                {"applies_to": "category", "categ_id": self.category.id, "multiplier": 3}
            )
        ]
        self.assertEqual(self.earned([(self.cigarettes, 1, 30.0)]), 90)

    def test_exclusion_and_product_rule_over_category_rule(self):
        self.program.product_rule_ids = [
            Command.create(
                {"applies_to": "category", "categ_id": self.category.id, "multiplier": 0}
            ),
            Command.create({"applies_to": "product", "product_id": self.rice.id, "multiplier": 2}),
        ]
        # cigarettes are excluded (their parent category); rice earns double
        self.assertEqual(self.earned([(self.rice, 1, 50.0), (self.cigarettes, 1, 30.0)]), 100)

    def test_closer_category_wins(self):
        self.program.product_rule_ids = [
            Command.create(
                {"applies_to": "category", "categ_id": self.category.id, "multiplier": 2}
            ),
            Command.create(
                {"applies_to": "category", "categ_id": self.subcategory.id, "multiplier": 0}
            ),
        ]
        self.assertEqual(self.earned([(self.rice, 1, 50.0), (self.cigarettes, 1, 30.0)]), 100)

    def test_top_ups_earn_no_purchase_points(self):
        self.assertEqual(self.earned([(self.topup_product, 1, 100.0)]), 0)

    # ------------------------------------------------------------------------------------------
    # Multipliers
    # ------------------------------------------------------------------------------------------
    def test_tier_multiplier(self):
        self.program.use_tier_multiplier = True
        self.member._chain_set_tier(self.tier_gold, "initial")
        self.assertEqual(self.earned([(self.rice, 1, 50.0)]), 100)
        self.program.use_tier_multiplier = False
        self.assertEqual(self.earned([(self.rice, 1, 50.0)]), 50)

    def test_birthday_multiplier_on_the_day(self):
        self.program.write({"birthday_multiplier": 3, "birthday_scope": "day"})
        today = self.today()
        self.member.birthday = today - relativedelta(years=30)
        self.assertEqual(self.earned([(self.rice, 1, 50.0)]), 150)
        self.member.birthday = today - relativedelta(years=30, days=1)
        self.assertEqual(self.earned([(self.rice, 1, 50.0)]), 50)

    def test_birthday_multiplier_in_the_birthday_month(self):
        self.program.write({"birthday_multiplier": 2, "birthday_scope": "month"})
        today = self.today()
        other_day = 2 if today.day == 1 else 1
        self.member.birthday = today.replace(year=today.year - 40, day=other_day)
        self.assertEqual(self.earned([(self.rice, 1, 50.0)]), 100)
        self.member.birthday = today.replace(year=today.year - 40) - relativedelta(months=1)
        self.assertEqual(self.earned([(self.rice, 1, 50.0)]), 50)

    def test_birthday_multiplier_for_a_lunar_birthday(self):
        from borax.calendars.lunardate import LunarDate

        self.program.write({"birthday_multiplier": 2, "birthday_scope": "day"})
        lunar = LunarDate.from_solar_date(*self.today().timetuple()[:3])
        self.member.write(
            {
                "birthday_calendar": "lunar",
                "birthday_lunar_month": lunar.month,
                "birthday_lunar_day": lunar.day,
                "birthday_lunar_leap": bool(lunar.leap),
            }
        )
        self.assertEqual(self.earned([(self.rice, 1, 50.0)]), 100)

    def earned_on(self, day, lines):
        """Points of an order of ``lines`` paid in cash on ``day`` (an order the till kept
        offline: its date decides the birthday)."""
        total = sum(qty * price for _product, qty, price in lines)
        vals = self.order_vals(self.session_a, lines, [(self.cash_method, total)])
        vals["date_order"] = f"{day} 04:00:00"  # noon in Shanghai, the same day in UTC
        return self.sync(vals).chain_points_earned

    def test_birthday_multiplier_for_a_late_lunar_birthday_in_january(self):
        """Issue 13: lunar 11-20 of the 2025 lunar year is solar 2026-01-08; the points rule
        looked for it in the 2026 lunar year (2026-12-28) and gave nothing in January."""
        from borax.calendars.lunardate import LunarDate

        birthday = LunarDate(2025, 11, 20).to_solar_date()
        self.assertEqual(birthday, fields.Date.to_date("2026-01-08"))
        self.member.write(
            {
                "birthday_calendar": "lunar",
                "birthday_lunar_month": 11,
                "birthday_lunar_day": 20,
                "birthday_lunar_leap": False,
            }
        )
        rice = [(self.rice, 1, 50.0)]
        self.program.write({"birthday_multiplier": 2, "birthday_scope": "day"})
        self.assertEqual(self.earned_on(birthday, rice), 100)
        self.assertEqual(self.earned_on(birthday + relativedelta(days=1), rice), 50)
        self.program.birthday_scope = "month"
        self.assertEqual(self.earned_on(fields.Date.to_date("2026-01-31"), rice), 100)
        self.assertEqual(self.earned_on(fields.Date.to_date("2026-02-01"), rice), 50)
        # 2025 holds no lunar 11-20 (2024-12-20, then 2026-01-08): no birthday month in 2025
        self.assertEqual(self.earned_on(fields.Date.to_date("2025-12-20"), rice), 50)

    def test_birthday_multiplier_for_day_30_and_february_29(self):
        from borax.calendars.lunardate import LunarDate

        self.program.write({"birthday_multiplier": 3, "birthday_scope": "day"})
        rice = [(self.rice, 1, 50.0)]
        # lunar 12-30: the 12th month of the 2025 lunar year has 29 days -> 2026-02-16
        last = LunarDate(2025, 12, 29).to_solar_date()
        self.assertEqual(last, fields.Date.to_date("2026-02-16"))
        self.member.write(
            {"birthday_calendar": "lunar", "birthday_lunar_month": 12, "birthday_lunar_day": 30}
        )
        self.assertEqual(self.earned_on(last, rice), 150)
        self.assertEqual(self.earned_on(last + relativedelta(days=1), rice), 50)
        # 29 February in a common year: the 28th
        self.member.write({"birthday_calendar": "solar", "birthday": "1996-02-29"})
        self.assertEqual(self.earned_on(fields.Date.to_date("2025-02-28"), rice), 150)
        self.assertEqual(self.earned_on(fields.Date.to_date("2025-03-01"), rice), 50)

    def test_member_day_multiplier_on_a_weekday_or_a_day_of_the_month(self):
        today = self.today()
        self.program.write(
            {
                "member_day_kind": "weekday",
                "member_day_weekday": str(today.weekday()),
                "member_day_multiplier": 2,
            }
        )
        self.assertEqual(self.earned([(self.rice, 1, 50.0)]), 100)
        self.program.member_day_weekday = str((today.weekday() + 1) % 7)
        self.assertEqual(self.earned([(self.rice, 1, 50.0)]), 50)
        self.program.write({"member_day_kind": "monthday", "member_day_monthday": today.day})
        self.assertEqual(self.earned([(self.rice, 1, 50.0)]), 100)

    def test_multipliers_multiply_or_the_highest_applies(self):
        today = self.today()
        self.member._chain_set_tier(self.tier_gold, "initial")
        self.program.write(
            {
                "use_tier_multiplier": True,
                "member_day_kind": "weekday",
                "member_day_weekday": str(today.weekday()),
                "member_day_multiplier": 3,
            }
        )
        self.assertEqual(self.earned([(self.rice, 1, 50.0)]), 300)  # 2 × 3
        self.program.multiplier_combination = "highest"
        self.assertEqual(self.earned([(self.rice, 1, 50.0)]), 150)

    # ------------------------------------------------------------------------------------------
    # Bonuses
    # ------------------------------------------------------------------------------------------
    def test_registration_bonus(self):
        self.program.registration_bonus = 88
        member = (
            self.env["res.partner"]
            .with_user(self.cashier_a)
            .chain_register_member(
                {"name": "New Member", "mobile": "13800138555"}, channel="pos", store=self.store_a
            )
        )
        self.assertEqual(self.points(member), 88)
        self.assertEqual(member.sudo().points_move_ids.rule, "registration")

    def test_first_order_bonus_above_the_threshold(self):
        self.program.write({"first_order_bonus": 200, "first_order_threshold": 80})
        order = self.sell([(self.rice, 2, 50.0)])
        self.assertEqual(order.chain_points_earned, 300)
        self.assertEqual(self.sell([(self.rice, 2, 50.0)]).chain_points_earned, 100)

    def test_first_order_below_the_threshold_gets_no_bonus(self):
        self.program.write({"first_order_bonus": 200, "first_order_threshold": 80})
        self.assertEqual(self.earned([(self.rice, 1, 50.0)]), 50)
        self.assertEqual(self.earned([(self.rice, 2, 50.0)]), 100)  # not the first order any more

    def test_daily_portal_check_in_once_a_day(self):
        self.program.checkin_points = 5
        portal = new_test_user(
            self.env, login="mei_portal", groups="base.group_portal", partner_id=self.member.id
        )
        first = self.member.with_user(portal).chain_points_checkin()
        again = self.member.with_user(portal).chain_points_checkin()
        self.assertEqual(first, again)
        self.assertEqual((first.rule, self.points()), ("checkin", 5))
        with self.assertRaises(AccessError):
            self.member_2.with_user(portal).chain_points_checkin()

    def test_top_up_bonus_points(self):
        self.env["chain.topup.rule"].create(
            {
                "name": "Top up 100",
                "min_amount": 100,
                "bonus_type": "fixed",
                "bonus_amount": 10,
                "bonus_points": 50,
            }
        )
        line = self.topup(100.0)
        self.assertEqual(self.points(), 50)
        move = self.Move.search([("partner_id", "=", self.member.id)])
        self.assertEqual((move.rule, move.idempotency_key), ("topup", f"topup:{line.id}"))

    def test_stored_value_payment_earns_by_the_policy(self):
        self.topup(100.0)
        payments = [(self.wallet_method, 60.0), (self.cash_method, 40.0)]
        self.assertEqual(self.earned([(self.rice, 2, 50.0)], payments), 100)
        self.program.earn_on_wallet_payment = False
        self.assertEqual(
            self.earned(
                [(self.rice, 1, 50.0)], [(self.wallet_method, 30.0), (self.cash_method, 20.0)]
            ),
            20,
        )
