from datetime import date, datetime, timedelta

from freezegun import freeze_time

from odoo.tests import tagged

from .common_reminder import TODAY, ReminderCase


@tagged("post_install", "-at_install")
class TestReminderTypes(ReminderCase):
    """Dormant members and card and tier expiries (chain_member's own data)."""

    def test_dormant_member_on_the_day_the_purchase_is_n_days_old(self):
        self.only("dormant")
        self.types["dormant"].lead_days = 90
        dormant = self.make_member("Dormant")
        dormant.member_last_purchase_date = datetime(2025, 7, 5, 10, 0)  # + 90 days = 10-03
        recent = self.make_member("Recent")
        recent.member_last_purchase_date = datetime(2025, 9, 1, 10, 0)
        long_gone = self.make_member("Long gone")
        long_gone.member_last_purchase_date = datetime(2024, 1, 1, 10, 0)
        never = self.make_member("Never bought")
        never.member_since = TODAY - timedelta(days=90)
        self.run_job()
        reminders = self.reminders(dormant | recent | long_gone | never)
        self.assertEqual(
            {(r.partner_id, r.due_date) for r in reminders}, {(dormant, TODAY), (never, TODAY)}
        )
        self.assertEqual(self.reminders(dormant).summary, "No purchase since 2025-07-05")

    def test_dormant_catches_up_missed_nights_but_not_older(self):
        self.only("dormant")
        self.types["dormant"].lead_days = 90
        self.types["dormant"].last_run_date = date(2025, 9, 30)  # 10-01 and 10-02 missed
        two_days = self.make_member("Missed night")
        two_days.member_last_purchase_date = datetime(2025, 7, 3, 10, 0)  # dormant on 10-01
        seen = self.make_member("Seen on the last run")
        seen.member_last_purchase_date = datetime(2025, 7, 2, 10, 0)  # dormant on 09-30
        self.run_job()
        self.assertEqual(self.reminders(two_days | seen).partner_id, two_days)
        self.assertEqual(self.reminders(two_days).due_date, date(2025, 10, 1))

    def test_dormant_first_run_raises_only_today(self):
        self.only("dormant")
        self.types["dormant"].lead_days = 90
        yesterday = self.make_member("Dormant yesterday")
        yesterday.member_last_purchase_date = datetime(2025, 7, 4, 10, 0)  # dormant on 10-02
        self.run_job()
        self.assertFalse(self.reminders(yesterday))

    def test_dormant_looks_back_to_the_last_run_only(self):
        self.only("dormant")
        self.types["dormant"].lead_days = 90
        before_last_run = self.make_member("Seen before")
        before_last_run.member_last_purchase_date = datetime(2025, 7, 2, 10, 0)  # due 09-30
        since_last_run = self.make_member("New since")
        since_last_run.member_last_purchase_date = datetime(2025, 7, 4, 10, 0)  # due 10-02
        self.types["dormant"].last_run_date = date(2025, 10, 1)
        self.run_job()
        self.assertEqual(
            self.reminders(before_last_run | since_last_run).partner_id, since_last_run
        )

    def test_card_expiring_within_the_lead_days(self):
        self.only("card_expiring")
        self.types["card_expiring"].lead_days = 30
        soon, later, lost = (self.make_member(name) for name in ("Soon", "Later", "Lost"))
        Card = self.env["chain.member.card"]
        cards = {}
        for member, expiry in (
            (soon, date(2025, 10, 20)),
            (later, date(2025, 11, 20)),
            (lost, TODAY),
        ):
            cards[member] = Card.create(
                {"partner_id": member.id, "store_id": self.store_a.id, "expiry_date": expiry}
            )
            cards[member]._activate()
        cards[lost]._report_lost("lost in the park")
        self.run_job()
        reminder = self.reminders(soon | later | lost)
        self.assertEqual(reminder.partner_id, soon)
        self.assertEqual(reminder.due_date, date(2025, 10, 20))
        self.assertEqual(reminder.event_values["card_tail"], cards[soon].number[-4:])

    def test_tier_expiring_within_the_lead_days(self):
        self.only("tier_expiring")
        self.types["tier_expiring"].lead_days = 30
        gold = self.env["chain.member.tier"].create({"name": "Gold (test)", "sequence": 90})
        soon = self.make_member("Soon", member_tier_id=gold.id)
        later = self.make_member("Later", member_tier_id=gold.id)
        soon.member_tier_expiry = date(2025, 10, 31)
        later.member_tier_expiry = date(2025, 11, 30)
        self.run_job()
        reminder = self.reminders(soon | later)
        self.assertEqual(reminder.partner_id, soon)
        self.assertEqual(reminder.event_values["tier"], "Gold (test)")

    def test_default_today_is_the_day_the_cron_runs(self):
        self.only("birthday")
        member = self.make_member("Today", birthday=date(1990, 10, 5))
        with freeze_time("2025-10-03 04:00:00"):
            self.Reminder.with_context(tz="Asia/Shanghai")._cron_raise_reminders()
        reminder = self.reminders(member)
        self.assertEqual((reminder.reminder_date, reminder.due_date), (TODAY, date(2025, 10, 5)))
