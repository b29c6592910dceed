"""Tencent Cloud SMS (API 2021-01-11) through the official SDK (tencentcloud-sdk-python-sms).

The idempotency key travels as ``SessionContext``, which Tencent echoes in its send status and
delivery reports; ``lookup`` searches the delivery reports of the number for it.
"""

import datetime
import json
import time

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
)

try:
    from tencentcloud.common import credential
    from tencentcloud.common.exception.tencent_cloud_sdk_exception import (
        TencentCloudSDKException,
    )
    from tencentcloud.common.profile.client_profile import ClientProfile
    from tencentcloud.common.profile.http_profile import HttpProfile
    from tencentcloud.sms.v20210111 import models, sms_client
except ImportError:  # pragma: no cover - declared in the manifest's external dependencies
    sms_client = None

DEFAULT_ENDPOINT = "sms.tencentcloudapi.com"
UNKNOWN_PREFIXES = ("ClientNetworkError", "ServerNetworkError", "InternalError", "JSONDecodeError")
THROTTLE_PREFIXES = ("LimitExceeded", "RequestLimitExceeded")
FAILURE_PREFIXES = [
    (FAILURE_NUMBER, ("InvalidParameterValue.IncorrectPhoneNumber",)),
    (FAILURE_NUMBER, ("FailedOperation.PhoneNumberInBlacklist",)),
    (FAILURE_NUMBER, ("FailedOperation.PhoneNumberParseFail",)),
    (FAILURE_NUMBER, ("UnsupportedOperation.UnsupportedRegion",)),
    (FAILURE_NUMBER, ("UnsupportedOperation.ContainDomesticAndInternationalPhoneNumber",)),
    (FAILURE_TEMPLATE, ("FailedOperation.TemplateIncorrectOrUnapproved",)),
    (FAILURE_TEMPLATE, ("FailedOperation.SignatureIncorrectOrUnapproved",)),
    (FAILURE_TEMPLATE, ("FailedOperation.MissingTemplateToModify",)),
    (FAILURE_TEMPLATE, ("FailedOperation.TemplateParamSetNotMatchApprovedTemplate",)),
    (FAILURE_TEMPLATE, ("FailedOperation.ContainSensitiveWord",)),
    (FAILURE_TEMPLATE, ("InvalidParameterValue.",)),
    (FAILURE_ACCOUNT, ("AuthFailure", "UnauthorizedOperation")),
    (FAILURE_ACCOUNT, ("FailedOperation.InsufficientBalanceInSmsPackage",)),
]


def classify(code):
    """outcome, failure for a Tencent error code (None outcome: the outcome is unknown)."""
    if code.startswith(UNKNOWN_PREFIXES):
        return None, ""
    if code.startswith(THROTTLE_PREFIXES):
        return THROTTLED, ""
    for failure, prefixes in FAILURE_PREFIXES:
        if code.startswith(prefixes):
            return PERMANENT, failure
    return PERMANENT, FAILURE_OTHER


class TencentProvider(SmsProvider):
    code = "tencent"
    needs_template = True
    can_lookup = True
    bulk_reports = True

    def send(self, sms):
        request = models.SendSmsRequest()
        request.PhoneNumberSet = [sms.number]
        request.SmsSdkAppId = self.config.app_id
        request.SignName = self.config.sign_name
        request.TemplateId = sms.template_code
        request.TemplateParamSet = [str(value) for _name, value in sms.params]
        request.SessionContext = sms.key
        try:
            response = self._client().SendSms(request)
            status = response.SendStatusSet[0]
        except TencentCloudSDKException as error:
            return self._result_from_error(error.get_code() or "", error.get_message())
        except (AttributeError, IndexError, TypeError, ValueError) as error:
            return SendResult.unknown("malformed_response", error)
        if status.Code == "Ok":
            return SendResult(ACCEPTED, message_id=status.SerialNo or "", code=status.Code)
        return self._result_from_error(status.Code or "", status.Message)

    def lookup(self, sms):
        for status in self._pull_by_number(sms):
            if status.SessionContext == sms.key:
                return SendResult(ACCEPTED, message_id=status.SerialNo or "", code="recovered")
        return None

    def fetch_reports(self, messages):
        request = models.PullSmsSendStatusRequest()
        request.SmsSdkAppId = self.config.app_id
        request.Limit = 100
        try:
            response = self._client().PullSmsSendStatus(request)
        except TencentCloudSDKException as error:
            raise ProviderUnavailable(error.get_code()) from None
        return [
            DeliveryReport(
                delivered=status.ReportStatus == "SUCCESS",
                message_id=status.SerialNo or "",
                key=status.SessionContext or "",
                number=status.PhoneNumber or "",
                code=status.Description or "",
            )
            for status in response.PullSmsSendStatusSet or []
        ]

    def parse_report_push(self, payload, form=None):
        reports = []
        for item in payload if isinstance(payload, list) else [payload]:
            if not isinstance(item, dict):
                continue
            reports.append(
                DeliveryReport(
                    delivered=item.get("report_status") == "SUCCESS",
                    message_id=str(item.get("sid") or ""),
                    key=str((item.get("ext") or {}).get("context", "") or ""),
                    number=e164(item.get("mobile", ""), str(item.get("nationcode") or "86")),
                    code=item.get("errmsg", ""),
                    reason=item.get("description", ""),
                )
            )
        return reports

    def parse_inbound_push(self, payload, form=None):
        items = payload if isinstance(payload, list) else [payload]
        return [
            InboundSms(
                number=e164(item.get("mobile", ""), str(item.get("nationcode") or "86")),
                text=item.get("text", ""),
            )
            for item in items
            if isinstance(item, dict) and item.get("mobile")
        ]

    def push_reply(self):
        return json.dumps({"result": 0, "errmsg": "OK"}), "application/json"

    def _result_from_error(self, code, message):
        outcome, failure = classify(code)
        if outcome is None:
            return SendResult.unknown(code, message or "")
        return SendResult(outcome, code=code, reason=message or "", failure=failure)

    def _pull_by_number(self, sms):
        first = sms.first_attempt or datetime.datetime.utcnow()
        begin = first.replace(tzinfo=datetime.timezone.utc) - datetime.timedelta(minutes=5)
        request = models.PullSmsSendStatusByPhoneNumberRequest()
        request.BeginTime = int(begin.timestamp())
        request.EndTime = int(time.time()) + 60
        request.Offset = 0
        request.Limit = 100
        request.PhoneNumber = sms.number
        request.SmsSdkAppId = self.config.app_id
        try:
            response = self._client().PullSmsSendStatusByPhoneNumber(request)
        except TencentCloudSDKException as error:
            raise ProviderUnavailable(error.get_code()) from None
        return response.PullSmsSendStatusSet or []

    def _client(self):
        endpoint = self.config.endpoint or DEFAULT_ENDPOINT
        protocol = "https"
        if "://" in endpoint:
            protocol, endpoint = endpoint.split("://", 1)
        http_profile = HttpProfile(
            protocol=protocol, endpoint=endpoint.rstrip("/"), reqTimeout=self.config.timeout
        )
        return sms_client.SmsClient(
            credential.Credential(self.config.api_key, self.config.api_secret),
            self.config.region or "ap-guangzhou",
            ClientProfile(httpProfile=http_profile),
        )
