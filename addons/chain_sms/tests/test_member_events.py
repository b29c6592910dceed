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
