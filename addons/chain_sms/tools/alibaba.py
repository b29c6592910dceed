"""Alibaba Cloud SMS (dysmsapi, RPC style, API version 2017-05-25) with plain ``requests``.

The official SDK pulls in 21 MB over 19 packages; the RPC signature is a few lines:
HMAC-SHA1 over ``METHOD&%2F&percent-encoded(sorted, percent-encoded query)``, keyed with
``AccessKeySecret + "&"``. Requests are POSTed as a form so that no credential id appears in
a URL (and so in no access log).
"""

import base64
import datetime
import hashlib
import hmac
import json
import uuid
from urllib.parse import quote

import requests

from .provider import (
    ACCEPTED,
    FAILURE_ACCOUNT,
    FAILURE_NUMBER,
    FAILURE_OTHER,
    FAILURE_TEMPLATE,
    PERMANENT,
    THROTTLED,
    DeliveryReport,
    InboundSms,
    ProviderUnavailable,
    SendResult,
    SmsProvider,
    e164,
    national_number,
)

API_VERSION = "2017-05-25"
DEFAULT_ENDPOINT = "https://dysmsapi.aliyuncs.com/"
CHINA_TZ = datetime.timezone(datetime.timedelta(hours=8))

THROTTLE_CODES = {
    "isv.BUSINESS_LIMIT_CONTROL",
    "isv.DAY_LIMIT_CONTROL",
    "Throttling",
    "Throttling.User",
    "Throttling.Api",
    # refused before sending: our clock or nonce; a new attempt gets a fresh one
    "SignatureNonceUsed",
    "InvalidTimeStamp.Expired",
}
UNKNOWN_CODES = {"isp.SYSTEM_ERROR", "ServiceUnavailable", "InternalError", "isp.GATEWAY_ERROR"}
FAILURES = {
    FAILURE_NUMBER: {
        "isv.MOBILE_NUMBER_ILLEGAL",
        "isv.MOBILE_COUNT_OVER_LIMIT",
        "isv.EXTEND_CODE_ERROR",
        "isv.DOMESTIC_NUMBER_NOT_SUPPORTED",
    },
    FAILURE_TEMPLATE: {
        "isv.SMS_TEMPLATE_ILLEGAL",
        "isv.SMS_SIGNATURE_ILLEGAL",
        "isv.SMS_SIGN_ILLEGAL",
        "isv.TEMPLATE_MISSING_PARAMETERS",
        "isv.INVALID_JSON_PARAM",
        "isv.INVALID_PARAMETERS",
        "isv.PARAM_LENGTH_LIMIT",
        "isv.PARAM_NOT_SUPPORT_URL",
        "isv.BLACK_KEY_CONTROL_LIMIT",
        "isv.SMS_CONTENT_ILLEGAL",
    },
    FAILURE_ACCOUNT: {
        "isv.ACCOUNT_NOT_EXISTS",
        "isv.ACCOUNT_ABNORMAL",
        "isv.AMOUNT_NOT_ENOUGH",
        "isv.OUT_OF_SERVICE",
        "isv.PRODUCT_UN_SUBSCRIPT",
        "isv.PRODUCT_UNSUBSCRIBE",
        "SignatureDoesNotMatch",
        "InvalidAccessKeyId.NotFound",
        "InvalidAccessKeyId.Inactive",
        "Forbidden.RAM",
    },
}


def percent_encode(value):
    """RFC 3986 encoding as Alibaba's RPC signature wants it (space as %20, ~ kept)."""
    return quote(str(value), safe="~")


