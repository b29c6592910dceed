import datetime
import re

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import ChainSmsCase


@tagged("post_install", "-at_install")
class TestVerification(ChainSmsCase):
    """SMS codes: hashed, short-lived, few attempts, few requests per number."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Verification = cls.env["chain.sms.verification"]

    def _code_sent_to(self, number, server=None):
        texts = (server or self.alibaba).texts_to(number)
        return re.search(r"\d{6}", texts[-1]).group(0)

    def test_a_code_is_sent_at_once_and_only_its_hash_is_kept(self):
        verification = self.Verification._request_code(
            self.mei.mobile, "portal_login", partner=self.mei
        )
        code = self._code_sent_to("13800138001")
        self.assertEqual(verification.sms_id.state, "pending", "sent without waiting for the queue")
        self.assertNotIn(code, verification.code_hash)
        self.assertNotIn(code, verification.sms_id.body, "the code leaves the database once sent")
        self.assertNotIn(code, str(verification.sms_id.chain_template_params))
        self.assertEqual(
            self.Verification._check_code(self.mei.mobile, "portal_login", code), verification
        )
        self.assertEqual(verification.state, "verified")
        self.assertFalse(
            self.Verification._check_code(self.mei.mobile, "portal_login", code), "once"
        )

    def test_a_wrong_code_counts_and_blocks_after_the_limit(self):
        self.Verification._request_code(self.mei.mobile, "portal_login", partner=self.mei)
        code = self._code_sent_to("13800138001")
        wrong = f"{(int(code) + 1) % 10**6:06d}"
        for _attempt in range(5):
            self.assertFalse(self.Verification._check_code(self.mei.mobile, "portal_login", wrong))
        verification = self.Verification.search([("number", "=", self.mei.mobile)], limit=1)
        self.assertEqual((verification.state, verification.attempt_count), ("blocked", 5))
        self.assertFalse(self.Verification._check_code(self.mei.mobile, "portal_login", code))

    def test_a_code_expires(self):
        with freeze_time("2026-05-01 10:00:00"):
            self.Verification._request_code(self.mei.mobile, "portal_login", partner=self.mei)
            code = self._code_sent_to("13800138001")
        with freeze_time("2026-05-01 10:06:00"):
            self.assertFalse(self.Verification._check_code(self.mei.mobile, "portal_login", code))

    def test_a_number_gets_one_code_a_minute_and_five_an_hour(self):
        with freeze_time("2026-05-01 10:00:00") as frozen:
            self.Verification._request_code(self.mei.mobile, "portal_login")
            with self.assertRaises(UserError):
                self.Verification._request_code(self.mei.mobile, "portal_login")
            for _i in range(4):
                frozen.tick(datetime.timedelta(seconds=61))
                self.Verification._request_code(self.mei.mobile, "portal_login")
            frozen.tick(datetime.timedelta(seconds=61))
            with self.assertRaises(UserError):
                self.Verification._request_code(self.mei.mobile, "portal_login")
            self.Verification._request_code(self.lei.mobile, "portal_login")

    def test_a_new_code_replaces_the_previous_one(self):
        with freeze_time("2026-05-01 10:00:00") as frozen:
            first = self.Verification._request_code(self.mei.mobile, "portal_login")
            old_code = self._code_sent_to("13800138001")
            frozen.tick(datetime.timedelta(seconds=61))
            self.Verification._request_code(self.mei.mobile, "portal_login")
            self.assertEqual(first.state, "superseded")
            self.assertFalse(
                self.Verification._check_code(self.mei.mobile, "portal_login", old_code)
            )

    def test_large_balance_payments_need_a_code_when_the_chain_enables_it(self):
        self.company.write(
            {"chain_sms_payment_code": False, "chain_sms_payment_code_threshold": 500}
        )
        self.assertFalse(self.Verification._payment_requires_code(self.mei, 800.0, self.store_a))
        self.company.chain_sms_payment_code = True
        self.assertTrue(self.Verification._payment_requires_code(self.mei, 800.0, self.store_a))
        self.assertFalse(self.Verification._payment_requires_code(self.mei, 499.99, self.store_a))

    def test_a_payment_code_confirms_one_payment_once(self):
        Verification = self.Verification.with_user(self.cashier)
        Verification._request_payment_code(self.mei, 800.0, "POS/0001", store=self.store_a)
        code = self._code_sent_to("13800138001")

        def confirmed(reference):
            return Verification._check_payment_code(
                self.mei, reference, code, 800.0, store=self.store_a
            )[0]

        self.assertFalse(confirmed("POS/0002"), "other payment")
        self.assertTrue(confirmed("POS/0001"))
        self.assertFalse(confirmed("POS/0001"), "used")

    def test_the_code_goes_through_the_stores_company_gateway(self):
        self.use_gateway(self.gw_tencent)
        self.Verification._request_code(
            self.lei.mobile, "payment", partner=self.lei, store=self.store_b
        )
        self.assertIn("verification code", self.tencent.texts_to(self.lei.mobile)[0])

    def test_portal_users_cannot_call_the_service(self):
        portal = new_test_user(self.env, login="sms_portal", groups="base.group_portal")
        with self.assertRaises(AccessError):
            self.Verification.with_user(portal)._request_code(self.mei.mobile, "portal_login")
        with self.assertRaises(AccessError):
            self.Verification.with_user(portal)._check_code(self.mei.mobile, "payment", "123456")
        self.assertFalse(self.alibaba.messages)

    def test_cashiers_cannot_read_codes(self):
        verification = self.Verification._request_code(self.mei.mobile, "payment", partner=self.mei)
        with self.assertRaises(AccessError):
            verification.with_user(self.cashier).read(["state"])
        with self.assertRaises(AccessError):
            verification.with_user(self.hq_manager).read(["code_hash"])
        self.assertEqual(
            verification.with_user(self.hq_manager).read(["state"])[0]["state"], "pending"
        )
