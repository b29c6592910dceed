from unittest.mock import patch

from odoo.tests import tagged

from odoo.addons.sms.tools.sms_api import SmsApi

from .common import ChainSmsCase


@tagged("post_install", "-at_install")
class TestGatewaySend(ChainSmsCase):
    """A member event leaves through the company's provider and comes back delivered."""

    def _topup(self, partner):
        return self.event(partner, "topup", amount=100.0, balance=250.5, card_tail="8001")

    def test_alibaba_sends_the_approved_template_with_a_valid_signature(self):
        sms = self._topup(self.mei)
        self.assertEqual(sms.state, "outgoing", "events only queue; the queue runner sends")
        self.run_queue()
        self.assertEqual(sms.state, "pending")
        self.assertTrue(sms.chain_provider_message_id)
        self.assertEqual(sms.chain_delivery_status, "waiting")
        self.assertEqual(self.alibaba.auth_failures, 0)
        self.assertEqual(self.alibaba.texts_to("13800138001"), [sms.body])
        self.assertIn("充值100.00元", sms.body)
        self.assertIn("余额250.50元", sms.body)

    def test_tencent_sends_the_approved_template_with_a_valid_signature(self):
        self.use_gateway(self.gw_tencent)
        sms = self._topup(self.mei)
        self.run_queue()
        self.assertEqual(sms.state, "pending")
        self.assertEqual(self.tencent.auth_failures, 0)
        self.assertEqual(self.tencent.texts_to("+8613800138001"), [sms.body])
        self.assertEqual(self.tencent.messages[sms.uuid]["id"], sms.chain_provider_message_id)

    def test_twilio_sends_free_text_with_basic_auth(self):
        self.use_gateway(self.gw_twilio)
        sms = self._topup(self.lei)
        self.run_queue()
        self.assertEqual(sms.state, "pending")
        self.assertTrue(sms.chain_provider_message_id.startswith("SM"))
        self.assertEqual(self.twilio.texts_to("+8613800138002"), [sms.body])
        self.assertIn("100.00 was added", sms.body, "an English member gets the English text")
        sent = self.twilio.requests[-1][1]
        self.assertEqual(sent["StatusCallback"], self.gw_twilio._chain_push_url("report"))

    def test_pulled_delivery_reports_mark_messages_delivered_or_not(self):
        for gateway in (self.gw_alibaba, self.gw_tencent, self.gw_twilio):
            with self.subTest(provider=gateway.provider):
                self.use_gateway(gateway)
                server = self.server_of(gateway)
                server.undeliverable.add(self.national(self.lei.mobile, gateway))
                ok, ko = self._topup(self.mei), self._topup(self.lei)
                self.run_queue()
                self.env["sms.sms"]._cron_chain_maintenance()
                self.assertEqual((ok.state, ok.chain_delivery_status), ("sent", "delivered"))
                self.assertEqual((ko.state, ko.chain_delivery_status), ("error", "undelivered"))
                self.assertEqual(ko.failure_type, "chain_undelivered")
                self.assertTrue(ko.chain_error_code)

    def test_a_bad_number_is_recorded_with_the_providers_reason(self):
        numbers = ("+8613800138066", "+8613800138067", "+8613800138068")
        for gateway, number in zip(
            (self.gw_alibaba, self.gw_tencent, self.gw_twilio), numbers, strict=True
        ):
            with self.subTest(provider=gateway.provider):
                self.use_gateway(gateway)
                member = self._member(f"Bad {gateway.provider}", number)
                self.server_of(gateway).invalid_numbers.add(self.national(member.mobile, gateway))
                sms = self._topup(member)
                self.run_queue()
                self.assertEqual(sms.state, "error")
                self.assertEqual(sms.failure_type, "sms_number_format")
                self.assertTrue(sms.chain_error_code)
                self.assertTrue(sms.chain_error_message)
                self.assertFalse(self.server_of(gateway).messages)

    def test_a_rejected_template_is_a_permanent_error(self):
        for gateway in (self.gw_alibaba, self.gw_tencent):
            with self.subTest(provider=gateway.provider):
                self.use_gateway(gateway)
                self.server_of(gateway).faults.append("reject_template")
                sms = self._topup(self.mei)
                self.run_queue()
                self.assertEqual((sms.state, sms.failure_type), ("error", "chain_rejected"))
                self.assertIn(
                    sms.chain_error_code,
                    ("isv.SMS_TEMPLATE_ILLEGAL", "FailedOperation.TemplateIncorrectOrUnapproved"),
                )
                self.assertTrue(sms.chain_error_message)

    def test_a_template_without_code_for_the_gateway_is_not_sent(self):
        template = self.env.ref("chain_sms.template_topup_zh")
        template.code_ids.filtered(lambda c: c.gateway_id == self.gw_alibaba).unlink()
        sms = self._topup(self.mei)
        self.run_queue()
        self.assertEqual((sms.state, sms.failure_type), ("error", "chain_no_template"))
        self.assertFalse(self.alibaba.requests)

    def test_iap_is_the_fallback_through_odoos_own_sending_path(self):
        self.use_gateway(self.gw_iap)
        calls = []

        def fake_batch(api, messages, delivery_reports_url=False):
            calls.append(messages)
            return [
                {"uuid": number["uuid"], "state": "success"}
                for message in messages
                for number in message["numbers"]
            ]

        sms = self._topup(self.mei)
        with patch.object(SmsApi, "_send_sms_batch", fake_batch):
            self.run_queue()
        self.assertEqual(len(calls), 1)
        # the queue may hold other messages (e.g. welcome messages of members created by other
        # addons' data): find ours by its uuid
        ours = [
            message
            for message in calls[0]
            if any(number["uuid"] == sms.uuid for number in message["numbers"])
        ]
        self.assertEqual(len(ours), 1)
        self.assertEqual(ours[0]["content"], sms.body)
        self.assertEqual(ours[0]["numbers"][0]["number"], "+8613800138001")
        self.assertEqual(sms.state, "pending")
        self.assertFalse(sms.to_delete, "the chain's messages stay on record")

    def test_a_company_without_gateway_also_falls_back_to_iap(self):
        self.use_gateway(self.env["chain.sms.gateway"])
        sms = self._topup(self.mei)
        self.assertFalse(sms.chain_gateway_id)
        with patch.object(
            SmsApi, "_send_sms_batch", return_value=[{"uuid": sms.uuid, "state": "success"}]
        ) as batch:
            self.run_queue()
        batch.assert_called_once()
        self.assertEqual(sms.state, "pending")

    def test_odoos_own_sms_use_a_free_text_gateway(self):
        self.use_gateway(self.gw_twilio)
        sms = self.env["sms.sms"].create(
            {"number": "+8613800138005", "body": "Your order is ready"}
        )
        self.assertEqual(sms.chain_gateway_id, self.gw_twilio)
        self.run_queue()
        self.assertEqual(self.twilio.texts_to("+8613800138005"), ["Your order is ready"])

    def test_the_rate_limit_paces_every_send(self):
        self.gw_alibaba.rate_limit = 5
        waits = []
        limiter = self.gw_alibaba._chain_rate_limiter()
        with patch.object(type(limiter), "acquire", lambda self_: waits.append(self_.rate) or 0.0):
            for _i in range(3):
                self._topup(self.mei)
            self.run_queue()
        self.assertEqual(waits, [5.0, 5.0, 5.0])

    def test_messages_are_kept_after_sending(self):
        sms = self._topup(self.mei)
        self.run_queue()
        self.env["sms.sms"]._gc_device()
        self.assertTrue(sms.exists())
        self.assertFalse(sms.to_delete)
