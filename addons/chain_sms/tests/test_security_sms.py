"""Adversarial tests of chain_sms: every public method and route, called by every role with
hostile arguments, and the SMS confirmation of large payments forged every way the till's
payload allows. Each test asserts the refusal AND that nothing was written."""

import inspect
import json
import re
import threading
import uuid
from unittest.mock import patch

from odoo import SUPERUSER_ID, api, fields
from odoo.exceptions import AccessError, UserError
from odoo.modules.registry import DummyRLock, Registry
from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.chain_sms.models.chain_sms_verification import ChainSmsVerification

from .common import ChainSmsCase
from .common_payment import PaymentCodeCase

DEMO_ROLES = (
    "sh01_cashier",
    "sh01_manager",
    "sh02_cashier",
    "sz01_cashier",
    "al01_merchant",
)
# Every public method (no leading underscore) the models of chain_sms define or override, with
# who may call it. A new one must be added here and to the threat model (README).
PUBLIC_METHODS = {
    "chain.sms.campaign": {
        "action_send_now": "HQ",
        "action_schedule": "HQ",
        "action_cancel": "HQ",
        "action_draft": "HQ",
        "action_test_send": "HQ",
        "action_view_messages": "HQ",
    },
    "chain.sms.campaign.test": {"action_send": "HQ"},
    "chain.sms.gateway": {
        "create": "HQ",
        "write": "HQ",
        "action_regenerate_token": "HQ",
    },
    "chain.sms.event": {"action_view_templates": "HQ (access rights)"},
    "chain.sms.verification": {},
    "chain.sms.inbound": {},
    "chain.sms.segment": {},
    "chain.sms.template": {},
    "chain.sms.template.code": {},
    "sms.sms": {
        "create": "server (sudo); system administrators",
        "send": "HQ (access rights); providers only through the queue",
        "action_chain_retry": "HQ",
        "init": "the registry (idempotent CREATE INDEX IF NOT EXISTS)",
    },
    "res.partner": {
        "write": "as chain_member; never the birthday greeting stamp",
        "action_chain_sms_messages": "HQ",
        "chain_wallet_authorize": "cashiers and merchants of the till's store (chain_member)",
    },
    "res.company": {},
    "res.config.settings": {},
    "res.users": {},
    "pos.order": {},
    "chain.count.card.package": {"write": "as chain_member; never the expiry warning stamp"},
}


def public_methods_of_chain_sms(env):
    """The public methods that chain_sms's own classes define, per model."""
    found = {}
    for model_name in PUBLIC_METHODS:
        for cls in type(env[model_name]).__mro__:
            if not cls.__module__.startswith("odoo.addons.chain_sms."):
                continue
            for name, member in vars(cls).items():
                if not name.startswith("_") and inspect.isfunction(member):
                    found.setdefault(model_name, set()).add(name)
    return found


def demo_users(env):
    users = env["res.users"].search([("login", "in", DEMO_ROLES)])
    return {user.login: user for user in users}


@tagged("post_install", "-at_install")
class TestSmsThreatModel(TransactionCase):
    def test_every_public_method_is_in_the_threat_model(self):
        found = public_methods_of_chain_sms(self.env)
        for model_name, names in found.items():
            with self.subTest(model=model_name):
                self.assertEqual(names - set(PUBLIC_METHODS[model_name]), set())
        for model in self.env.registry.models:
            if model.startswith("chain.sms"):
                self.assertIn(model, PUBLIC_METHODS, "a new chain_sms model needs its entry")

    def test_the_verification_service_is_private(self):
        Verification = type(self.env["chain.sms.verification"])
        for name in (
            "check_code",
            "check_payment_code",
            "payment_confirmed",
            "payment_requires_code",
            "request_code",
            "request_payment_code",
        ):
            self.assertFalse(hasattr(Verification, name), name)


