import datetime

from freezegun import freeze_time

from odoo.tests import tagged

from .common import ChainSmsCase


@tagged("post_install", "-at_install")
class TestConsentQuietHours(ChainSmsCase):
    """Transactional SMS need the transactional consent, marketing ones the marketing consent
    and wait for the end of quiet hours."""

    def _quiet_hours(self, start=21.0, end=8.0):
        self.company.write(
            {
                "chain_sms_quiet_start": start,
                "chain_sms_quiet_end": end,
                "chain_sms_tz": "Asia/Shanghai",
            }
        )

    def test_transactional_sms_need_the_transactional_consent(self):
        member = self._member(
            "No transactional", "+8613800138040", transactional=False, marketing=True
        )
        self.assertFalse(self.event(member, "topup", amount=10.0))
        self.assertTrue(self.event(member, "birthday"), "marketing consent is a separate one")

    def test_marketing_sms_need_the_marketing_consent(self):
        self.assertFalse(self.lei.marketing_consent)
        self.assertFalse(self.event(self.lei, "birthday"))
        self.assertTrue(self.event(self.lei, "topup", amount=1.0))
        self.assertTrue(self.event(self.mei, "birthday"))

    def test_quiet_hours_window_wraps_midnight(self):
        self._quiet_hours(21.0, 8.0)
        company = self.company
        # 22:30 in Shanghai = 14:30 UTC -> until 08:00 Shanghai next day = 00:00 UTC
        self.assertEqual(
            company._chain_sms_quiet_until(datetime.datetime(2026, 5, 1, 14, 30)),
            datetime.datetime(2026, 5, 2, 0, 0),
        )
        # 06:00 Shanghai = 22:00 UTC the day before -> until 08:00 Shanghai the same day
        self.assertEqual(
            company._chain_sms_quiet_until(datetime.datetime(2026, 4, 30, 22, 0)),
            datetime.datetime(2026, 5, 1, 0, 0),
        )
        self.assertFalse(company._chain_sms_quiet_until(datetime.datetime(2026, 5, 1, 4, 0)))

    def test_quiet_hours_within_one_day(self):
        self._quiet_hours(12.0, 14.0)
        self.assertEqual(
            self.company._chain_sms_quiet_until(datetime.datetime(2026, 5, 1, 5, 0)),
            datetime.datetime(2026, 5, 1, 6, 0),
        )
        self.assertFalse(self.company._chain_sms_quiet_until(datetime.datetime(2026, 5, 1, 7, 0)))

    def test_marketing_waits_for_the_morning_transactional_does_not(self):
        self._quiet_hours(21.0, 8.0)
        with freeze_time("2026-05-01 14:30:00"):  # 22:30 in Shanghai
            birthday = self.event(self.mei, "birthday")
            topup = self.event(self.mei, "topup", amount=5.0)
            self.assertEqual(birthday.chain_next_attempt, datetime.datetime(2026, 5, 2, 0, 0))
            self.run_queue()
            self.assertEqual(topup.state, "pending")
            self.assertEqual(birthday.state, "outgoing")
        with freeze_time("2026-05-02 00:00:30"):  # 08:00:30 in Shanghai
            self.run_queue()
            self.assertEqual(birthday.state, "pending")

    def test_marketing_already_queued_does_not_leave_at_night(self):
        """A campaign still sending when quiet hours start stops until the morning."""
        self._quiet_hours(21.0, 8.0)
        with freeze_time("2026-05-01 10:00:00"):  # 18:00 in Shanghai
            birthday = self.event(self.mei, "birthday")
            self.assertFalse(birthday.chain_next_attempt)
        with freeze_time("2026-05-01 13:30:00"):  # 21:30 in Shanghai
            self.run_queue()
            self.assertEqual(birthday.state, "outgoing")
            self.assertEqual(birthday.chain_next_attempt, datetime.datetime(2026, 5, 2, 0, 0))
        self.assertFalse(self.alibaba.messages)
