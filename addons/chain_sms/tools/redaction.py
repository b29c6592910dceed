"""Keep provider credentials out of logs.

The HTTP libraries log requests at debug level (urllib3 the URL, which holds Twilio's account
SID; the Tencent SDK the whole request with its Authorization header). A filter on those loggers
masks every credential this process has loaded. Filters run only for records that pass the
level check, so the cost is nil unless debug logging is on.
"""

import logging
import threading

MASK = "********"
LOGGERS = (
    "urllib3.connectionpool",
    "requests",
    "tencentcloud_sdk_common",
    "odoo.sql_db",
    "odoo.addons.chain_sms",
)


class SecretFilter(logging.Filter):
    def __init__(self):
        super().__init__()
        self.secrets = set()
        self.lock = threading.Lock()

    def register(self, *values):
        with self.lock:
            self.secrets.update(value for value in values if value and len(value) >= 4)

    def filter(self, record):
        if not self.secrets:
            return True
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken record is not ours to fix
            return True
        redacted = message
        for secret in sorted(self.secrets, key=len, reverse=True):
            if secret in redacted:
                redacted = redacted.replace(secret, MASK)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True


SECRET_FILTER = SecretFilter()


def install():
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if SECRET_FILTER not in logger.filters:
            logger.addFilter(SECRET_FILTER)


def register_secrets(*values):
    SECRET_FILTER.register(*values)
