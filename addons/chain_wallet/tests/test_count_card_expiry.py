from odoo import Command, fields
from odoo.tests import tagged

from odoo.addons.chain_member.tests.common_reminder import ReminderCase

from .common_wallet import WalletCase


@tagged("post_install", "-at_install")
class TestCountCardExpiry(WalletCase, ReminderCase):
    """The warning before a count card expires is the reminder type "Count card expiring"
    (configured by headquarters); the count cards' own nightly job only expires packages."""

    def setUp(self):
        super().setUp()
        self.only("count_card_expiring")
        self.rtype = self.types["count_card_expiring"]
        self.rtype.write({"lead_days": 14, "notify_member": True})
        # valid one week: the package expires within the reminder's lead days (and on the
        # day the count cards' job used to warn on by default)
        week_card = self.env["product.product"].create(
            {
                "name": "5 Washes, one week",
                "type": "service",
                "list_price": 100.0,
                "taxes_id": [Command.clear()],
                "chain_count_card": True,
                "chain_count_card_uses": 5,
                "chain_count_card_validity_days": 7,
                "chain_count_card_service_ids": [Command.set(self.wash.ids)],
            }
        )
        self.package = (
            self.member.env["chain.count.card.package"]
            .with_user(self.cashier_a)
            ._sell(self.member, week_card, store=self.store_a, journal=self.cash_journal)
        )

    def run_both_jobs(self):
        """Both nightly jobs, as the scheduler runs them today."""
        self.env["chain.count.card.package"]._cron_expire_packages()
        self.run_job(today=fields.Date.context_today(self.package))

    def expiry_events(self, calls):
        return [
            (partner, event)
            for partner, event, _values, _store in calls
            if partner == self.member and "count_card_expiring" in event
        ]

    def test_one_expiring_package_gives_one_event(self):
        with self.recorded_events() as calls:
            self.run_both_jobs()
            self.run_both_jobs()
        self.assertEqual(self.expiry_events(calls), [(self.member, "reminder_count_card_expiring")])
        reminder = self.reminders(self.member, "count_card_expiring")
        self.assertEqual(len(reminder), 1)
        self.assertEqual(reminder.event_values["balance"], 5)
        self.assertEqual(reminder.due_date, self.package.date_expiry)

    def test_the_reminder_type_decides_the_warning(self):
        """HQ turns the member message off: no warning at all (the package job sends none)."""
        self.rtype.notify_member = False
        with self.recorded_events() as calls:
            self.run_both_jobs()
        self.assertFalse(self.expiry_events(calls))
        self.assertEqual(len(self.reminders(self.member, "count_card_expiring")), 1)
