from unittest.mock import patch

from odoo.tests import tagged

from .common import ChainSmsCase

PROVIDERS = ("alibaba", "tencent", "twilio")


@tagged("post_install", "-at_install")
class TestGatewayFaults(ChainSmsCase):
    """Timeouts, 5xx, throttling and malformed answers: retried with backoff, never lost,
    never sent twice."""

    def _gateway(self, provider):
        gateway = {
            "alibaba": self.gw_alibaba,
            "tencent": self.gw_tencent,
            "twilio": self.gw_twilio,
        }[provider]
        self.use_gateway(gateway)
        return gateway, self.server_of(gateway)

    def _send_with_fault(self, provider, fault, member=None):
        gateway, server = self._gateway(provider)
        server.faults.append(fault)
        sms = self.event(member or self.mei, "points_earned", points=120)
        self.run_queue()
        return sms, server

    def test_a_timeout_is_retried_and_found_at_the_provider_not_resent(self):
        for provider in PROVIDERS:
            with self.subTest(provider=provider):
                sms, server = self._send_with_fault(provider, "timeout")
                self.assertEqual(sms.state, "outgoing")
                self.assertTrue(sms.chain_outcome_unknown)
                self.assertEqual(sms.chain_attempts, 1)
                self.assertTrue(sms.chain_next_attempt, "retried later, with backoff")
                self.run_queue()
                self.assertEqual(sms.state, "outgoing", "not due yet: nothing happens")
                self.make_due(sms)
                self.run_queue()
                self.assertEqual(sms.state, "pending")
                if provider != "alibaba":  # QuerySendDetails returns no BizId, only our OutId
                    self.assertTrue(sms.chain_provider_message_id)
                self.assertEqual(server.deliveries[sms.uuid], 1)
                self.assertEqual(server.duplicate_requests[sms.uuid], 0, "asked, not resent")

    def test_a_server_error_is_retried_and_sent_once(self):
        for provider in PROVIDERS:
            with self.subTest(provider=provider):
                sms, server = self._send_with_fault(provider, "500")
                self.assertEqual(sms.state, "outgoing")
                self.assertTrue(sms.chain_error_code)  # http_500, ServerNetworkError...
                self.assertFalse(server.messages)
                self.make_due(sms)
                self.run_queue()
                self.assertEqual(sms.state, "pending")
                self.assertEqual(server.deliveries[sms.uuid], 1)

    def test_a_malformed_answer_is_an_unknown_outcome_resolved_by_lookup(self):
        for provider in PROVIDERS:
            with self.subTest(provider=provider):
                sms, server = self._send_with_fault(provider, "malformed")
                self.assertEqual(sms.state, "outgoing")
                self.assertTrue(sms.chain_outcome_unknown)
                self.assertEqual(server.deliveries[sms.uuid], 1, "it did reach the provider")
                self.make_due(sms)
                self.run_queue()
                self.assertEqual(sms.state, "pending")
                self.assertEqual(server.deliveries[sms.uuid], 1)
                self.assertEqual(server.duplicate_requests[sms.uuid], 0)

    def test_lookup_prevents_a_double_send_even_without_provider_dedupe(self):
        for provider in PROVIDERS:
            with self.subTest(provider=provider):
                gateway, server = self._gateway(provider)
                server.dedupe = False
                sms, server = self._send_with_fault(provider, "timeout")
                self.make_due(sms)
                self.run_queue()
                self.assertEqual(sms.state, "pending")
                self.assertEqual(server.deliveries[sms.uuid], 1)

    def test_throttling_defers_the_batch_without_losing_anything(self):
        for provider in PROVIDERS:
            with self.subTest(provider=provider):
                gateway, server = self._gateway(provider)
                server.faults.append("throttle")
                first = self.event(self.mei, "points_redeemed", points=10)
                second = self.event(self.mei, "points_redeemed", points=20)
                self.run_queue()
                self.assertEqual(first.state, "outgoing")
                self.assertFalse(first.chain_outcome_unknown, "a throttled message was not sent")
                self.assertTrue(first.chain_next_attempt)
                self.assertTrue(first.chain_error_code)
                self.assertEqual(second.state, "outgoing", "the rest of the batch waits")
                self.assertFalse(server.messages)
                self.make_due(first)
                self.run_queue()
                self.assertEqual((first.state, second.state), ("pending", "pending"))
                self.assertEqual(sum(server.deliveries.values()), 2)

    def test_an_unknown_outcome_is_given_up_after_the_gateways_attempts(self):
        gateway, server = self._gateway("alibaba")
        gateway.max_attempts = 3
        server.faults.extend(["500", "500", "500"])
        sms = self.event(self.mei, "points_earned", points=1)
        for _attempt in range(3):
            self.make_due(sms)
            self.run_queue()
        self.assertEqual((sms.state, sms.failure_type), ("error", "chain_attempts"))
        self.assertEqual(sms.chain_attempts, 3)
        self.assertFalse(server.messages)

    def test_a_queue_run_out_of_time_leaves_the_rest_for_the_next_run(self):
        self._gateway("twilio")
        sms = self.event(self.lei, "points_earned", points=3)
        with patch("odoo.addons.chain_sms.models.sms_sms.QUEUE_TIME_BUDGET", -1):
            self.run_queue()
        self.assertEqual((sms.state, sms.chain_attempts), ("outgoing", 0))
        self.run_queue()
        self.assertEqual(sms.state, "pending")

    def test_backoff_doubles_at_each_attempt(self):
        gateway, server = self._gateway("tencent")
        server.faults.extend(["500", "500"])
        sms = self.event(self.mei, "points_earned", points=1)
        self.run_queue()
        first_delay = sms.chain_next_attempt - sms.write_date
        self.make_due(sms)
        self.run_queue()
        second_delay = sms.chain_next_attempt - sms.write_date
        self.assertGreater(second_delay, first_delay)

    def test_failed_messages_can_be_retried_by_hq_but_never_resent_once_sent(self):
        gateway, server = self._gateway("alibaba")
        member = self._member("Typo", "+8613800138066")
        server.invalid_numbers.add("13800138066")
        failed = self.event(member, "topup", amount=1.0)
        sent = self.event(self.mei, "topup", amount=1.0)
        self.run_queue()
        self.assertEqual((failed.state, sent.state), ("error", "pending"))
        server.invalid_numbers.clear()  # e.g. the carrier's number porting was fixed
        (failed | sent).with_user(self.hq_manager).action_chain_retry()
        self.run_queue()
        self.assertEqual((failed.state, sent.state), ("pending", "pending"))
        self.assertEqual(server.deliveries[sent.uuid], 1)
