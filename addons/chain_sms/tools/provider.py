"""The one interface every SMS provider speaks (plain Python, no Odoo import).

A provider turns one :class:`OutgoingSms` into one :class:`SendResult`. The result's ``outcome``
tells the queue what to do next:

- ``accepted``: the provider took the message; ``message_id`` is its id for delivery reports.
- ``permanent``: the provider refused the message for good (bad number, template rejected,
  account problem); ``code`` and ``reason`` are the provider's own.
- ``throttled``: the provider refused it *without sending* because of a rate limit; try later.
- ``unknown``: the request may or may not have reached the provider (timeout, 5xx, malformed
  answer). The queue retries later, and before sending again it asks the provider (``lookup``)
  whether a message with the same idempotency key already went out.
"""

import dataclasses
import datetime

ACCEPTED = "accepted"
PERMANENT = "permanent"
THROTTLED = "throttled"
UNKNOWN = "unknown"

# what a permanent refusal was about (mapped to sms.sms failure types by the queue)
FAILURE_NUMBER = "number"
FAILURE_TEMPLATE = "template"
FAILURE_ACCOUNT = "account"
FAILURE_OTHER = "other"


class ProviderUnavailable(Exception):
    """A status query (lookup, delivery reports) could not be answered; try again later."""


@dataclasses.dataclass
class OutgoingSms:
    key: str  # idempotency key, unique per message (the sms.sms uuid)
    number: str  # E.164, e.g. +8613800138000
    body: str = ""
    template_code: str = ""
    params: list = dataclasses.field(default_factory=list)  # [(provider variable, value)]
    status_callback: str = ""
    first_attempt: datetime.datetime | None = None  # UTC, naive
    message_id: str = ""  # the provider's id, once accepted (for delivery reports)


@dataclasses.dataclass
class SendResult:
    outcome: str
    message_id: str = ""
    code: str = ""
    reason: str = ""
    failure: str = ""

    @classmethod
    def unknown(cls, code, reason=""):
        return cls(UNKNOWN, code=code, reason=str(reason)[:500])


@dataclasses.dataclass
class DeliveryReport:
    delivered: bool
    message_id: str = ""
    key: str = ""
    number: str = ""
    code: str = ""
    reason: str = ""


@dataclasses.dataclass
class InboundSms:
    number: str
    text: str


@dataclasses.dataclass
class ProviderConfig:
    endpoint: str
    api_key: str = ""
    api_secret: str = ""
    app_id: str = ""
    sign_name: str = ""
    sender: str = ""
    region: str = ""
    timeout: float = 10.0


class SmsProvider:
    """Base class of the providers. Subclasses implement :meth:`send` and may implement the
    status queries; the defaults say "not supported"."""

    code = None
    needs_template = False  # mainland China: approved sign name + template code + parameters
    #: Whether ``lookup`` can tell that a message with a given key was sent. When False, an
    #: unknown outcome is resent relying on the idempotency key alone.
    can_lookup = False
    #: Whether ``fetch_reports`` hands out every new report (pages of ``report_page_size``)
    #: rather than the reports of the messages it is given.
    bulk_reports = False
    report_page_size = 100

    def __init__(self, config):
        self.config = config

    def secrets(self):
        """Values that must never appear in logs."""
        return [value for value in (self.config.api_key, self.config.api_secret) if value]

    def send(self, sms):
        raise NotImplementedError

    def lookup(self, sms):
        """Whether ``sms`` (same idempotency key) already reached the provider: a SendResult
        (accepted) if it did, None if it did not; raises ProviderUnavailable if unsure."""
        return None

    def fetch_reports(self, messages):
        """Delivery reports for the given sent messages (OutgoingSms with ``message_id``);
        providers that push reports or pull them in bulk may ignore ``messages``."""
        return []

    def parse_report_push(self, payload, form=None):
        """Delivery reports pushed by the provider to our controller."""
        return []

    def parse_inbound_push(self, payload, form=None):
        """Replies of members pushed by the provider to our controller."""
        return []

    def push_reply(self):
        """Body and content type our controller answers a push with."""
        return '{"code": 0, "msg": "OK"}', "application/json"


def national_number(number, country_code="86"):
    """+8613800138000 -> 13800138000 for the provider's home country, else 8613... digits."""
    digits = number.lstrip("+")
    if number.startswith("+" + country_code):
        return digits[len(country_code) :]
    return digits


def e164(number, nation_code="86"):
    """Numbers as providers report them (13800138000, 8613800138000, +86...) -> E.164."""
    number = "".join(ch for ch in (number or "") if ch.isdigit() or ch == "+")
    if not number:
        return ""
    if number.startswith("+"):
        return number
    if number.startswith("00"):
        return "+" + number[2:]
    if nation_code == "86" and len(number) == 11 and number.startswith("1"):
        return "+86" + number
    if number.startswith(nation_code) and len(number) > 11:
        return "+" + number
    return "+" + nation_code + number