@tagged("post_install", "-at_install")
class TestSmsPaymentForgery(PaymentCodeCase):
    """The SMS confirmation of a large payment binds one order (uuid, matched exactly), one
    member and one total: every other shape of the order is refused and writes nothing."""

    def setUp(self):
        super().setUp()
        self.topup(20000)
        # the tests ask several codes in a row: no minimum interval between two
        self.env["ir.config_parameter"].sudo().set_param("chain_sms.code_min_interval_seconds", "0")

    def state(self):
        self.env.flush_all()
        return (
            self.env["chain.sms.verification"].sudo().search_read([], ["state", "pos_order_id"]),
            self.env["sms.sms"].sudo().search_count([]),
            self.env["chain.wallet.transaction"].sudo().search_count([]),
            self.balance(),
            self.env["pos.order"].sudo().search_count([]),
        )

    def confirm(self, amount, order_uuid, member=None, **kwargs):
        """Ask for the code and enter it, as the till does; returns the token."""
        member = member or self.member
        asked = self.Partner.chain_wallet_authorize(
            member.id, amount, order_uuid, self.config_a.id, **kwargs
        )
        self.assertTrue(asked.get("sms_code_required"), asked)
        texts = self.alibaba.texts_to(member.mobile.removeprefix("+86"))
        code = re.search(r"\d{6}", texts[-1]).group(0)
        granted = self.Partner.chain_wallet_authorize(
            member.id, amount, order_uuid, self.config_a.id, sms_code=code, **kwargs
        )
        self.assertTrue(granted["ok"], granted)
        return granted["token"]

    def assert_sync_refused(self, vals, message="not confirmed with the code sent"):
        before = self.state()
        with self.assertRaisesRegex(UserError, message):
            with self.env.cr.savepoint():
                self.sync(vals)
        self.assertEqual(self.state(), before, "nothing of the order was written")

    def test_a_code_of_another_order_is_refused(self):
        token = self.confirm(800, "order-a")
        vals = self.paid_order(800, token=token)  # its own uuid
        self.assert_sync_refused(vals)

    def test_pattern_characters_in_the_uuid_match_nothing(self):
        real = str(uuid.uuid4())
        token = self.confirm(800, real)
        for forged in ("%", "_", real[:8] + "%", "%" + real[-8:], real.upper()):
            with self.subTest(uuid=forged):
                self.assert_sync_refused(self.paid_order(800, token=token, order_uuid=forged))
        token = self.confirm(800, "%")
        self.assert_sync_refused(self.paid_order(800, token=token))

    def test_a_code_for_100_does_not_cover_10000_over_two_lines(self):
        self.company.sudo().chain_sms_payment_code_threshold = 50.0
        vals = self.order_vals(
            self.session_a,
            [(self.haircut, 1, 10000)],
            [(self.wallet_method, 5000), (self.wallet_method, 5000)],
        )
        token = self.confirm(100, vals["uuid"])
        for payment in vals["payment_ids"]:
            payment[2]["transaction_id"] = token
        self.assert_sync_refused(vals)
        # the till said wallet_paid=0 for the second line: its code covers 5,000, not 10,000
        other = self.order_vals(
            self.session_a,
            [(self.haircut, 1, 10000)],
            [(self.wallet_method, 5000), (self.wallet_method, 5000)],
        )
        self.confirm(5000, other["uuid"], wallet_paid=0)
        self.assert_sync_refused(other)

    def test_a_code_of_another_member_is_refused(self):
        self.member_2.write({"mobile": "+8613800138102", "transactional_consent": True})
        self.topup(2000, member=self.member_2)
        vals = self.paid_order(800)
        self.confirm(800, vals["uuid"], member=self.member_2)
        self.assert_sync_refused(vals)

    def test_one_confirmation_serves_one_order(self):
        vals = self.paid_order(800)
        vals["payment_ids"][0][2]["transaction_id"] = self.confirm(800, vals["uuid"])
        order = self.sync(vals)
        verification = self.env["chain.sms.verification"].sudo().search([], limit=1)
        self.assertEqual(verification.pos_order_id, order)
        # another order carrying the same uuid finds the confirmation taken
        twin = self.sync(self.paid_order(100))
        twin.sudo().uuid = order.uuid
        Verification = self.env["chain.sms.verification"]
        self.assertFalse(Verification._payment_confirmed(self.member, twin, 800, self.store_a))
        self.assertTrue(Verification._payment_confirmed(self.member, order, 800, self.store_a))
        self.assertEqual(verification.pos_order_id, order)

    def test_hostile_arguments_get_a_clean_answer_and_write_nothing(self):
        vals = self.paid_order(800)
        before = self.state()
        hostile = [
            {"amount": "abc"},
            {"amount": float("nan")},
            {"amount": 1e12},
            {"order_uuid": None},
            {"order_uuid": 12345},
            {"order_uuid": "x" * 100000},
            {"wallet_paid": "abc"},
            {"wallet_paid": float("inf")},
            {"wallet_paid": -700},
            {"sms_code": 123456},
            {"sms_code": ["123456"]},
            {"sms_code": "1" * 100000},
        ]
        for case in hostile:
            with self.subTest(case=case):
                args = {"amount": 800, "order_uuid": vals["uuid"], **case}
                amount, order_uuid = args.pop("amount"), args.pop("order_uuid")
                result = self.Partner.chain_wallet_authorize(
                    self.member.id, amount, order_uuid, self.config_a.id, **args
                )
                self.assertFalse(result["ok"])
                self.assertNotIn("token", result)
                self.assertEqual(self.state(), before)

    def test_full_width_digits_are_not_the_code(self):
        vals = self.paid_order(800)
        self.Partner.chain_wallet_authorize(self.member.id, 800, vals["uuid"], self.config_a.id)
        [code] = self.codes_received()
        full_width = "".join(chr(ord(digit) + 0xFEE0) for digit in code)
        refused = self.authorize(800, vals["uuid"], sms_code=full_width)
        self.assertFalse(refused["ok"])
        self.assertNotIn("token", refused)
        self.assertTrue(self.authorize(800, vals["uuid"], sms_code=code)["ok"])

    def test_other_roles_cannot_ask_for_or_check_codes(self):
        vals = self.paid_order(800)
        portal = new_test_user(self.env, login="pay_portal", groups="base.group_portal")
        users = [*demo_users(self.env).values(), self.cashier_b, portal]
        before = self.state()
        for user in users:
            with self.subTest(user=user.login):
                Partner = self.env["res.partner"].with_user(user)
                for kwargs in ({}, {"sms_code": "123456"}, {"sms_resend": True}):
                    try:
                        with self.env.cr.savepoint():
                            result = Partner.chain_wallet_authorize(
                                self.member.id, 800, vals["uuid"], self.config_a.id, **kwargs
                            )
                    except AccessError:
                        continue
                    self.assertFalse(result["ok"])
                    self.assertNotIn("sms_code_required", result)
                    self.assertNotIn("token", result)
        self.assertEqual(self.state(), before)
        self.assertFalse(self.codes_received())

    def test_private_service_refuses_portal_users(self):
        portal = new_test_user(self.env, login="pay_portal2", groups="base.group_portal")
        Verification = self.env["chain.sms.verification"].with_user(portal)
        before = self.state()
        with self.assertRaises(AccessError):
            Verification._request_payment_code(self.member, 800, "order-x")
        with self.assertRaises(AccessError):
            Verification._try_code(self.member.mobile, "payment", "123456")
        self.assertEqual(self.state(), before)

    def test_a_cashier_cannot_send_unlimited_codes(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "chain_sms.code_max_per_requester_hour", "3"
        )
        members = self.env["res.partner"].create(
            [
                {
                    "name": f"Member {index}",
                    "is_member": True,
                    "mobile": f"+86139001390{index:02d}",
                    "transactional_consent": True,
                }
                for index in range(5)
            ]
        )
        answers = []
        for member in members:
            self.topup(1000, member=member)
            answers.append(
                self.Partner.chain_wallet_authorize(member.id, 800, "order-many", self.config_a.id)
            )
        self.assertEqual([a["sms_error"] for a in answers], [False, False, False, True, True])
        self.assertIn("Too many codes", answers[-1]["message"])
        sent = self.env["chain.sms.verification"].sudo().search_count([])
        self.assertEqual(sent, 3)

    def test_a_lost_card_without_pin_is_confirmed_by_sms(self):
        """chain_member answers ``card_lost`` + ``pin_missing`` for a member whose card was
        reported lost and who has no PIN: the SMS code stands in for the PIN, whatever the
        amount, and yields the same token."""
        answer = {
            "ok": False,
            "card_lost": True,
            "pin_missing": True,
            "pin_required": True,
            "message": "lost",
        }
        with patch(
            "odoo.addons.chain_wallet.models.res_partner.ResPartner.chain_wallet_authorize",
            autospec=True,
            return_value=answer,
        ):
            vals = self.paid_order(100)
            asked = self.authorize(100, vals["uuid"])
            self.assertTrue(asked["sms_code_required"] and asked["card_lost"], asked)
            [code] = self.codes_received()
            wrong = self.authorize(100, vals["uuid"], sms_code=self.wrong(code))
            self.assertNotIn("token", wrong)
            granted = self.authorize(100, vals["uuid"], sms_code=code)
        self.assertTrue(granted["ok"])
        self.assertTrue(self.member._chain_wallet_check_token(granted["token"], vals["uuid"], 100))
        self.assertFalse(
            self.member._chain_wallet_check_token(granted["token"], vals["uuid"], 100.01)
        )

    def test_a_lost_card_through_chain_member(self):
        """The real flow: the member's card is reported lost, the member has no PIN; the till
        gets the SMS code instead and the order with its token syncs (chain_member's PIN rule
        for lost cards holds), for an amount below the threshold too."""
        card = self.env["chain.member.card"].create(
            {"partner_id": self.member.id, "kind": "magstripe", "store_id": self.store_a.id}
        )
        card._activate(reason="Issued", store=self.store_a)
        card._report_lost("lost on the bus", store=self.store_a)
        vals = self.paid_order(100)
        asked = self.authorize(100, vals["uuid"])
        if not asked.get("card_lost"):
            self.skipTest("chain_member does not ask for a PIN on a lost card yet")
        self.assertTrue(asked["sms_code_required"], asked)
        [code] = self.codes_received()
        before = self.state()
        self.assert_sync_refused(vals, "PIN")
        self.assertEqual(self.state(), before)
        granted = self.authorize(100, vals["uuid"], sms_code=code)
        self.assertTrue(granted["ok"], granted)
        vals["payment_ids"][0][2]["transaction_id"] = granted["token"]
        self.sync(vals)
        self.assertEqual(self.balance(), (22000 - 100, 0))


