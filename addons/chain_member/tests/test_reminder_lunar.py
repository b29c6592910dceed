from collections import Counter
from datetime import date, timedelta

from borax.calendars.lunardate import LCalendars, LunarDate
from freezegun import freeze_time

from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL

from ..tools.lunar_birthday import (
    Birthday,
    birthday_in_month,
    birthday_of,
    birthdays_between,
    birthdays_in_year,
    in_birthday_scope,
    is_birthday,
    lunar_birthday_in,
    lunar_birthday_table,
    next_birthday,
    next_lunar_birthday,
    solar_birthday_in,
    solar_birthday_table,
    till_birthday_month,
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


@tagged("post_install", "-at_install")
class TestBirthdayRule(TransactionCase):
    """The one birthday rule (tools/lunar_birthday.py) that reminders, SMS, points, promotions,
    the till and the portal ask. Dates come from borax; the concrete ones were checked."""

    # lunar 11-20: 2024-01-01, 2024-12-20, none in 2025, 2026-01-08, 2026-12-28
    NOV_20 = Birthday(True, 11, 20, False)

    def test_a_late_lunar_birthday_falls_in_january_of_the_next_solar_year(self):
        jan = LunarDate(2025, 11, 20).to_solar_date()
        self.assertEqual(jan, date(2026, 1, 8))
        self.assertTrue(is_birthday(self.NOV_20, jan))
        self.assertFalse(is_birthday(self.NOV_20, jan - timedelta(days=1)))
        self.assertTrue(in_birthday_scope(self.NOV_20, jan, "day"))
        self.assertTrue(in_birthday_scope(self.NOV_20, date(2026, 1, 31), "month"))
        self.assertFalse(in_birthday_scope(self.NOV_20, date(2026, 2, 1), "month"))
        # the bug of issue 13: the lunar year taken as the solar year's number
        self.assertEqual(LunarDate(2026, 11, 20).to_solar_date(), date(2026, 12, 28))
        self.assertNotEqual(LunarDate(2026, 11, 20).to_solar_date().month, jan.month)
        # the 12th month: 腊八 of the 2025 lunar year is in January 2026
        laba = LunarDate(2025, 12, 8).to_solar_date()
        self.assertEqual(laba, date(2026, 1, 26))
        self.assertTrue(is_birthday(Birthday(True, 12, 8, False), laba))
        self.assertEqual(birthdays_in_year(Birthday(True, 12, 8, False), 2026), [laba])

    def test_a_solar_year_holds_a_lunar_birthday_twice_or_not_at_all(self):
        self.assertEqual(
            birthdays_in_year(self.NOV_20, 2026),
            [LunarDate(2025, 11, 20).to_solar_date(), LunarDate(2026, 11, 20).to_solar_date()],
        )
        self.assertEqual(
            birthdays_in_year(self.NOV_20, 2026), [date(2026, 1, 8), date(2026, 12, 28)]
        )
        self.assertEqual(
            birthdays_in_year(self.NOV_20, 2024), [date(2024, 1, 1), date(2024, 12, 20)]
        )
        self.assertEqual(birthdays_in_year(self.NOV_20, 2025), [])  # 2025's lunar year has 闰六月
        for month in range(1, 13):
            self.assertFalse(in_birthday_scope(self.NOV_20, date(2025, month, 15), "month"))
            self.assertEqual(
                in_birthday_scope(self.NOV_20, date(2026, month, 15), "month"), month in (1, 12)
            )
        self.assertEqual(next_birthday(self.NOV_20, date(2024, 12, 21)), date(2026, 1, 8))
        self.assertEqual(birthday_in_month(self.NOV_20, 2026, 12), date(2026, 12, 28))
        self.assertIsNone(birthday_in_month(self.NOV_20, 2026, 11))

    def test_day_30_in_a_29_day_month_is_celebrated_on_the_29th(self):
        self.assertEqual(LCalendars.ndays(2025, 12, 0), 29)
        birthday = Birthday(True, 12, 30, False)
        last = LunarDate(2025, 12, 29).to_solar_date()
        self.assertEqual(last, date(2026, 2, 16))
        self.assertTrue(is_birthday(birthday, last))
        self.assertFalse(is_birthday(birthday, last + timedelta(days=1)))  # 正月初一
        self.assertEqual(birthday_in_month(birthday, 2026, 2), last)
        self.assertTrue(in_birthday_scope(birthday, date(2026, 2, 1), "month"))
        # a 30-day month keeps day 30 (the 9th of 2025)
        self.assertEqual(LCalendars.ndays(2025, 9, 0), 30)
        thirty = LunarDate(2025, 9, 30).to_solar_date()
        self.assertTrue(is_birthday(Birthday(True, 9, 30, False), thirty))
        self.assertFalse(is_birthday(Birthday(True, 9, 30, False), thirty - timedelta(days=1)))

    def test_leap_month_birthday_with_and_without_that_leap_month(self):
        self.assertEqual(LCalendars.leap_month(2025), 6)
        self.assertEqual(LCalendars.leap_month(2026), 0)
        leap = Birthday(True, 6, 10, True)
        in_leap = LunarDate(2025, 6, 10, 1).to_solar_date()
        ordinary_2025 = LunarDate(2025, 6, 10, 0).to_solar_date()
        ordinary_2026 = LunarDate(2026, 6, 10, 0).to_solar_date()
        self.assertEqual(
            (in_leap, ordinary_2025, ordinary_2026),
            (date(2025, 8, 3), date(2025, 7, 4), date(2026, 7, 23)),
        )
        self.assertEqual(birthdays_in_year(leap, 2025), [in_leap])
        self.assertFalse(is_birthday(leap, ordinary_2025), "2025 has the leap month")
        self.assertEqual(birthdays_in_year(leap, 2026), [ordinary_2026])
        self.assertEqual(birthdays_in_year(Birthday(True, 6, 10, False), 2025), [ordinary_2025])
        # leap month and day 30 together: 2025's 闰六月 has 29 days
        self.assertEqual(LCalendars.ndays(2025, 6, 1), 29)
        self.assertEqual(
            birthdays_in_year(Birthday(True, 6, 30, True), 2025),
            [LunarDate(2025, 6, 29, 1).to_solar_date()],
        )

    def test_february_29_in_common_and_leap_years(self):
        birthday = Birthday(False, 2, 29, False)
        self.assertEqual(birthdays_in_year(birthday, 2025), [date(2025, 2, 28)])
        self.assertEqual(birthdays_in_year(birthday, 2028), [date(2028, 2, 29)])
        self.assertTrue(is_birthday(birthday, date(2025, 2, 28)))
        self.assertFalse(is_birthday(birthday, date(2028, 2, 28)))
        self.assertFalse(is_birthday(birthday, date(2025, 3, 1)))
        self.assertTrue(in_birthday_scope(birthday, date(2026, 2, 1), "month"))
        self.assertEqual(next_birthday(birthday, date(2025, 3, 1)), date(2026, 2, 28))
        self.assertEqual(next_birthday(birthday, date(2027, 3, 1)), date(2028, 2, 29))
        self.assertEqual(solar_birthday_in(2100, 2, 29), date(2100, 2, 28))

    def test_the_day_check_and_the_dates_agree_for_every_birthday(self):
        first, last = date(2024, 1, 1), date(2027, 12, 31)
        birthdays = [
            Birthday(True, month, day, leap)
            for month in range(1, 13)
            for day in range(1, 31)
            for leap in (False, True)
        ] + [
            Birthday(False, 2, 29, False),
            Birthday(False, 2, 28, False),
            Birthday(False, 12, 31, False),
        ]
        by_dates = {(b, day) for b in birthdays for day in birthdays_between(b, first, last)}
        by_day = set()
        day = first
        while day <= last:
            by_day |= {(b, day) for b in birthdays if is_birthday(b, day)}
            day += timedelta(days=1)
        self.assertEqual(by_dates, by_day)
        self.assertGreater(len(by_dates), len(birthdays) * 3)

    def test_members_fields_give_the_birthday_celebrated(self):
        self.assertEqual(
            birthday_of("lunar", date(1990, 10, 3), 8, 15, False), Birthday(True, 8, 15, False)
        )
        self.assertEqual(
            birthday_of("solar", date(1990, 10, 3), 8, 15, True), (False, 10, 3, False)
        )
        self.assertEqual(birthday_of(False, date(1996, 2, 29), 0, 0, False), (False, 2, 29, False))
        self.assertIsNone(birthday_of("lunar", date(1990, 10, 3), 0, 0, False))
        self.assertIsNone(birthday_of("solar", False, 8, 15, False))
        self.assertFalse(is_birthday(None, date(2026, 1, 8)))
        self.assertEqual(birthdays_between(None, date(2026, 1, 1), date(2026, 12, 31)), [])
        with self.assertRaises(ValueError):
            in_birthday_scope(self.NOV_20, date(2026, 1, 8), "week")

    def test_till_month_is_this_month_or_the_next_birthday_month_of_the_year(self):
        self.assertEqual(till_birthday_month(self.NOV_20, date(2026, 1, 20)), 1)
        self.assertEqual(till_birthday_month(self.NOV_20, date(2026, 6, 1)), 12)
        self.assertEqual(till_birthday_month(self.NOV_20, date(2026, 12, 31)), 12)
        self.assertEqual(till_birthday_month(self.NOV_20, date(2025, 6, 1)), 0)
        self.assertEqual(till_birthday_month(Birthday(False, 5, 12, False), date(2026, 8, 1)), 5)
        self.assertEqual(till_birthday_month(None, date(2026, 8, 1)), 0)


@tagged("post_install", "-at_install")
class TestMemberBirthday(TransactionCase):
    """The res.partner helpers every addon calls, and their SQL form, agree with the rule."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.lunar = Partner.create(
            {
                "name": "Lunar 11-20",
                "is_member": True,
                "mobile": "13700009101",
                "birthday_calendar": "lunar",
                "birthday_lunar_month": 11,
                "birthday_lunar_day": 20,
                "birthday": date(1990, 1, 15),  # the solar date of birth is not celebrated
            }
        )
        cls.leap_day = Partner.create(
            {
                "name": "Leap day",
                "is_member": True,
                "mobile": "13700009102",
                "birthday": date(1996, 2, 29),
            }
        )
        cls.members = cls.lunar | cls.leap_day

    def found(self, date_from, date_to):
        query = self.env["res.partner"]._chain_birthday_query(date_from, date_to)
        self.env.cr.execute(
            SQL(
                "SELECT c.partner_id, c.due_date FROM (%s) AS c WHERE c.partner_id IN %s",
                query,
                tuple(self.members.ids),
            )
        )
        return set(self.env.cr.fetchall())

    def test_helpers_answer_with_the_rule(self):
        jan = LunarDate(2025, 11, 20).to_solar_date()
        self.assertTrue(self.lunar._chain_birthday_on(jan))
        self.assertFalse(self.lunar._chain_birthday_on(date(2026, 1, 15)), "solar date of birth")
        self.assertTrue(self.lunar._chain_birthday_in_scope(date(2026, 1, 2), "month"))
        self.assertEqual(self.lunar._chain_birthdays_in_year(2026), [jan, date(2026, 12, 28)])
        self.assertEqual(self.lunar._chain_birthdays_in_year(2025), [])
        self.assertEqual(self.lunar._chain_next_birthday(date(2025, 3, 1)), jan)
        self.assertEqual(self.lunar._chain_birthday_in_month(2026, 1), jan)
        self.assertFalse(self.lunar._chain_birthday_in_month(2026, 2))
        self.assertEqual(
            self.lunar._chain_birthdays_between(date(2024, 1, 1), date(2026, 12, 31)),
            [date(2024, 1, 1), date(2024, 12, 20), jan, date(2026, 12, 28)],
        )
        self.assertTrue(self.leap_day._chain_birthday_on(date(2025, 2, 28)))
        self.assertFalse(self.leap_day._chain_birthday_on(date(2028, 2, 28)))
        self.assertEqual(self.lunar.birthday_month, 11)
        self.assertFalse(self.env["res.partner"].create({"name": "No birthday"})._chain_birthday())

    def test_the_sql_form_finds_what_the_helpers_find(self):
        self.assertEqual(
            self.found(date(2024, 12, 1), date(2026, 3, 31)),
            {
                (self.lunar.id, date(2024, 12, 20)),
                (self.lunar.id, date(2026, 1, 8)),
                (self.leap_day.id, date(2025, 2, 28)),
                (self.leap_day.id, date(2026, 2, 28)),
            },
        )
        for member in self.members:
            self.assertEqual(
                sorted(
                    day
                    for pid, day in self.found(date(2024, 1, 1), date(2028, 12, 31))
                    if pid == member.id
                ),
                member._chain_birthdays_between(date(2024, 1, 1), date(2028, 12, 31)),
            )

    def test_birthday_this_month_filter(self):
        Partner = self.env["res.partner"]
        for today, expected in (
            ("2026-01-20", self.lunar),
            ("2026-02-10", self.leap_day),
            ("2025-12-05", Partner),  # 11-20 of the 2025 lunar year is in January 2026
            ("2026-12-01", self.lunar),
        ):
            with self.subTest(today=today), freeze_time(today):
                self.members.invalidate_recordset(["chain_birthday_this_month"])
                found = Partner.search(
                    [("id", "in", self.members.ids), ("chain_birthday_this_month", "=", True)]
                )
                self.assertEqual(found, expected)
                self.assertEqual(self.members.filtered("chain_birthday_this_month"), expected)
                others = Partner.search(
                    [("id", "in", self.members.ids), ("chain_birthday_this_month", "=", False)]
                )
                self.assertEqual(others, self.members - expected)
