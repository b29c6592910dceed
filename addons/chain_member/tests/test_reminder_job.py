from datetime import date, datetime, time, timedelta
from unittest.mock import patch

from odoo import Command
from odoo.tests import tagged

from .common_reminder import TODAY, ReminderCase


@tagged("post_install", "-at_install")
class TestReminderJob(ReminderCase):
    """The nightly job: idempotent, configurable, sending member events and manager activities."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.types["birthday"].lead_days = 3
        cls.store_a.manager_ids = [Command.link(cls.manager_a.id)]
        cls.store_b.manager_ids = [Command.link(cls.manager_b.id)]
        cls.member_a = cls.make_member("Wang Wei", store=cls.store_a, birthday=date(1988, 10, 5))
        cls.member_b = cls.make_member("Li Na", store=cls.store_b, birthday=date(1991, 10, 6))
        cls.members = cls.member_a | cls.member_b

    def setUp(self):
        super().setUp()
        self.only("birthday")

    def store_activities(self, store):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "chain.store"),
                ("res_id", "=", store.id),
                (
                    "activity_type_id",
                    "=",
                    self.ref("chain_member.mail_activity_type_member_reminders"),
                ),
            ]
        )

    def test_running_twice_the_same_day_raises_nothing_new(self):
        self.run_job()
        first = self.reminders(self.members)
        self.assertEqual(len(first), 2)
        raised = self.run_job()
        self.assertEqual(raised["birthday"], 0)
        self.assertEqual(self.reminders(self.members), first)

    def test_next_day_raises_only_the_new_day(self):
        self.run_job(today=TODAY - timedelta(days=1))
        self.assertEqual(self.reminders(self.members).partner_id, self.member_a)
        self.run_job()
        self.assertEqual(self.reminders(self.members).partner_id, self.members)
        self.assertEqual(len(self.reminders(self.members)), 2)

    def test_disabled_type_raises_nothing(self):
        self.types["birthday"].enabled = False
        self.run_job()
        self.assertFalse(self.reminders(self.members))

    def test_store_filter_raises_for_those_stores_only(self):
        self.types["birthday"].store_ids = self.store_a
        self.run_job()
        self.assertEqual(self.reminders(self.members).partner_id, self.member_a)

    def test_lead_days_widen_the_window(self):
        self.types["birthday"].lead_days = 2
        self.run_job()
        self.assertEqual(self.reminders(self.members).partner_id, self.member_a)

    def test_each_new_reminder_is_a_member_event_once(self):
        with self.recorded_events() as calls:
            self.run_job()
            self.run_job()
        mine = [call for call in calls if call[0] in self.members]
        self.assertEqual(len(mine), 2)
        partner, event, values, store = next(call for call in mine if call[0] == self.member_a)
        self.assertEqual(event, "reminder_birthday")
        self.assertEqual(store, self.store_a)
        self.assertEqual(
            values, {"member_name": "Wang Wei", "store": "Store A", "date": "2025-10-05"}
        )

    def test_member_events_reach_a_notifier_as_one_batch_per_kind(self):
        """A notifier overriding the batch hook gets each night's members of a kind at once
        (what lets chain_sms queue them set-based), with the values of each member."""
        batches = []

        def record(partner_model, event, events):
            batches.append((event, events))

        self.only("birthday", "tier_expiring")
        tier = self.env["chain.member.tier"].create({"name": "Gold (batch)", "sequence": 60})
        self.members.write({"member_tier_id": tier.id, "member_tier_expiry": TODAY})
        with patch.object(type(self.env["res.partner"]), "_chain_member_events", record):
            self.run_job()
        kinds = {event: events for event, events in batches}
        self.assertEqual(len(batches), 2)
        for event in ("reminder_birthday", "reminder_tier_expiring"):
            mine = {partner: (values, store) for partner, values, store in kinds[event]}
            self.assertEqual(set(mine) & set(self.members), set(self.members))
            self.assertEqual(mine[self.member_b][1], self.store_b)
            self.assertEqual(mine[self.member_b][0]["member_name"], "Li Na")

    def test_no_member_event_when_the_type_does_not_message(self):
        self.types["birthday"].notify_member = False
        with self.recorded_events() as calls:
            self.run_job()
        self.assertFalse([call for call in calls if call[0] in self.members])
        self.assertEqual(len(self.reminders(self.members)), 2)

    def test_home_store_manager_gets_one_activity_a_day(self):
        self.run_job()
        self.run_job()
        activity = self.store_activities(self.store_a)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.manager_a)
        self.assertEqual(activity.date_deadline, TODAY)
        self.assertIn("Birthday: 1", str(activity.note))
        self.assertEqual(self.store_activities(self.store_b).user_id, self.manager_b)

    def test_no_activity_when_the_type_does_not_notify_managers(self):
        self.types["birthday"].notify_manager = False
        self.run_job()
        self.assertFalse(self.store_activities(self.store_a))

    def test_open_reminders_lapse_a_week_after_their_date(self):
        self.run_job()
        reminder = self.reminders(self.member_a)  # due 10-05
        self.run_job(today=date(2025, 10, 12))
        self.assertEqual(reminder.state, "new")
        self.run_job(today=date(2025, 10, 13))
        self.assertEqual(reminder.state, "lapsed")


@tagged("post_install", "-at_install")
class TestReminderCatchUp(ReminderCase):
    """Look-ahead types raise what entered their window since their last run: by time (the
    date became today + N) or by data (a record created or changed inside the window)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.gold = cls.env["chain.member.tier"].create({"name": "Gold (catch-up)", "sequence": 70})
        cls.types["tier_expiring"].lead_days = 30
        cls.types["birthday"].lead_days = 3

    def setUp(self):
        super().setUp()
        self.only("tier_expiring")

    def tier_members(self, *offsets):
        """Members whose tier ends ``offset`` days after TODAY, unchanged for a month."""
        members = self.env["res.partner"]
        for offset in offsets:
            members |= self.make_member(
                f"Tier +{offset}",
                member_tier_id=self.gold.id,
                member_tier_expiry=TODAY + timedelta(days=offset),
            )
        return self.age(members)

    def due_offsets(self, members):
        return sorted((r.due_date - TODAY).days for r in self.reminders(members))

    def test_first_run_raises_only_what_enters_the_window_today(self):
        members = self.tier_members(0, 10, 29, 30, 31)
        raised = self.run_job()
        self.assertEqual(self.due_offsets(members), [30])
        self.assertEqual(raised["tier_expiring"], 1)
        self.assertEqual(self.types["tier_expiring"].last_run_date, TODAY)

    def test_a_record_changed_inside_the_window_is_raised(self):
        """A tier set today to end in 10 days entered the window today, by data."""
        members = self.tier_members(10, 20)
        members[0].member_tier_expiry = TODAY + timedelta(days=9)
        self.run_job()
        self.assertEqual(self.reminders(members).partner_id, members[0])
        self.assertEqual(self.due_offsets(members), [9])

    def test_normal_night_raises_the_new_day(self):
        members = self.tier_members(29, 30, 31)
        self.run_job(today=TODAY - timedelta(days=1))
        self.assertEqual(self.due_offsets(members), [29])
        raised = self.run_job()
        self.assertEqual(raised["tier_expiring"], 1)
        self.assertEqual(self.due_offsets(members), [29, 30])

    def test_missed_nights_are_caught_up(self):
        """The server was down two nights: the next run raises the three days that entered."""
        members = self.tier_members(26, 27, 28, 29, 30, 31)
        self.types["tier_expiring"].last_run_date = TODAY - timedelta(days=3)
        raised = self.run_job()
        self.assertEqual(raised["tier_expiring"], 3)
        self.assertEqual(self.due_offsets(members), [28, 29, 30])

    def test_catch_up_never_raises_a_date_already_past(self):
        self.only("birthday")
        members = self.age(
            self.make_member("Passed", birthday=date(1990, 10, 1))
            | self.make_member("Today", birthday=date(1990, 10, 3))
            | self.make_member("In three days", birthday=date(1990, 10, 6))
        )
        self.types["birthday"].last_run_date = TODAY - timedelta(days=10)
        self.run_job()
        self.assertEqual(
            self.reminders(members).mapped("due_date"), [date(2025, 10, 3), date(2025, 10, 6)]
        )

    def test_running_twice_raises_nothing_new(self):
        members = self.tier_members(10, 30)
        changed = self.make_member(
            "Changed", member_tier_id=self.gold.id, member_tier_expiry=TODAY + timedelta(days=5)
        )
        self.run_job()
        first = self.reminders(members | changed)
        self.assertEqual(len(first), 2)
        raised = self.run_job()
        self.assertEqual(raised["tier_expiring"], 0)
        self.assertEqual(self.reminders(members | changed), first)

    def test_dormant_catch_up_is_bounded(self):
        """After a long outage, dormant members are caught up 31 days back, not more."""
        self.only("dormant")
        self.types["dormant"].lead_days = 90
        self.types["dormant"].last_run_date = TODAY - timedelta(days=60)
        members = self.env["res.partner"]
        for days_dormant in (40, 20):
            member = self.make_member(f"Dormant {days_dormant} days")
            member.member_last_purchase_date = datetime.combine(
                TODAY - timedelta(days=90 + days_dormant), time(10)
            )
            members |= member
        self.run_job()
        self.assertEqual(self.reminders(members).partner_id, members[1])
