from collections import Counter
from datetime import date, timedelta

from borax.calendars.lunardate import LunarDate

from odoo.tests import TransactionCase, tagged

from ..tools.lunar_birthday import (
    lunar_birthday_in,
    lunar_birthday_table,
    next_lunar_birthday,
    solar_birthday_table,
)


@tagged("post_install", "-at_install")
class TestReminderLunar(TransactionCase):
    """Lunar birthdays to solar dates (borax), with the fallback rules of README_REMINDERS."""

    def test_mid_autumn_birthday_in_three_years(self):
        # lunar 1990-08-15 (PLATFORM_NOTES test dates)
        self.assertEqual(lunar_birthday_in(2025, 8, 15), date(2025, 10, 6))
        self.assertEqual(lunar_birthday_in(2026, 8, 15), date(2026, 9, 25))
        self.assertEqual(lunar_birthday_in(2027, 8, 15), date(2027, 9, 15))

    def test_day_30_in_a_29_day_month_is_celebrated_on_the_29th(self):
        # the 7th month of 2026 has 29 days
        self.assertEqual(lunar_birthday_in(2026, 7, 30), LunarDate(2026, 7, 29).to_solar_date())
        self.assertEqual(lunar_birthday_in(2026, 7, 30), date(2026, 9, 10))
        # a 30-day month keeps day 30 (9th month of 2025)
        self.assertEqual(lunar_birthday_in(2025, 9, 30), LunarDate(2025, 9, 30).to_solar_date())

    def test_twelfth_month_birthday_falls_in_the_next_solar_year(self):
        # lunar 2025-12-30 does not exist (29 days): the 29th, 2026-02-16
        self.assertEqual(lunar_birthday_in(2025, 12, 30), date(2026, 2, 16))
        self.assertEqual(
            next_lunar_birthday(12, 30, on_or_after=date(2025, 12, 1)), date(2026, 2, 16)
        )

    def test_leap_month_birthday_without_that_leap_month_uses_the_ordinary_month(self):
        # 2025 has a leap 6th month, 2026 none
        self.assertEqual(
            lunar_birthday_in(2025, 6, 10, leap=True), LunarDate(2025, 6, 10, 1).to_solar_date()
        )
        self.assertEqual(
            lunar_birthday_in(2026, 6, 10, leap=True), LunarDate(2026, 6, 10).to_solar_date()
        )
        self.assertNotEqual(
            lunar_birthday_in(2025, 6, 10, leap=True), lunar_birthday_in(2025, 6, 10)
        )

    def test_table_celebrates_every_lunar_birthday_exactly_once_a_lunar_year(self):
        for year in range(2023, 2031):
            first = LunarDate(year, 1, 1).to_solar_date()
            last = LunarDate(year + 1, 1, 1).to_solar_date() - timedelta(days=1)
            rows = lunar_birthday_table(first, last)
            keys = Counter((month, day, leap) for month, day, leap, _solar in rows)
            self.assertEqual(len(keys), 12 * 30 * 2, year)
            self.assertEqual(set(keys.values()), {1}, year)
            for month, day, leap, solar in rows:
                self.assertEqual(lunar_birthday_in(year, month, day, leap), solar)

    def test_table_of_a_window_maps_mid_autumn(self):
        rows = lunar_birthday_table(date(2025, 10, 3), date(2025, 10, 6))
        self.assertIn((8, 15, False, date(2025, 10, 6)), rows)
        self.assertIn((8, 15, True, date(2025, 10, 6)), rows)  # 2025 has no leap 8th month
        self.assertLess(len(rows), 20)

    def test_solar_february_29_is_celebrated_on_the_28th_in_common_years(self):
        self.assertIn(
            (2, 29, date(2025, 2, 28)), solar_birthday_table(date(2025, 2, 27), date(2025, 3, 1))
        )
        leap_year = solar_birthday_table(date(2028, 2, 27), date(2028, 3, 1))
        self.assertIn((2, 29, date(2028, 2, 29)), leap_year)
        self.assertNotIn((2, 29, date(2028, 2, 28)), leap_year)
