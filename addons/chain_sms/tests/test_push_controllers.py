import json

from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from odoo.addons.chain_sms.tools.twilio import request_signature

from .common import ChainSmsCase


@tagged("post_install", "-at_install")
class TestPushControllers(ChainSmsCase, HttpCase):
    """Delivery reports and replies pushed by the providers (token-protected routes)."""

    def setUp(self):
        super().setUp()
        # a session on the test database (the server holds several, like a provider's push
        # would find a single one in production)
        self.authenticate(None, None)

    def _post_json(self, gateway, kind, payload, token=None):
        url = gateway._chain_push_url(kind)
        if token is not None:
            url = url.rsplit("/", 2)[0] + f"/{token}/{kind}"
        return self.url_open(
            url, data=json.dumps(payload), headers={"Content-Type": "application/json"}
        )

    def _post_twilio(self, kind, form, signature=None):
        url = self.gw_twilio._chain_push_url(kind)
        signature = signature or request_signature(self.gw_twilio.sudo().api_secret, url, form)
        return self.url_open(url, data=form, headers={"X-Twilio-Signature": signature})

    def test_a_wrong_token_is_refused(self):
        response = self._post_json(self.gw_alibaba, "inbound", [], token="not-the-token")
        self.assertEqual(response.status_code, 403)

    def test_alibaba_pushes_a_reply_and_a_delivery_report(self):
        response = self._post_json(
            self.gw_alibaba,
            "inbound",
            [
                {
                    "phone_number": "13800138001",
                    "content": "TD",
                    "send_time": "2026-05-01 10:00:00",
                    "sign_name": "链会员",
                    "dest_code": "1",
                    "sequence_id": 1,
                }
            ],
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["code"], 0)
        self.assertFalse(self.mei.marketing_consent)
        self.assertEqual(self.mei.marketing_consent_channel, "sms")

        sms = self.event(self.mei, "topup", amount=1.0, balance=1.0)
        self.run_queue()
        report = {
            "phone_number": "13800138001",
            "success": True,
            "err_code": "DELIVERED",
            "err_msg": "用户接收成功",
            "biz_id": sms.chain_provider_message_id,
            "out_id": sms.uuid,
        }
        self._post_json(self.gw_alibaba, "report", [report])
        self.assertEqual((sms.state, sms.chain_delivery_status), ("sent", "delivered"))

    def test_tencent_pushes_a_reply_and_a_failed_delivery(self):
        self.use_gateway(self.gw_tencent)
        self._post_json(
            self.gw_tencent,
            "inbound",
            {
                "extend": "",
                "mobile": "13800138001",
                "nationcode": "86",
                "sign": "链会员",
                "text": "退订",
                "time": 1777600000,
            },
        )
        self.assertFalse(self.mei.marketing_consent)
        sms = self.event(self.mei, "topup", amount=1.0, balance=1.0)
        self.run_queue()
        response = self._post_json(
            self.gw_tencent,
            "report",
            [
                {
                    "user_receive_time": "2026-05-01 10:00:05",
                    "nationcode": "86",
                    "mobile": "13800138001",
                    "report_status": "FAIL",
                    "errmsg": "MK:0001",
                    "description": "用户停机",
                    "sid": sms.chain_provider_message_id,
                }
            ],
        )
        self.assertEqual(response.json(), {"result": 0, "errmsg": "OK"})
        self.assertEqual((sms.state, sms.chain_delivery_status), ("error", "undelivered"))
        self.assertEqual(sms.chain_error_message, "用户停机")

    def test_twilio_pushes_are_signed(self):
        self.use_gateway(self.gw_twilio)
        form = {"From": self.lei.mobile, "To": "+15005550006", "Body": "STOP", "MessageSid": "SM1"}
        self.lei.marketing_consent = True
        with mute_logger("odoo.addons.chain_sms.controllers.main"):
            response = self._post_twilio("inbound", form, signature="forged")
        self.assertEqual(response.status_code, 403)
        self.assertTrue(self.lei.marketing_consent)
        response = self._post_twilio("inbound", form)
        self.assertEqual(response.status_code, 200)
        self.assertFalse(self.lei.marketing_consent)

        sms = self.event(self.lei, "topup", amount=1.0, balance=1.0)
        self.run_queue()
        self._post_twilio(
            "report", {"MessageSid": sms.chain_provider_message_id, "MessageStatus": "delivered"}
        )
        self.assertEqual((sms.state, sms.chain_delivery_status), ("sent", "delivered"))
