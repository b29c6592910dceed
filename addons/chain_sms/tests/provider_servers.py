"""Local HTTP servers that speak the SMS providers' APIs, for tests (plain Python, no Odoo).

Each server checks the request's signature or credentials like the real provider, keeps what a
handset would have received, and injects faults on demand: ``server.faults.append("timeout")``
makes the next send request fail that way. Faults:

- ``timeout``: the message is sent, but the answer comes after the client's timeout;
- ``500``: nothing is sent, the server answers HTTP 500;
- ``throttle``: nothing is sent, the provider's rate-limit error;
- ``malformed``: the message is sent, the answer is not JSON;
- ``reject_template``: nothing is sent, the provider's "template not approved" error.

Idempotency: a send whose key (Alibaba ``OutId``, Tencent ``SessionContext``, Twilio's
``I-Twilio-Idempotency-Token`` header) was already sent is not sent again when ``dedupe`` is on;
``duplicate_requests`` counts such requests either way, ``deliveries`` how often each key
reached the handset.
"""

import base64
import collections
import contextlib
import datetime
import hashlib
import hmac
import json
import re
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, urlsplit

CHINA_TZ = datetime.timezone(datetime.timedelta(hours=8))


class FakeProvider:
    """Shared state of one fake provider; subclasses implement ``handle``."""

    def __init__(self):
        self.lock = threading.RLock()
        self.faults = []
        self.dedupe = True
        self.timeout_delay = 1.0
        self.undeliverable = set()
        self.invalid_numbers = set()
        self.reset()
        self.httpd = None

    def reset(self):
        with self.lock:
            self.faults = []
            self.messages = {}  # key -> message dict
            self.deliveries = collections.Counter()
            self.duplicate_requests = collections.Counter()
            self.requests = []
            self.auth_failures = 0
            self.report_queue = []
            self.dedupe = True
            self.undeliverable = set()
            self.invalid_numbers = set()

    # -- server ----------------------------------------------------------------------------
    def start(self):
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                self._dispatch()

            def do_POST(self):
                self._dispatch()

            def _dispatch(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                try:
                    status, content_type, payload, delay = provider.handle(self, body)
                except Exception as error:  # noqa: BLE001 - a test server reports, never dies
                    status, content_type, payload, delay = 599, "text/plain", repr(error), 0
                if delay:
                    time.sleep(delay)
                data = payload if isinstance(payload, bytes) else payload.encode()
                with contextlib.suppress(OSError):  # the client gave up (timeout fault)
                    self.send_response(status)
                    self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def stop(self):
        if self.httpd:
            self.httpd.shutdown()
            self.httpd.server_close()

    @property
    def port(self):
        return self.httpd.server_address[1]

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    # -- helpers ---------------------------------------------------------------------------
    def next_fault(self):
        with self.lock:
            return self.faults.pop(0) if self.faults else None

    def deliver(self, key, number, text, **extra):
        """The provider sends ``key`` to the handset (once, when dedupe is on)."""
        with self.lock:
            if key in self.messages:
                self.duplicate_requests[key] += 1
                if self.dedupe:
                    return self.messages[key]
            message = {
                "key": key,
                "number": number,
                "text": text,
                "id": uuid.uuid4().hex[:20],
                "time": datetime.datetime.now(datetime.timezone.utc),
                "delivered": number not in self.undeliverable,
                **extra,
            }
            self.messages[key] = message
            self.deliveries[key] += 1
            self.report_queue.append(message)
            return message

    def texts_to(self, number):
        with self.lock:
            return [m["text"] for m in self.messages.values() if m["number"] == number]


# ---------------------------------------------------------------------------------------------
# Alibaba Cloud (dysmsapi RPC)
# ---------------------------------------------------------------------------------------------
def alibaba_signature(params, secret, method):
    def enc(value):
        return quote(str(value), safe="~")

    query = "&".join(f"{enc(k)}={enc(v)}" for k, v in sorted(params.items()))
    string_to_sign = f"{method}&{enc('/')}&{enc(query)}"
    digest = hmac.new(f"{secret}&".encode(), string_to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


class FakeAlibaba(FakeProvider):
    def __init__(self, access_key_id, access_key_secret, sign_name, templates):
        self.access_key_id = access_key_id
        self.access_key_secret = access_key_secret
        self.sign_name = sign_name
        self.templates = templates  # code -> (text with ${var}, [vars])
        self.nonces = set()
        super().__init__()

    def handle(self, request, body):
        params = {k: v[0] for k, v in parse_qs(body.decode(), keep_blank_values=True).items()}
        if request.command == "GET":
            params.update({k: v[0] for k, v in parse_qs(urlsplit(request.path).query).items()})
        signature = params.pop("Signature", "")
        expected = alibaba_signature(params, self.access_key_secret, request.command)
        nonce = params.get("SignatureNonce")
        if (
            params.get("AccessKeyId") != self.access_key_id
            or not hmac.compare_digest(signature, expected)
            or params.get("SignatureMethod") != "HMAC-SHA1"
            or params.get("Version") != "2017-05-25"
        ):
            self.auth_failures += 1
            return self._json(400, "SignatureDoesNotMatch", "Specified signature is not matched.")
        with self.lock:
            if nonce in self.nonces:
                return self._json(400, "SignatureNonceUsed", "Specified nonce was used.")
            self.nonces.add(nonce)
        self.requests.append((params.get("Action"), params))
        if params.get("Action") == "SendSms":
            return self._send(params)
        if params.get("Action") == "QuerySendDetails":
            return self._query(params)
        return self._json(400, "InvalidAction.NotFound", "Unknown action")

    def _send(self, params):
        fault = self.next_fault()
        if fault == "500":
            return 500, "text/html", "<h1>Internal Server Error</h1>", 0
        if fault == "throttle":
            return self._json(200, "isv.BUSINESS_LIMIT_CONTROL", "触发分钟级流控Permits:1")
        if fault == "reject_template":
            return self._json(200, "isv.SMS_TEMPLATE_ILLEGAL", "模板不合法(不存在或被拉黑)")
        number = params.get("PhoneNumbers", "")
        if not re.fullmatch(r"1\d{10}", number) or number in self.invalid_numbers:
            return self._json(200, "isv.MOBILE_NUMBER_ILLEGAL", "非法手机号")
        if params.get("SignName") != self.sign_name:
            return self._json(200, "isv.SMS_SIGNATURE_ILLEGAL", "签名不合法")
        template = self.templates.get(params.get("TemplateCode"))
        if not template:
            return self._json(200, "isv.SMS_TEMPLATE_ILLEGAL", "模板不合法(不存在或被拉黑)")
        values = json.loads(params.get("TemplateParam") or "{}")
        text, variables = template
        if any(var not in values for var in variables):
            return self._json(200, "isv.TEMPLATE_MISSING_PARAMETERS", "模板缺少变量")
        for var in variables:
            text = text.replace("${" + var + "}", str(values[var]))
        message = self.deliver(params.get("OutId") or uuid.uuid4().hex, number, text)
        if fault == "malformed":
            return 200, "application/json", "<html>502 Bad Gateway</html>", 0
        answer = {"Code": "OK", "Message": "OK", "BizId": message["id"], "RequestId": "r"}
        return 200, "application/json", json.dumps(answer), self._delay(fault)

    def _query(self, params):
        day = params.get("SendDate")
        details = []
        with self.lock:
            for message in self.messages.values():
                sent_day = message["time"].astimezone(CHINA_TZ).strftime("%Y%m%d")
                if message["number"] != params.get("PhoneNumber") or sent_day != day:
                    continue
                if params.get("BizId") and params["BizId"] != message["id"]:
                    continue
                details.append(
                    {
                        "OutId": message["key"],
                        "PhoneNum": message["number"],
                        "Content": message["text"],
                        "SendStatus": 3 if message["delivered"] else 2,
                        "ErrCode": "DELIVERED" if message["delivered"] else "MK:0001",
                    }
                )
        answer = {
            "Code": "OK",
            "Message": "OK",
            "TotalCount": len(details),
            "SmsSendDetailDTOs": {"SmsSendDetailDTO": details},
        }
        return 200, "application/json", json.dumps(answer), 0

    def _delay(self, fault):
        return self.timeout_delay if fault == "timeout" else 0

    @staticmethod
    def _json(status, code, message):
        return status, "application/json", json.dumps({"Code": code, "Message": message}), 0


# ---------------------------------------------------------------------------------------------
# Tencent Cloud (TC3-HMAC-SHA256)
# ---------------------------------------------------------------------------------------------
def tc3_signature(secret_key, date, string_to_sign, service="sms"):
    def sign(key, msg):
        return hmac.new(key, msg.encode(), hashlib.sha256).digest()

    k_date = sign(("TC3" + secret_key).encode(), date)
    k_service = sign(k_date, service)
    k_signing = sign(k_service, "tc3_request")
    return hmac.new(k_signing, string_to_sign.encode(), hashlib.sha256).hexdigest()


class FakeTencent(FakeProvider):
    def __init__(self, secret_id, secret_key, app_id, sign_name, templates):
        self.secret_id = secret_id
        self.secret_key = secret_key
        self.app_id = app_id
        self.sign_name = sign_name
        self.templates = templates  # id -> text with {1}, {2}...
        super().__init__()

    def handle(self, request, body):
        if not self._signature_ok(request, body):
            self.auth_failures += 1
            return self._error(
                "AuthFailure.SignatureFailure", "The provided credentials could not be validated."
            )
        params = json.loads(body or b"{}")
        action = request.headers.get("X-TC-Action")
        self.requests.append((action, params))
        if params.get("SmsSdkAppId") != self.app_id:
            return self._error(
                "FailedOperation.SmsSdkAppIdVerifyFail", "SdkAppId verification failed."
            )
        if action == "SendSms":
            return self._send(params)
        if action == "PullSmsSendStatus":
            with self.lock:
                batch, self.report_queue = self.report_queue[:100], self.report_queue[100:]
            return self._ok({"PullSmsSendStatusSet": [self._status(m) for m in batch]})
        if action == "PullSmsSendStatusByPhoneNumber":
            begin = datetime.datetime.fromtimestamp(params["BeginTime"], datetime.timezone.utc)
            with self.lock:
                found = [
                    self._status(m)
                    for m in self.messages.values()
                    if m["number"] == params["PhoneNumber"] and m["time"] >= begin
                ]
            return self._ok({"PullSmsSendStatusSet": found})
        return self._error("InvalidAction", "Unknown action")

    def _signature_ok(self, request, body):
        auth = request.headers.get("Authorization", "")
        match = re.fullmatch(
            r"TC3-HMAC-SHA256 Credential=([^/]+)/(\d{4}-\d{2}-\d{2})/sms/tc3_request, "
            r"SignedHeaders=content-type;host, Signature=([0-9a-f]{64})",
            auth,
        )
        if not match or match.group(1) != self.secret_id:
            return False
        timestamp = request.headers.get("X-TC-Timestamp", "0")
        date = datetime.datetime.fromtimestamp(int(timestamp), datetime.timezone.utc).strftime(
            "%Y-%m-%d"
        )
        if date != match.group(2) or abs(time.time() - int(timestamp)) > 300:
            return False
        canonical = "\n".join(
            [
                "POST",
                "/",
                "",
                f"content-type:{request.headers.get('Content-Type')}",
                f"host:{request.headers.get('Host')}",
                "",
                "content-type;host",
                hashlib.sha256(body).hexdigest(),
            ]
        )
        string_to_sign = "\n".join(
            [
                "TC3-HMAC-SHA256",
                timestamp,
                f"{date}/sms/tc3_request",
                hashlib.sha256(canonical.encode()).hexdigest(),
            ]
        )
        return hmac.compare_digest(
            tc3_signature(self.secret_key, date, string_to_sign), match.group(3)
        )

    def _send(self, params):
        fault = self.next_fault()
        if fault == "500":
            return 500, "text/html", "<h1>502 Bad Gateway</h1>", 0
        statuses = []
        for number in params.get("PhoneNumberSet") or []:
            statuses.append(self._send_one(number, params, fault))
        if fault == "malformed":
            return 200, "application/json", '{"Response": {"SendStatusSet": [', 0
        status, content_type, payload, _delay = self._ok({"SendStatusSet": statuses})
        return status, content_type, payload, (self.timeout_delay if fault == "timeout" else 0)

    def _send_one(self, number, params, fault):
        def status(code, message, serial=""):
            return {
                "SerialNo": serial,
                "PhoneNumber": number,
                "Fee": 1 if serial else 0,
                "SessionContext": params.get("SessionContext", ""),
                "Code": code,
                "Message": message,
                "IsoCode": "CN",
            }

        if fault == "throttle":
            return status(
                "LimitExceeded.PhoneNumberThirtySecondLimit",
                "单个手机号30秒内下发短信条数超过设定的上限",
            )
        if fault == "reject_template" or params.get("TemplateId") not in self.templates:
            return status("FailedOperation.TemplateIncorrectOrUnapproved", "模板未审批或内容不匹配")
        if not re.fullmatch(r"\+861\d{10}", number) or number in self.invalid_numbers:
            return status("InvalidParameterValue.IncorrectPhoneNumber", "手机号格式错误")
        if params.get("SignName") != self.sign_name:
            return status("FailedOperation.SignatureIncorrectOrUnapproved", "签名未审批或格式错误")
        text = self.templates[params["TemplateId"]]
        values = params.get("TemplateParamSet") or []
        if len(values) != text.count("{"):
            return status(
                "FailedOperation.TemplateParamSetNotMatchApprovedTemplate", "参数个数不匹配"
            )
        for index, value in enumerate(values, start=1):
            text = text.replace("{" + str(index) + "}", value)
        message = self.deliver(params.get("SessionContext") or uuid.uuid4().hex, number, text)
        return status("Ok", "send success", message["id"])

    @staticmethod
    def _status(message):
        return {
            "UserReceiveTime": message["time"].astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M:%S"),
            "CountryCode": "86",
            "SubscriberNumber": message["number"][3:],
            "PhoneNumber": message["number"],
            "SerialNo": message["id"],
            "ReportStatus": "SUCCESS" if message["delivered"] else "FAIL",
            "Description": "DELIVRD" if message["delivered"] else "MK:0001",
            "SessionContext": message["key"],
        }

    @staticmethod
    def _ok(payload):
        answer = {"Response": {**payload, "RequestId": uuid.uuid4().hex}}
        return 200, "application/json", json.dumps(answer), 0

    @staticmethod
    def _error(code, message):
        answer = {"Response": {"Error": {"Code": code, "Message": message}, "RequestId": "r"}}
        return 200, "application/json", json.dumps(answer), 0


# ---------------------------------------------------------------------------------------------
# Twilio
# ---------------------------------------------------------------------------------------------
class FakeTwilio(FakeProvider):
    def __init__(self, account_sid, auth_token, sender):
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.sender = sender
        super().__init__()

    def handle(self, request, body):
        expected = (
            "Basic " + base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        )
        if not hmac.compare_digest(request.headers.get("Authorization", ""), expected):
            self.auth_failures += 1
            return self._json(401, {"code": 20003, "message": "Authenticate", "status": 401})
        url = urlsplit(request.path)
        prefix = f"/2010-04-01/Accounts/{self.account_sid}/Messages"
        if not url.path.startswith(prefix):
            return self._json(404, {"code": 20404, "message": "Not found", "status": 404})
        rest = url.path[len(prefix) :]
        if request.command == "POST" and rest == ".json":
            form = {k: v[0] for k, v in parse_qs(body.decode(), keep_blank_values=True).items()}
            self.requests.append(("send", form))
            return self._send(form, request.headers.get("I-Twilio-Idempotency-Token"))
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        if rest == ".json":
            self.requests.append(("list", query))
            return self._list(query)
        match = re.fullmatch(r"/(\w+)\.json", rest)
        if match:
            with self.lock:
                found = [m for m in self.messages.values() if "SM" + m["id"] == match.group(1)]
            if found:
                return self._json(200, self._resource(found[0]))
        return self._json(404, {"code": 20404, "message": "Not found", "status": 404})

    def _send(self, form, key):
        fault = self.next_fault()
        if fault == "500":
            return 500, "text/html", "<h1>Internal Server Error</h1>", 0
        if fault == "throttle":
            return self._json(429, {"code": 20429, "message": "Too Many Requests", "status": 429})
        if form.get("From") != self.sender:
            return self._json(
                400, {"code": 21606, "message": "The From number is not valid", "status": 400}
            )
        number = form.get("To", "")
        if not re.fullmatch(r"\+[1-9]\d{7,14}", number) or number in self.invalid_numbers:
            message = f"The 'To' number {number} is not a valid phone number."
            return self._json(400, {"code": 21211, "message": message, "status": 400})
        message = self.deliver(key or uuid.uuid4().hex, number, form.get("Body", ""))
        if fault == "malformed":
            return 200, "application/json", "Service Unavailable", 0
        resource = self._resource(message, status="queued")
        return (
            201,
            "application/json",
            json.dumps(resource),
            (self.timeout_delay if fault == "timeout" else 0),
        )

    def _list(self, query):
        since = query.get("DateSent>")
        with self.lock:
            found = [
                self._resource(m)
                for m in self.messages.values()
                if m["number"] == query.get("To")
                and (not since or m["time"].date().isoformat() >= since)
            ]
        return self._json(200, {"messages": found})

    def _resource(self, message, status=None):
        return {
            "sid": "SM" + message["id"],
            "to": message["number"],
            "from": self.sender,
            "body": message["text"],
            "status": status or ("delivered" if message["delivered"] else "undelivered"),
            "error_code": None if message["delivered"] else 30003,
            "error_message": None if message["delivered"] else "Unreachable destination handset",
        }

    @staticmethod
    def _json(status, payload):
        return status, "application/json", json.dumps(payload), 0