def sign_rpc(params, secret, method="POST"):
    """The RPC signature of ``params`` (without ``Signature``) keyed with ``secret``."""
    query = "&".join(
        f"{percent_encode(key)}={percent_encode(value)}" for key, value in sorted(params.items())
    )
    string_to_sign = f"{method}&{percent_encode('/')}&{percent_encode(query)}"
    digest = hmac.new(f"{secret}&".encode(), string_to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def classify(code):
    if code in THROTTLE_CODES:
        return THROTTLED, ""
    if code in UNKNOWN_CODES:
        return None, ""
    for failure, codes in FAILURES.items():
        if code in codes:
            return PERMANENT, failure
    return PERMANENT, FAILURE_OTHER


class AlibabaProvider(SmsProvider):
    code = "alibaba"
    needs_template = True
    can_lookup = True

    def send(self, sms):
        params = {
            "PhoneNumbers": national_number(sms.number),
            "SignName": self.config.sign_name,
            "TemplateCode": sms.template_code,
            "TemplateParam": json.dumps(dict(sms.params), ensure_ascii=False),
            "OutId": sms.key,
        }
        try:
            response = self._call("SendSms", params)
        except requests.RequestException as error:
            return SendResult.unknown(type(error).__name__, error)
        if response.status_code >= 500:
            return SendResult.unknown(f"http_{response.status_code}", response.text[:200])
        try:
            data = response.json()
            code = data["Code"]
        except (ValueError, KeyError, TypeError):
            return SendResult.unknown("malformed_response", response.text[:200])
        if code == "OK":
            return SendResult(ACCEPTED, message_id=str(data.get("BizId") or ""), code=code)
        outcome, failure = classify(code)
        if outcome is None:
            return SendResult.unknown(code, data.get("Message", ""))
        return SendResult(outcome, code=code, reason=data.get("Message", ""), failure=failure)

    def lookup(self, sms):
        detail = self._find_detail(sms)
        if detail is None:
            return None
        return SendResult(ACCEPTED, code="recovered")

    def fetch_reports(self, messages):
        reports = []
        for sms in messages:
            detail = self._find_detail(sms)
            # SendStatus: 1 waiting for the handset's receipt, 2 failed, 3 delivered
            if detail is None or int(detail.get("SendStatus") or 1) == 1:
                continue
            reports.append(
                DeliveryReport(
                    delivered=int(detail["SendStatus"]) == 3,
                    key=sms.key,
                    message_id=sms.message_id,
                    code=detail.get("ErrCode", ""),
                )
            )
        return reports

    def parse_report_push(self, payload, form=None):
        return [
            DeliveryReport(
                delivered=bool(item.get("success")),
                message_id=str(item.get("biz_id") or ""),
                key=str(item.get("out_id") or ""),
                number=e164(item.get("phone_number", "")),
                code=item.get("err_code", ""),
                reason=item.get("err_msg", ""),
            )
            for item in payload or []
            if isinstance(item, dict)
        ]

    def parse_inbound_push(self, payload, form=None):
        return [
            InboundSms(number=e164(item.get("phone_number", "")), text=item.get("content", ""))
            for item in payload or []
            if isinstance(item, dict) and item.get("phone_number")
        ]

    def _find_detail(self, sms):
        """The provider's record of ``sms`` (matched on OutId, our idempotency key)."""
        first = sms.first_attempt or datetime.datetime.utcnow()
        first_day = first.replace(tzinfo=datetime.timezone.utc).astimezone(CHINA_TZ).date()
        today = datetime.datetime.now(CHINA_TZ).date()
        for day in sorted({first_day, today}):
            params = {
                "PhoneNumber": national_number(sms.number),
                "SendDate": day.strftime("%Y%m%d"),
                "PageSize": "50",
                "CurrentPage": "1",
            }
            if sms.message_id:
                params["BizId"] = sms.message_id
            try:
                response = self._call("QuerySendDetails", params)
                data = response.json()
            except (requests.RequestException, ValueError) as error:
                raise ProviderUnavailable(type(error).__name__) from None
            if response.status_code != 200 or data.get("Code") != "OK":
                raise ProviderUnavailable(str(data.get("Code") or response.status_code))
            details = (data.get("SmsSendDetailDTOs") or {}).get("SmsSendDetailDTO") or []
            for detail in details:
                if detail.get("OutId") == sms.key:
                    return detail
        return None

    def _call(self, action, params):
        signed = {
            "AccessKeyId": self.config.api_key,
            "Action": action,
            "Format": "JSON",
            "RegionId": self.config.region or "cn-hangzhou",
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": uuid.uuid4().hex,
            "SignatureVersion": "1.0",
            "Timestamp": datetime.datetime.now(datetime.timezone.utc).strftime(
                "%Y-%m-%dT%H:%M:%SZ"
            ),
            "Version": API_VERSION,
            **params,
        }
        signed["Signature"] = sign_rpc(signed, self.config.api_secret, "POST")
        return requests.post(
            self.config.endpoint or DEFAULT_ENDPOINT, data=signed, timeout=self.config.timeout
        )