@tagged("post_install", "-at_install")
class TestSmsRoles(ChainSmsCase):
    """Campaigns, gateways, messages and member fields: who may call the public methods."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal = new_test_user(
            cls.env, login="roles_portal", groups="base.group_portal", partner_id=cls.mei.id
        )
        cls.segment = cls.env["chain.sms.segment"].create({"name": "All"})
        template = cls.env.ref("chain_sms.template_campaign_zh")
        cls.campaign = cls.env["chain.sms.campaign"].create(
            {
                "name": "Spring",
                "segment_id": cls.segment.id,
                "template_ids": [(6, 0, template.ids)],
                "scheduled_at": fields.Datetime.now(),
            }
        )
        cls.others = [*demo_users(cls.env).values(), cls.cashier, cls.store_manager, cls.portal]

    def state(self):
        self.env.flush_all()
        self.env.invalidate_all()
        return (
            self.campaign.state,
            self.env["sms.sms"].search_read([], ["state", "chain_gateway_id"]),
            self.gw_alibaba.sudo().inbound_token,
            self.gw_alibaba.sudo().api_secret,
            self.env["chain.sms.verification"].search_count([]),
            self.mei.chain_sms_birthday_greeted_on,
            dict(self.alibaba.messages),
        )

    def test_campaign_actions_are_for_hq(self):
        before = self.state()
        for user in self.others:
            campaign = self.campaign.with_user(user)
            for action in (
                "action_send_now",
                "action_schedule",
                "action_cancel",
                "action_draft",
                "action_test_send",
                "action_view_messages",
            ):
                with self.subTest(user=user.login, action=action):
                    with self.assertRaises(AccessError), self.env.cr.savepoint():
                        getattr(campaign, action)()
        self.assertEqual(self.state(), before)

    def test_gateways_are_for_hq(self):
        before = self.state()
        for user in self.others:
            gateway = self.gw_alibaba.with_user(user)
            Gateway = self.env["chain.sms.gateway"].with_user(user)
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError), self.env.cr.savepoint():
                    gateway.action_regenerate_token()
                with self.assertRaises(AccessError), self.env.cr.savepoint():
                    gateway.write({"api_secret": "stolen", "endpoint": "http://evil.example"})
                with self.assertRaises(AccessError), self.env.cr.savepoint():
                    Gateway.create({"name": "Mine", "provider": "twilio"})
                with self.assertRaises(AccessError):
                    gateway.read(["api_key", "api_secret", "inbound_token", "report_url"])
        self.assertEqual(self.state(), before)
        hq = self.gw_alibaba.with_user(self.hq_manager)
        hq.action_regenerate_token()
        self.assertNotEqual(hq.inbound_token, before[2])

    def test_messages_are_for_hq(self):
        sms = self.event(self.mei, "topup", amount=1.0, balance=1.0)
        sms.write({"state": "error", "failure_type": "chain_rejected"})
        before = self.state()
        for user in self.others:
            with self.subTest(user=user.login):
                messages = sms.with_user(user)
                with self.assertRaises(AccessError), self.env.cr.savepoint():
                    messages.action_chain_retry()
                with self.assertRaises(AccessError), self.env.cr.savepoint():
                    messages.with_context(chain_sms_send_now=True).send()
                with self.assertRaises(AccessError), self.env.cr.savepoint():
                    self.env["sms.sms"].with_user(user).create({"number": "+1", "body": "x"})
                with self.assertRaises(AccessError), self.env.cr.savepoint():
                    self.mei.with_user(user).action_chain_sms_messages()
        self.assertEqual(self.state(), before)

    def test_a_context_key_never_calls_the_provider(self):
        sms = self.event(self.mei, "topup", amount=1.0, balance=1.0)
        messages = sms.with_user(self.hq_manager).with_context(
            chain_sms_send_now=True, chain_sms_queue=True
        )
        messages.send()
        self.assertFalse(self.alibaba.messages, "a client's send only triggers the queue")
        self.assertEqual(sms.state, "outgoing")

    def test_the_jobs_stamps_are_not_written_by_clients(self):
        self.env["res.partner"].browse(
            self.mei.id
        ).sudo().chain_sms_birthday_greeted_on = fields.Date.today()
        before = self.state()
        for user in (self.cashier, self.store_manager, self.hq_manager):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError), self.env.cr.savepoint():
                    self.mei.with_user(user).write({"chain_sms_birthday_greeted_on": False})
                with self.assertRaises(AccessError), self.env.cr.savepoint():
                    self.mei.with_user(user).write({"chain_sms_birthday_greeted_on": "garbage"})
        self.assertEqual(self.state(), before)
        # the current value (a form saving every field) is accepted and changes nothing
        self.mei.with_user(self.hq_manager).write(
            {"chain_sms_birthday_greeted_on": fields.Date.today(), "comment": "ok"}
        )


@tagged("post_install", "-at_install")
class TestSmsRoutes(ChainSmsCase, HttpCase):
    """The portal's sign-in and the provider pushes, through real HTTP requests."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal_user = new_test_user(
            cls.env, login="mei_routes", groups="base.group_portal", partner_id=cls.mei.id
        )

    def setUp(self):
        super().setUp()
        self.authenticate(None, None)

    def _csrf(self):
        page = self.url_open("/chain_sms/login").text
        return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)

    def _post(self, path, **data):
        data.setdefault("csrf_token", self._csrf())
        return self.url_open(path, data=data, allow_redirects=False)

    @staticmethod
    def _page(response, number):
        """The answer as a stranger compares it (the number echoed and the form's token
        aside)."""
        # the CSRF token is in the form and in the page's session info; it carries its expiry
        # time, so two answers a second apart differ there
        text = re.sub(r"[0-9a-f]{40}o\d+", "TOKEN", response.text)
        return response.status_code, text.replace(number, "NUMBER")

    def state(self):
        self.env.invalidate_all()
        return (
            self.env["sms.sms"].search_count([]),
            self.env["chain.sms.verification"].search_read([], ["state", "attempt_count"]),
            self.mei.marketing_consent,
            dict(self.alibaba.messages),
        )

    def test_known_and_unknown_numbers_get_the_same_answer(self):
        known, unknown = "+8613800138001", "+8613800138999"
        first = [
            self._page(self._post("/chain_sms/login/send", number=n), n) for n in (known, unknown)
        ]
        self.assertEqual(first[0], first[1])
        self.assertIn("If this number belongs to a member", first[0][1])
        again = [
            self._page(self._post("/chain_sms/login/send", number=n), n) for n in (known, unknown)
        ]
        self.assertEqual(again[0], again[1], "the rate limit answers the same way")
        self.assertIn("Too many codes", again[0][1])
        wrong = [
            self._page(self._post("/chain_sms/login/verify", number=n, code="000000"), n)
            for n in (known, unknown)
        ]
        self.assertEqual(wrong[0], wrong[1])
        self.run_queue()
        self.assertEqual(len(self.alibaba.messages), 1, "only the member got a code")
        rows = self.env["chain.sms.verification"].search([], order="id")
        self.assertEqual(rows.mapped("number"), [known, unknown])
        self.assertEqual(rows.mapped("attempt_count"), [1, 1])

    def test_bad_input_gets_a_clean_answer(self):
        before = self.state()
        for number in ("x" * 100000, "abc", "13800138001'; DROP TABLE", "", "++--", "\x00"):
            with self.subTest(number=number[:20]):
                response = self._post("/chain_sms/login/send", number=number)
                self.assertEqual(response.status_code, 200)
                self.assertIn("Enter a mobile number", response.text)
                response = self._post("/chain_sms/login/verify", number=number, code="123456")
                self.assertEqual(response.status_code, 200)
                self.assertIn("wrong or has expired", response.text)
        for code in ("１２３４５６", "x" * 100000, "12345", "%", ""):
            with self.subTest(code=code[:20]):
                response = self._post("/chain_sms/login/verify", number="+8613800138001", code=code)
                self.assertEqual(response.status_code, 200)
                self.assertIn("wrong or has expired", response.text)
        self.assertEqual(self.state(), before)

    def test_full_width_digits_of_a_number_are_read_as_digits(self):
        self._post("/chain_sms/login/send", number="１３８００１３８００１")
        self.run_queue()
        self.assertEqual(len(self.alibaba.texts_to("13800138001")), 1)

    def test_csrf_is_required(self):
        before = self.state()
        with mute_logger("odoo.http"):
            for path in ("/chain_sms/login/send", "/chain_sms/login/verify"):
                response = self._post(path, csrf_token="forged", number="+8613800138001")
                self.assertEqual(response.status_code, 400, path)
        self.assertEqual(self.state(), before)

    def test_no_redirect_to_another_site(self):
        self._post("/chain_sms/login/send", number="+8613800138001")
        self.run_queue()
        code = re.search(r"\d{6}", self.alibaba.texts_to("13800138001")[-1]).group(0)
        response = self._post(
            "/chain_sms/login/verify", number="+8613800138001", code=code, redirect="/\\evil.com"
        )
        self.assertEqual(response.status_code, 303)
        self.assertTrue(response.headers["Location"].endswith("/my"), response.headers)

    def test_forged_pushes_change_nothing(self):
        sms = self.event(self.mei, "topup", amount=1.0, balance=1.0)
        self.run_queue()
        before = self.state()
        report = [{"out_id": sms.uuid, "success": False, "err_code": "FORGED"}]
        reply = [{"phone_number": "13800138001", "content": "TD"}]
        base = f"/chain_sms/{self.gw_alibaba.id}"
        token = self.gw_alibaba.sudo().inbound_token
        urls = [
            f"{base}/wrong-token/report",
            f"{base}/wrong-token/inbound",
            f"{base}/{token[:-1]}/inbound",
            f"{base}/{'x' * 5000}/inbound",
            f"{base}/t%C3%B6ken/inbound",
            f"/chain_sms/99999999999999999999/{token}/report",
            f"/chain_sms/0/{token}/report",
            f"/chain_sms/{self.gw_tencent.id}/{token}/inbound",
        ]
        with mute_logger("odoo.http", "odoo.addons.chain_sms.controllers.main"):
            for url in urls:
                for payload in (report, reply):
                    with self.subTest(url=url[-40:]):
                        response = self.url_open(
                            url,
                            data=json.dumps(payload),
                            headers={"Content-Type": "application/json"},
                        )
                        self.assertIn(response.status_code, (403, 404))
            # Twilio: the right URL with a forged or non-ASCII signature
            url = self.gw_twilio._chain_push_url("inbound")
            for signature in ("forged", "sïgnature", ""):
                response = self.url_open(
                    url,
                    data={"From": "+8613800138001", "Body": "STOP"},
                    headers={"X-Twilio-Signature": signature},
                )
                self.assertEqual(response.status_code, 403)
        self.assertEqual(self.state(), before)
        self.assertEqual(
            (sms.state, sms.chain_delivery_status, sms.chain_error_code),
            ("pending", "waiting", False),
        )

    def test_a_push_in_another_format_is_refused_cleanly(self):
        before = self.state()
        url = self.gw_alibaba._chain_push_url("inbound")
        with mute_logger("odoo.addons.chain_sms.controllers.main"):
            for body in ("5", '"text"', '[{"phone_number": 5, "content": ["TD"]}]', "{bad"):
                with self.subTest(body=body):
                    response = self.url_open(
                        url, data=body, headers={"Content-Type": "application/json"}
                    )
                    self.assertIn(response.status_code, (200, 400))
        self.assertEqual(self.state(), before)

    def test_rpc_cannot_reach_the_service(self):
        self.authenticate("sh01_cashier", "demo")
        before = self.state()
        for method, args in (
            ("_request_code", ["+8613800138001", "portal_login"]),
            ("_try_code", ["+8613800138001", "portal_login", "123456"]),
            ("request_code", ["+8613800138001", "portal_login"]),
            ("check_code", ["+8613800138001", "portal_login", "123456"]),
            ("payment_confirmed", [self.mei.id, "order", 1]),
        ):
            with self.subTest(method=method), mute_logger("odoo.http"):
                response = self.url_open(
                    "/web/dataset/call_kw",
                    data=json.dumps(
                        {
                            "jsonrpc": "2.0",
                            "method": "call",
                            "params": {
                                "model": "chain.sms.verification",
                                "method": method,
                                "args": args,
                                "kwargs": {},
                            },
                        }
                    ),
                    headers={"Content-Type": "application/json"},
                )
                self.assertEqual(response.status_code, 200)
                self.assertIn("error", response.json())
        self.assertEqual(self.state(), before)


