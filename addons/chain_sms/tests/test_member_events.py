import datetime
from unittest.mock import patch

from freezegun import freeze_time

from odoo import fields
from odoo.tests import tagged

from odoo.addons.chain_sms.models.chain_sms_event import EVENTS

from .common import ChainSmsCase

MEMBER_EVENTS = [
    code for code, _label, _kind in EVENTS if code not in ("campaign", "verification_code")
]
VALUES = {
    "member_name": "梅 Mei",
    "card_tail": "6688",
    "amount": 88.0,
    "balance": 1200.5,
    "points": 320,
    "date": "2026-05-01",
}


@tagged("post_install", "-at_install")
class TestMemberEvents(ChainSmsCase):
    """chain_member's hook turns every member event into an SMS, per switch and template."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.mei.marketing_consent = True

    def test_every_event_sends_through_every_provider(self):
        for gateway in (self.gw_alibaba, self.gw_tencent, self.gw_twilio):
            self.use_gateway(gateway)
            server = self.server_of(gateway)
            server.reset()
            for code in MEMBER_EVENTS:
                with self.subTest(provider=gateway.provider, event=code):
                    sms = self.event(self.mei, code, store=self.store_a, **VALUES)[-1:]
                    self.assertEqual(len(sms), 1)
                    template = self.env.ref(f"chain_sms.template_{code}_zh")
                    self.assertEqual(sms.chain_template_id, template)
                    self.assertNotIn("{", sms.body)
            self.run_queue()
            messages = self.messages_of(self.mei).filtered(
                lambda s, g=gateway: s.chain_gateway_id == g
            )
            self.assertEqual(set(messages.mapped("state")), {"pending"}, gateway.provider)
            self.assertEqual(len(server.messages), len(MEMBER_EVENTS))
            received = server.texts_to(self.national(self.mei.mobile, gateway))
            self.assertEqual(sorted(received), sorted(messages.mapped("body")))

    def test_values_fill_the_members_language_template(self):
        sms = self.event(
            self.lei, "topup", store=self.store_b, amount=20.0, balance=30.0, card_tail="1234"
        )
        self.assertEqual(sms.chain_template_id, self.env.ref("chain_sms.template_topup_en"))
        self.assertEqual(
            sms.body,
            "雷 Lei, 20.00 was added to your card ending 1234 at 徐家汇店 on "
            f"{sms.chain_template_params['date']}. Balance: 30.00.",
        )

    def test_a_member_without_template_in_their_language_gets_chinese(self):
        member = self._member("Jean", "+8613800138031", lang="fr_FR")
        sms = self.event(member, "points_earned", points=5)
        self.assertEqual(sms.chain_template_id, self.env.ref("chain_sms.template_points_earned_zh"))

    def test_a_switched_off_event_sends_nothing(self):
        self.env.ref("chain_sms.event_topup").enabled = False
        self.assertFalse(self.event(self.mei, "topup", amount=1.0))

    def test_an_event_switched_off_for_a_store_is_still_sent_for_others(self):
        self.env.ref("chain_sms.event_points_earned").disabled_store_ids = self.store_a
        self.assertFalse(self.event(self.mei, "points_earned", points=1), "home store A: off")
        self.assertTrue(self.event(self.lei, "points_earned", points=1), "home store B: on")
        self.assertFalse(
            self.event(self.lei, "points_earned", store=self.store_a, points=1),
            "an event in store A: off, whatever the home store",
        )

    def test_hq_switches_events_per_store(self):
        event = self.env.ref("chain_sms.event_card_lost").with_user(self.hq_manager)
        event.write({"disabled_store_ids": [(4, self.store_b.id)]})
        self.assertFalse(self.event(self.lei, "card_lost", card_tail="1111"))

    def test_unknown_events_are_ignored(self):
        self.assertFalse(self.event(self.mei, "no_such_event"))

    def test_events_raised_by_a_cashier_are_queued(self):
        self.mei.with_user(self.cashier)._chain_member_event(
            "topup", {"amount": 5.0, "balance": 5.0}, store=self.store_a
        )
        sms = self.messages_of(self.mei)
        self.assertEqual(sms.chain_store_id, self.store_a)
        self.assertEqual(sms.state, "outgoing")


@tagged("post_install", "-at_install")
class TestMemberEventsBatch(ChainSmsCase):
    """The nightly jobs' batch hook (``_chain_member_events``): the SMS of a batch are queued
    in one create, by the same rules as one event each (switches, consent, quiet hours,
    template of the member's language)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.no_consent = cls._member(
            "无 None", "+8613800138050", store=cls.store_a, transactional=False
        )
        cls.members = cls.mei | cls.lei | cls.no_consent

    def batch(self, code, members, **values):
        """Send ``code`` to ``members`` as one batch; return the SMS queued and the number of
        sms.sms create calls that queued them."""
        Sms = type(self.env["sms.sms"])
        original = Sms.create
        creates = []

        def create(model, vals_list):
            creates.append(len(vals_list))
            return original(model, vals_list)

        before = self.env["sms.sms"].search([("partner_id", "in", members.ids)])
        events = [(member, dict(values, member_name=member.name), None) for member in members]
        with patch.object(Sms, "create", create):
            self.env["res.partner"]._chain_member_events(code, events)
        after = self.env["sms.sms"].search([("partner_id", "in", members.ids)], order="id")
        return after - before, [count for count in creates if count]

    def test_a_batch_is_queued_in_one_create(self):
        sms, creates = self.batch("reminder_tier_expiring", self.members, date="2026-05-01")
        self.assertEqual(creates, [2])
        self.assertEqual(sms.partner_id, self.mei | self.lei, "no transactional consent: none")
        self.assertEqual(len(sms), 2, "one SMS a member, not one more through the event hook")

    def test_a_batch_sends_what_one_event_at_a_time_sends(self):
        values = {"date": "2026-05-01", "tier": "Gold"}
        batched, _creates = self.batch("reminder_tier_expiring", self.mei | self.lei, **values)
        for member in self.mei | self.lei:
            single = self.event(member, "reminder_tier_expiring", member_name=member.name, **values)
            mine = batched.filtered(lambda s, m=member: s.partner_id == m)
            self.assertEqual(
                (mine.body, mine.chain_template_id, mine.chain_store_id, mine.number),
                (single.body, single.chain_template_id, single.chain_store_id, single.number),
            )
        self.assertEqual(
            batched.filtered(lambda s: s.partner_id == self.lei).chain_template_id,
            self.env.ref("chain_sms.template_reminder_tier_expiring_en"),
        )

    def test_an_event_switched_off_for_a_store_skips_its_members_in_a_batch(self):
        self.env.ref("chain_sms.event_reminder_birthday").disabled_store_ids = self.store_a
        sms, _creates = self.batch("reminder_birthday", self.members, date="2026-05-01")
        self.assertEqual(sms.partner_id, self.lei)
        self.assertEqual(sms.chain_store_id, self.store_b, "the member's home store")

    def test_a_switched_off_event_sends_nothing_in_a_batch(self):
        self.env.ref("chain_sms.event_reminder_birthday").enabled = False
        sms, creates = self.batch("reminder_birthday", self.members, date="2026-05-01")
        self.assertFalse(sms)
        self.assertFalse(creates)

    def test_marketing_in_a_batch_needs_consent_and_waits_for_the_morning(self):
        self.company.write(
            {
                "chain_sms_quiet_start": 21.0,
                "chain_sms_quiet_end": 8.0,
                "chain_sms_tz": "Asia/Shanghai",
            }
        )
        with freeze_time("2026-05-01 14:30:00"):  # 22:30 in Shanghai
            sms, _creates = self.batch("birthday", self.members, date="2026-05-01")
        self.assertEqual(sms.partner_id, self.mei, "only Mei gave the marketing consent")
        self.assertEqual(sms.chain_next_attempt, datetime.datetime(2026, 5, 2, 0, 0))

    def test_nightly_reminders_queue_one_sms_per_reminder(self):
        Reminder = self.env["chain.member.reminder"]
        today = fields.Date.context_today(Reminder)
        birthday = (today + datetime.timedelta(days=2)).replace(year=1992)
        self.members.write({"birthday": birthday})
        self.env["chain.member.reminder.type"].search([]).write({"enabled": False})
        self.env.ref("chain_member.reminder_type_birthday").write(
            {"enabled": True, "lead_days": 3, "notify_member": True}
        )
        Reminder._cron_raise_reminders(today=today)
        Reminder._cron_raise_reminders(today=today)
        sms = self.env["sms.sms"].search(
            [
                ("partner_id", "in", self.members.ids),
                ("chain_event_code", "=", "reminder_birthday"),
            ]
        )
        self.assertEqual(sorted(sms.partner_id.ids), sorted((self.mei | self.lei).ids))
        self.assertEqual(len(sms), 2)
