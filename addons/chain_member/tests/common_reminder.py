from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from unittest.mock import patch

from odoo import Command
from odoo.tools import SQL

from .common import ChainMemberCase

TODAY = date(2025, 10, 3)


class ReminderCase(ChainMemberCase):
    """Stores and roles (ChainMemberCase), the reminder types, and helpers to make members and
    run the nightly job on a given day."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Reminder = cls.env["chain.member.reminder"]
        types = cls.env["chain.member.reminder.type"].search([])
        types.write({"last_run_date": False, "store_ids": [Command.clear()]})
        cls.types = {rtype.code: rtype for rtype in types}
        cls._mobile_seq = 0

    @classmethod
    def make_member(cls, name, store=None, **vals):
        cls._mobile_seq += 1
        return cls.env["res.partner"].create(
            {
                "name": name,
                "is_member": True,
                "mobile": f"1370000{cls._mobile_seq:04d}",
                "home_store_id": (store or cls.store_a).id,
                **vals,
            }
        )

    def run_job(self, today=TODAY):
        return self.Reminder._cron_raise_reminders(today=today)

    def reminders(self, members, code=None):
        domain = [("partner_id", "in", members.ids)]
        if code:
            domain.append(("code", "=", code))
        return self.Reminder.search(domain)

    def age(self, records, days=30):
        """As if ``records`` had last changed ``days`` days before TODAY: the nightly job then
        raises them only when they enter a window by time (see ``_catch_up``)."""
        records.flush_recordset()
        self.env.cr.execute(
            SQL(
                "UPDATE %s SET write_date = %s WHERE id IN %s",
                SQL.identifier(records._table),
                datetime.combine(TODAY - timedelta(days=days), time(12)),
                tuple(records.ids),
            )
        )
        records.invalidate_recordset(["write_date"])
        return records

    def only(self, *codes):
        """Enable only the given reminder types."""
        for code, rtype in self.types.items():
            rtype.enabled = code in codes

    @contextmanager
    def recorded_events(self):
        """Record the member events (``_chain_member_event``) sent inside the block."""
        calls = []

        def record(partner, event, values=None, store=None):
            calls.append((partner, event, values, store))

        with patch.object(type(self.env["res.partner"]), "_chain_member_event", record):
            yield calls
