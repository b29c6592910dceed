import re

import odoo
from odoo.tests import HttpCase, new_test_user, tagged

from .common import ChainSmsCase


@tagged("post_install", "-at_install")
class TestPortalLogin(ChainSmsCase, HttpCase):
    """A member signs in to the portal with a code sent to their mobile."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal_user = new_test_user(
            cls.env, login="mei_portal", groups="base.group_portal", partner_id=cls.mei.id
        )

    def setUp(self):
        super().setUp()
        self.authenticate(None, None)  # an anonymous visitor of the test database

    def _csrf(self, path="/chain_sms/login"):
        page = self.url_open(path).text
        return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)

    def _request_code(self, number):
        token = self._csrf()
        response = self.url_open(
            "/chain_sms/login/send", data={"csrf_token": token, "number": number}
        )
        self.assertEqual(response.status_code, 200)
        self.run_queue()  # the code leaves through the queue (triggered at once)
        return token

    def test_a_member_signs_in_with_the_code(self):
        token = self._request_code("138 0013 8001")
        code = re.search(r"\d{6}", self.alibaba.texts_to("13800138001")[-1]).group(0)
        response = self.url_open(
            "/chain_sms/login/verify",
            data={"csrf_token": token, "number": "+8613800138001", "code": code, "redirect": "/my"},
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 303)
        self.assertTrue(response.headers["Location"].endswith("/my"))
        session = odoo.http.root.session_store.get(response.cookies["session_id"])
        self.assertEqual(session.uid, self.portal_user.id)

    def test_a_wrong_code_does_not_sign_in(self):
        token = self._request_code("+8613800138001")
        response = self.url_open(
            "/chain_sms/login/verify",
            data={"csrf_token": token, "number": "+8613800138001", "code": "000000"},
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("wrong or has expired", response.text)

    def test_unknown_numbers_get_the_same_answer_and_no_sms(self):
        self._request_code("+8613800138999")
        self.assertFalse(self.alibaba.messages)

    def test_internal_users_cannot_sign_in_by_sms(self):
        self.hq_manager.partner_id.mobile = "+8613800138050"
        self._request_code("+8613800138050")
        self.assertFalse(self.alibaba.messages, "no code for a non-portal user")


@tagged("post_install", "-at_install")
class TestPortalSignupCode(ChainSmsCase, HttpCase):
    """A visitor signs up as a member only with the code sent to the mobile number: a stranger
    cannot register someone else's number (whose owner would then be refused)."""

    NUMBER = "13700137066"

    def setUp(self):
        super().setUp()
        self.env["ir.config_parameter"].sudo().set_param("auth_signup.invitation_scope", "b2c")
        self.authenticate(None, None)

    def _post(self, **values):
        page = self.url_open("/member/signup").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        data = {
            "csrf_token": token,
            "name": "Zhou Xun",
            "mobile": self.NUMBER,
            "password": "s3cret-pass",
            "confirm_password": "s3cret-pass",
            "transactional_consent": "on",
            **values,
        }
        return self.url_open("/member/signup", data=data, allow_redirects=False)

    def members(self):
        return self.env["res.partner"].sudo().search_count([("mobile", "=", "+86" + self.NUMBER)])

    def test_the_sign_up_needs_the_code_sent_to_the_number(self):
        page = self.url_open("/member/signup").text
        self.assertIn('name="sms_code"', page)
        for values, message in (
            ({}, "Enter the code sent by SMS"),
            ({"sms_code": "000000"}, "wrong or has expired"),
        ):
            with self.subTest(values=values):
                response = self._post(**values)
                self.assertEqual(response.status_code, 200)
                self.assertIn(message, response.text)
        self.assertEqual(self.members(), 0)
        self.assertFalse(self.alibaba.messages)
        response = self._post(chain_sms_send="1")
        self.assertIn("A code is on its way", response.text)
        self.assertEqual(self.members(), 0)
        self.run_queue()
        code = re.search(r"\d{6}", self.alibaba.texts_to(self.NUMBER)[-1]).group(0)
        wrong = "000000" if code != "000000" else "111111"
        self.assertIn("wrong or has expired", self._post(sms_code=wrong).text)
        self.assertEqual(self.members(), 0)
        response = self._post(sms_code=code)
        self.assertEqual(response.status_code, 303, response.text[-2000:])
        self.assertEqual(self.members(), 1)
        # the code is used once
        member = self.env["res.partner"].sudo().search([("mobile", "=", "+86" + self.NUMBER)])
        member.mobile = "+8613700137067"  # the number is free again: the code is not
        self.authenticate(None, None)  # a visitor again (the sign-up signed the member in)
        self.assertIn("wrong or has expired", self._post(sms_code=code).text)
