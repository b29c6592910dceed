import logging
from contextlib import contextmanager

from odoo.tests import tagged

from .common import ALIBABA, TENCENT, TWILIO, ChainSmsCase

LOGGERS = ("urllib3.connectionpool", "tencentcloud_sdk_common", "odoo.addons.chain_sms")


class _Capture(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.lines = []

    def emit(self, record):
        self.lines.append(self.format(record))


@tagged("post_install", "-at_install")
class TestSecretsInLogs(ChainSmsCase):
    """Credentials never appear in logs, even at debug level and on errors."""

    @contextmanager
    def _debug_logs(self):
        """Debug records of the HTTP clients and of this addon, kept out of the test log."""
        capture = _Capture()
        loggers = [logging.getLogger(name) for name in LOGGERS]
        saved = [(logger.level, logger.propagate) for logger in loggers]
        for logger in loggers:
            logger.setLevel(logging.DEBUG)
            logger.propagate = False
            logger.addHandler(capture)
        try:
            yield capture
        finally:
            for logger, (level, propagate) in zip(loggers, saved, strict=True):
                logger.removeHandler(capture)
                logger.setLevel(level)
                logger.propagate = propagate

    def test_no_credential_in_debug_logs(self):
        with self._debug_logs() as capture:
            for gateway in (self.gw_alibaba, self.gw_tencent, self.gw_twilio):
                self.use_gateway(gateway)
                self.server_of(gateway).faults.extend(["500", "timeout"])
                self.event(self.mei, "topup", amount=1.0, balance=1.0)
                self.server_of(gateway).invalid_numbers.add(self.national(self.lei.mobile, gateway))
                self.event(self.lei, "topup", amount=1.0)
                self.run_queue()
                self.make_due(self.env["sms.sms"].search([("state", "=", "outgoing")]))
                self.run_queue()
                self.env["sms.sms"]._chain_pull_reports()
        output = "\n".join(capture.lines)
        self.assertIn("127.0.0.1", output, "the HTTP calls were logged at debug level")
        for secret in (
            ALIBABA["key"],
            ALIBABA["secret"],
            TENCENT["key"],
            TENCENT["secret"],
            TWILIO["key"],
            TWILIO["secret"],
        ):
            self.assertNotIn(secret, output)