@tagged("post_install", "-at_install")
class TestSignInParallelGuesses(TransactionCase):
    """Real concurrent transactions: threads with their own cursors, each committing, guess the
    same code at the same moment; the code's counter never lets more than the limit through.
    The data is committed (the threads must see it) and removed afterwards."""

    GUESSES = 12

    def setUp(self):
        super().setUp()
        self.registry_ = self.env.registry
        self.number = f"+86139{uuid.uuid4().int % 10**8:08d}"
        with self.registry_.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            verification = env["chain.sms.verification"]._request_code(
                self.number, "portal_login", deliver=None, requester="test:parallel"
            )
            verification.code_hash = verification._hash("424242")
            self.verification_id = verification.id
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        with self.registry_.cursor() as cr:
            cr.execute("DELETE FROM chain_sms_verification WHERE number = %s", [self.number])

    def _run_concurrently(self, jobs):
        barrier = threading.Barrier(len(jobs))
        outcomes = [None] * len(jobs)

        def worker(index, job):
            threading.current_thread().dbname = self.registry_.db_name
            with self.registry_.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                cr.execute("SELECT 1")  # the snapshot is taken before the race
                barrier.wait(timeout=30)
                try:
                    outcomes[index] = ("ok", job(env))
                except UserError as error:
                    cr.rollback()
                    outcomes[index] = ("refused", str(error))

        threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
        saved_lock, Registry._lock = Registry._lock, DummyRLock()
        try:
            with mute_logger("odoo.sql_db"):
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join(timeout=120)
        finally:
            Registry._lock = saved_lock
        self.assertFalse(any(thread.is_alive() for thread in threads), "a guess hung")
        return outcomes

    def _row(self):
        with self.registry_.cursor() as cr:
            cr.execute(
                "SELECT state, attempt_count FROM chain_sms_verification WHERE id = %s",
                [self.verification_id],
            )
            return cr.fetchone()

    def test_parallel_wrong_guesses_never_exceed_the_limit(self):
        compared = []
        lock = threading.Lock()
        original = ChainSmsVerification._code_matches

        def counting(verification, code_hash, code):
            with lock:
                compared.append(code)
            return original(verification, code_hash, code)

        def guess(code, env):
            return env["chain.sms.verification"]._try_code(self.number, "portal_login", code).reason

        wrong = [f"{100000 + index:06d}" for index in range(self.GUESSES)]
        with patch.object(ChainSmsVerification, "_code_matches", counting):
            outcomes = self._run_concurrently([lambda env, c=c: guess(c, env) for c in wrong])
        self.assertEqual(len(compared), 5, f"only the limit is compared: {outcomes}")
        self.assertEqual(self._row(), ("blocked", 5))
        reasons = sorted(outcome[1] for outcome in outcomes)
        self.assertEqual(reasons.count("wrong"), 4, outcomes)
        with self.registry_.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            right = env["chain.sms.verification"]._try_code(self.number, "portal_login", "424242")
            self.assertFalse(right.verification, "the right code comes too late")

    def test_parallel_requests_get_one_code(self):
        def ask(env):
            return (
                env["chain.sms.verification"]
                ._request_code(self.number, "portal_login", deliver=None, requester="test:other")
                .id
            )

        # the first code (setUp) was requested less than a minute ago: every request is refused
        outcomes = self._run_concurrently([ask] * 6)
        self.assertEqual([o[0] for o in outcomes], ["refused"] * 6, outcomes)
        with self.registry_.cursor() as cr:
            cr.execute(
                "UPDATE chain_sms_verification SET requested_at = requested_at - interval '2 min'"
                " WHERE number = %s",
                [self.number],
            )
        outcomes = self._run_concurrently([ask] * 6)
        self.assertEqual(sorted(o[0] for o in outcomes), ["ok"] + ["refused"] * 5, outcomes)
