from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from odoo.addons.chain_member.tests.common_reminder import ReminderCase

from .common_wallet import WalletCase


@tagged("post_install", "-at_install")
class TestReminderStoredValue(WalletCase, ReminderCase):
    """Low stored-value balance and expiring count cards, through the stored-value services."""

    def setUp(self):
        super().setUp()
        self.types["low_balance"].threshold = 50
        self.types["count_card_expiring"].lead_days = 14

    def test_low_balance_below_the_threshold(self):
        self.only("low_balance")
        self.topup(30)
        self.topup(100, member=self.member_2)
        today = fields.Date.today()
        self.run_job(today=today)
        reminder = self.reminders(self.member | self.member_2)
        self.assertEqual(reminder.partner_id, self.member)
        self.assertEqual(reminder.due_date, today)
        self.assertEqual(
            (reminder.event_values["balance"], reminder.event_values["amount"]), (30, 50)
        )

    def test_low_balance_once_while_a_reminder_is_open(self):
        self.only("low_balance")
        self.topup(30)
        today = fields.Date.today()
        self.run_job(today=today)
        first = self.reminders(self.member)
        # as if it had been raised yesterday: today's movement raises nothing while it is open
        first.sudo().write({"due_date": today - timedelta(days=1)})
        self.run_job(today=today)
        self.assertEqual(self.reminders(self.member), first)
        first.action_mark_done()
        self.run_job(today=today)
        self.assertEqual(len(self.reminders(self.member)), 2)

    def test_low_balance_catches_up_movements_since_the_last_run(self):
        """A run for yesterday does not see today's movement; today's run does, and a run
        after a missed night still does."""
        self.only("low_balance")
        self.topup(30)
        today = fields.Date.today()
        self.run_job(today=today - timedelta(days=1))
        self.assertFalse(self.reminders(self.member))
        self.types["low_balance"].last_run_date = today - timedelta(days=2)
        self.run_job(today=today + timedelta(days=1))
        self.assertEqual(self.reminders(self.member).due_date, today)

    def test_count_card_expiring_within_the_lead_days(self):
        self.only("count_card_expiring")
        package = (
            self.member.env["chain.count.card.package"]
            .with_user(self.cashier_a)
            ._sell(self.member, self.haircut_card, store=self.store_a, journal=self.cash_journal)
        )
        self.run_job(today=package.date_expiry - timedelta(days=20))
        self.assertFalse(self.reminders(self.member))
        self.run_job(today=package.date_expiry - timedelta(days=10))
        reminder = self.reminders(self.member)
        self.assertEqual(reminder.due_date, package.date_expiry)
        self.assertEqual(reminder.event_values["balance"], 10)
