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
