import datetime
from unittest.mock import patch

from odoo import fields
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.chain_sms.models.sms_sms import SmsSms

from .common import ChainSmsCase, SimulatedCrash


@tagged("post_install", "-at_install")
class TestCrashRecovery(ChainSmsCase):
    """Odoo restarting mid-batch loses nothing and sends nothing twice.

    The queue commits its claim of a message before calling the provider and the outcome right
    after. A crash in between leaves the message claimed (state ``process``): here the crash is
    simulated by an exception that nothing catches, raised between the provider's answer and
    the recording of the outcome; in the test transaction the claim stays, as it would after a
    real crash and restart.
    """

    def _crash_after_provider_call(self):
        def crash(records, result):
            raise SimulatedCrash(result.outcome)

        self._run_queue_until_crash(patch.object(SmsSms, "_chain_record_result", crash))

    def _run_queue_until_crash(self, patcher):
        # not assertRaises: Odoo's rolls back to a savepoint, which would undo the claim
        crashed = False
        with patcher:
            try:
                self.run_queue()
            except SimulatedCrash:
                crashed = True
        self.assertTrue(crashed)

    @mute_logger("odoo.addons.chain_sms.models.sms_sms")
    def _restart(self, messages):
        """Ten minutes later, the maintenance cron of the restarted Odoo runs."""
        later = fields.Datetime.now() + datetime.timedelta(minutes=11)
        return self.env["sms.sms"]._chain_recover_stale_claims(now=later)

    def test_a_crash_after_the_provider_accepted_does_not_send_twice(self):
        for gateway in (self.gw_alibaba, self.gw_tencent, self.gw_twilio):
            with self.subTest(provider=gateway.provider):
                self.use_gateway(gateway)
                server = self.server_of(gateway)
                first = self.event(self.mei, "balance_payment", amount=35.0, balance=65.0)
                second = self.event(self.lei, "balance_payment", amount=12.0, balance=8.0)
                self._crash_after_provider_call()
                self.assertEqual(first.state, "process", "claimed, outcome not recorded")
                self.assertEqual(second.state, "outgoing", "untouched by the crashed run")
                self.assertEqual(server.deliveries[first.uuid], 1)

                self.assertFalse(self.env["sms.sms"]._chain_recover_stale_claims())
                recovered = self._restart(first)
                self.assertEqual(recovered, first)
                self.assertTrue(first.chain_outcome_unknown)
                self.run_queue()
                self.assertEqual((first.state, second.state), ("pending", "pending"))
                self.assertEqual(server.deliveries[first.uuid], 1)
                self.assertEqual(server.duplicate_requests[first.uuid], 0)
                self.assertEqual(server.deliveries[second.uuid], 1)

    def test_a_crash_before_the_provider_call_sends_once_after_restart(self):
        self.use_gateway(self.gw_tencent)
        sms = self.event(self.mei, "withdrawal", amount=50.0, balance=0.0)

        def crash(records, provider, limiter):
            raise SimulatedCrash("before the call")

        self._run_queue_until_crash(patch.object(SmsSms, "_chain_send_one", crash))
        self.assertEqual(sms.state, "process")
        self.assertFalse(self.tencent.messages)
        self._restart(sms)
        self.run_queue()
        self.assertEqual(sms.state, "pending")
        self.assertEqual(self.tencent.deliveries[sms.uuid], 1)

    def test_a_delivery_report_settles_a_message_whose_outcome_was_lost(self):
        self.use_gateway(self.gw_tencent)
        sms = self.event(self.mei, "topup", amount=10.0, balance=10.0)
        self._crash_after_provider_call()
        self.env["sms.sms"]._chain_pull_reports()
        self.assertEqual(sms.state, "process", "reports are pulled for sent messages only")
        self._restart(sms)
        self.run_queue()
        self.env["sms.sms"]._cron_chain_maintenance()
        self.assertEqual((sms.state, sms.chain_delivery_status), ("sent", "delivered"))
        self.assertEqual(self.tencent.deliveries[sms.uuid], 1)
