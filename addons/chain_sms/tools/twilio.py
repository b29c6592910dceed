"""Twilio Programmable Messaging with plain ``requests`` (HTTP basic auth + form POST).

Free text, international numbers. Twilio's REST API has no documented idempotency for
message creation, so the key is sent as ``I-Twilio-Idempotency-Token`` and, before an unknown
outcome is resent, ``lookup`` lists the messages sent to the number since the first attempt
and matches the body.
"""

import base64
import datetime
import hashlib
import hmac

import requests

from .provider import (
    ACCEPTED,
    FAILURE_ACCOUNT,
    FAILURE_NUMBER,
    FAILURE_OTHER,
    PERMANENT,
    THROTTLED,
    DeliveryReport,
    InboundSms,
    ProviderUnavailable,
    SendResult,
    SmsProvider,
)

DEFAULT_ENDPOINT = "https://api.twilio.com"
API_PREFIX = "/2010-04-01/Accounts"
NUMBER_ERRORS = {21211, 21214, 21217, 21407, 21408, 21610, 21612, 21614}
ACCOUNT_ERRORS = {20003, 20404, 21606, 21659, 30002}
FINAL_STATUSES = {"delivered": True, "undelivered": False, "failed": False}


def request_signature(auth_token, url, params):
    """X-Twilio-Signature of a webhook: HMAC-SHA1 over the URL then the sorted form pairs."""
    data = url + "".join(f"{key}{params[key]}" for key in sorted(params))
    digest = hmac.new(auth_token.encode(), data.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


class TwilioProvider(SmsProvider):
    code = "twilio"
    can_lookup = True

    def send(self, sms):
        data = {"To": sms.number, "Body": sms.body}
        if self.config.sender.startswith("MG"):
            data["MessagingServiceSid"] = self.config.sender
        else:
            data["From"] = self.config.sender
        if sms.status_callback:
            data["StatusCallback"] = sms.status_callback
        try:
            response = requests.post(
                self._url("/Messages.json"),
                data=data,
                auth=(self.config.api_key, self.config.api_secret),
                headers={"I-Twilio-Idempotency-Token": sms.key},
                timeout=self.config.timeout,
            )
        except requests.RequestException as error:
            return SendResult.unknown(type(error).__name__, error)
        if response.status_code >= 500:
            return SendResult.unknown(f"http_{response.status_code}", response.text[:200])
        try:
            payload = response.json()
        except ValueError:
            return SendResult.unknown("malformed_response", response.text[:200])
        if not isinstance(payload, dict):
            return SendResult.unknown("malformed_response", response.text[:200])
        if response.status_code in (200, 201) and payload.get("sid"):
            return SendResult(ACCEPTED, message_id=payload["sid"], code=payload.get("status", ""))
        if response.status_code in (200, 201):
            return SendResult.unknown("malformed_response", response.text[:200])
        code = payload.get("code") or response.status_code
        reason = payload.get("message", "")
        if response.status_code == 429 or code == 20429:
            return SendResult(THROTTLED, code=str(code), reason=reason)
        if code in NUMBER_ERRORS:
            failure = FAILURE_NUMBER
        elif code in ACCOUNT_ERRORS or response.status_code in (401, 403):
            failure = FAILURE_ACCOUNT
        else:
            failure = FAILURE_OTHER
        return SendResult(PERMANENT, code=str(code), reason=reason, failure=failure)

    def lookup(self, sms):
        since = (sms.first_attempt or datetime.datetime.utcnow()).date()
        params = {"To": sms.number, "DateSent>": since.isoformat(), "PageSize": "50"}
        payload = self._get("/Messages.json", params)
        for message in payload.get("messages") or []:
            if message.get("body") == sms.body and message.get("status") not in ("failed",):
                return SendResult(ACCEPTED, message_id=message.get("sid", ""), code="recovered")
        return None

    def fetch_reports(self, messages):
        reports = []
        for sms in messages:
            if not sms.message_id:
                continue
            payload = self._get(f"/Messages/{sms.message_id}.json")
            status = payload.get("status")
            if status in FINAL_STATUSES:
                reports.append(
                    DeliveryReport(
                        delivered=FINAL_STATUSES[status],
                        message_id=sms.message_id,
                        key=sms.key,
                        code=str(payload.get("error_code") or status),
                        reason=payload.get("error_message") or "",
                    )
                )
        return reports

    def parse_report_push(self, payload, form=None):
        form = form or {}
        status = form.get("MessageStatus") or form.get("SmsStatus")
        if status not in FINAL_STATUSES or not form.get("MessageSid"):
            return []
        return [
            DeliveryReport(
                delivered=FINAL_STATUSES[status],
                message_id=form["MessageSid"],
                number=form.get("To", ""),
                code=str(form.get("ErrorCode") or status),
            )
        ]

    def parse_inbound_push(self, payload, form=None):
        form = form or {}
        if not form.get("From"):
            return []
        return [InboundSms(number=form["From"], text=form.get("Body", ""))]

    def push_reply(self):
        return "<Response></Response>", "text/xml"

    def check_signature(self, url, form, signature):
        if not isinstance(signature, str) or not signature:
            return False
        expected = request_signature(self.config.api_secret, url, form)
        return hmac.compare_digest(expected.encode(), signature.encode())

    def _url(self, path):
        base = (self.config.endpoint or DEFAULT_ENDPOINT).rstrip("/")
        return f"{base}{API_PREFIX}/{self.config.api_key}{path}"

    def _get(self, path, params=None):
        try:
            response = requests.get(
                self._url(path),
                params=params,
                auth=(self.config.api_key, self.config.api_secret),
                timeout=self.config.timeout,
            )
            payload = response.json()
        except (requests.RequestException, ValueError) as error:
            raise ProviderUnavailable(type(error).__name__) from None
        if response.status_code != 200 or not isinstance(payload, dict):
            raise ProviderUnavailable(f"http_{response.status_code}")
        return payload
