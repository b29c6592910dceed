from datetime import date, timedelta

from borax.calendars.lunardate import LunarDate

from odoo.tests import tagged

from .common_reminder import TODAY, ReminderCase


@tagged("post_install", "-at_install")
class TestReminderBirthday(ReminderCase):
    """Birthday reminders, solar and lunar, raised `lead_days` (3) ahead."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.types["birthday"].lead_days = 3

    def setUp(self):
        super().setUp()
        self.only("birthday")

    def test_solar_birthday_within_the_lead_days(self):
        in_window = self.make_member("Wang Wei", birthday=date(1988, 10, 6))
        today = self.make_member("Li Na", birthday=date(1990, 10, 3))
        too_far = self.make_member("Zhang Min", birthday=date(1990, 10, 7))
        past = self.make_member("Liu Yang", birthday=date(1990, 10, 2))
        self.run_job()
        reminders = self.reminders(in_window | today | too_far | past)
        self.assertEqual(
            {(r.partner_id, r.due_date) for r in reminders},
            {(in_window, date(2025, 10, 6)), (today, date(2025, 10, 3))},
        )
        self.assertEqual(reminders.mapped("state"), ["new", "new"])
        self.assertEqual(reminders.mapped("reminder_date"), [TODAY, TODAY])

    def test_reminder_carries_member_store_and_event_values(self):
        member = self.make_member("Wang Wei", store=self.store_b, birthday=date(1988, 10, 6))
        self.run_job()
        reminder = self.reminders(member)
        self.assertEqual(reminder.store_id, self.store_b)
        self.assertEqual(reminder.type_id, self.types["birthday"])
        self.assertEqual(
            reminder.event_values,
            {"member_name": "Wang Wei", "store": "Store B", "date": "2025-10-06"},
        )
        self.assertEqual(reminder.summary, "Birthday on 2025-10-06")

    def test_february_29_birthday_is_celebrated_on_the_28th_in_a_common_year(self):
        member = self.make_member("Leap Day", birthday=date(1996, 2, 29))
        self.run_job(today=date(2025, 2, 26))
        self.assertEqual(self.reminders(member).due_date, date(2025, 2, 28))
        self.run_job(today=date(2028, 2, 26))
        self.assertEqual(
            self.reminders(member).mapped("due_date"), [date(2025, 2, 28), date(2028, 2, 29)]
        )

    def test_lunar_birthday_converted_to_this_year(self):
        # lunar 08-15 is solar 2025-10-06, 2026-09-25, 2027-09-15
        member = self.make_member(
            "Chen Jing",
            birthday_calendar="lunar",
            birthday_lunar_month=8,
            birthday_lunar_day=15,
            birthday=date(1990, 10, 3),  # the solar date of birth is not the one celebrated
        )
        self.run_job(today=date(2025, 10, 3))
        self.run_job(today=date(2026, 9, 22))
        self.run_job(today=date(2027, 9, 13))
        reminders = self.reminders(member)
        self.assertEqual(
            reminders.mapped("due_date"), [date(2025, 10, 6), date(2026, 9, 25), date(2027, 9, 15)]
        )
        self.assertTrue(all(r.event_values["lunar"] for r in reminders))

    def test_lunar_day_30_in_a_29_day_month_is_the_29th(self):
        # the 7th lunar month of 2026 has 29 days: 07-29 is solar 2026-09-10
        member = self.make_member(
            "Zhou Qiang", birthday_calendar="lunar", birthday_lunar_month=7, birthday_lunar_day=30
        )
        self.run_job(today=date(2026, 9, 8))
        self.assertEqual(self.reminders(member).due_date, date(2026, 9, 10))

    def test_lunar_leap_month_birthday_in_a_year_without_it(self):
        # born in the leap 6th month: 2025 has it (06-10 leap = 2025-08-03), 2026 has not
        # (ordinary 06-10 = 2026-07-23)
        member = self.make_member(
            "Xu Li",
            birthday_calendar="lunar",
            birthday_lunar_month=6,
            birthday_lunar_day=10,
            birthday_lunar_leap=True,
        )
        ordinary = self.make_member(
            "Sun Lei", birthday_calendar="lunar", birthday_lunar_month=6, birthday_lunar_day=10
        )
        self.run_job(today=date(2025, 8, 1))
        self.run_job(today=date(2026, 7, 21))
        self.assertEqual(
            self.reminders(member).mapped("due_date"), [date(2025, 8, 3), date(2026, 7, 23)]
        )
        # the ordinary 06-10 member celebrates 2025-07-04 (not in the 2025 window) and 2026-07-23
        self.assertEqual(self.reminders(ordinary).mapped("due_date"), [date(2026, 7, 23)])

    def test_lunar_twelfth_month_birthday_in_the_next_solar_year(self):
        # lunar 12-30 of the 2025 lunar year: the 29th, solar 2026-02-16
        member = self.make_member(
            "Ma Jun", birthday_calendar="lunar", birthday_lunar_month=12, birthday_lunar_day=30
        )
        self.run_job(today=date(2026, 2, 14))
        self.assertEqual(self.reminders(member).due_date, date(2026, 2, 16))

    def test_lunar_eleventh_month_birthday_in_january_and_december_of_one_year(self):
        # lunar 11-20 of the 2025 lunar year is solar 2026-01-08; of the 2026 one 2026-12-28
        member = self.make_member(
            "He Yun", birthday_calendar="lunar", birthday_lunar_month=11, birthday_lunar_day=20
        )
        january = LunarDate(2025, 11, 20).to_solar_date()
        december = LunarDate(2026, 11, 20).to_solar_date()
        self.assertEqual((january, december), (date(2026, 1, 8), date(2026, 12, 28)))
        self.run_job(today=january - timedelta(days=2))
        self.assertEqual(self.reminders(member).due_date, january)
        self.run_job(today=december - timedelta(days=1))
        self.assertEqual(self.reminders(member).mapped("due_date"), [january, december])
        self.assertEqual(self.reminders(member)[0].summary, "Lunar birthday on 2026-01-08")

    def test_lunar_twelfth_month_birthday_in_january(self):
        # 腊八 (lunar 12-08) of the 2025 lunar year: solar 2026-01-26
        member = self.make_member(
            "Gao Fei", birthday_calendar="lunar", birthday_lunar_month=12, birthday_lunar_day=8
        )
        laba = LunarDate(2025, 12, 8).to_solar_date()
        self.assertEqual(laba, date(2026, 1, 26))
        self.run_job(today=laba - timedelta(days=3))
        self.assertEqual(self.reminders(member).due_date, laba)

    def test_no_reminder_for_non_members_or_archived_members(self):
        archived = self.make_member("Gone", birthday=date(1988, 10, 4))
        archived.active = False
        contact = self.env["res.partner"].create({"name": "Contact", "birthday": date(1988, 10, 4)})
        self.run_job()
        self.assertFalse(self.reminders(archived | contact))
