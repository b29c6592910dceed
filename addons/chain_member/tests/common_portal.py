import re
from unittest.mock import patch

from odoo import Command
from odoo.tests import HttpCase
from odoo.tests.common import HOST, Opener

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class MemberPortalCase(HttpCase):
    """The member portal through HTTP: a chain, two tiers, a member with a portal login and a
    card, and the helpers that log in and open its pages (no tests here)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        Store = cls.env["chain.store"]
        cls.hq = Store.get_headquarters() or Store.create(
            {"code": "P-HQ", "name": "Portal HQ", "kind": "headquarters"}
        )
        cls.store = Store.create({"code": "P-A", "name": "Portal Store A", "kind": "direct"})
        Tier = cls.env["chain.member.tier"]
        Tier.search([]).active = False
        cls.silver = Tier.create({"name": "P Silver", "sequence": 1, "spend_threshold": 0})
        cls.gold = Tier.create(
            {"name": "P Gold", "sequence": 2, "spend_threshold": 1000, "spend_months": 12}
        )
        cls.member, cls.member_user = cls._member_with_user("Li Lei", "13800138000", "p_li")
        cls.member._chain_set_tier(cls.silver, "initial")
        cls.card = cls._active_card(cls.member)
        cls.other, cls.other_user = cls._member_with_user("Han Meimei", "13900139000", "p_han")
        cls.other_card = cls._active_card(cls.other)
        cls.env["ir.config_parameter"].sudo().set_param("auth_signup.invitation_scope", "b2c")
        pos_config = cls.env["pos.config"].create(
            {"name": "Portal Store A till", "chain_store_id": cls.store.id}
        )
        session = cls.env["pos.session"].create({"config_id": pos_config.id})
        cls.env.cr.execute(
            """INSERT INTO pos_order (name, partner_id, state, amount_total, chain_member_spend,
                   amount_tax, amount_paid, amount_return, date_order, company_id, session_id,
                   config_id)
               VALUES ('P-ORDER-1', %s, 'paid', 400, 400, 0, 400, 0, now() AT TIME ZONE 'UTC',
                       %s, %s, %s)""",
            [cls.member.id, cls.env.company.id, session.id, pos_config.id],
        )

    @classmethod
    def _member_with_user(cls, name, mobile, login):
        member = cls.env["res.partner"].chain_register_member(
            {"name": name, "mobile": mobile}, channel="store", store=cls.store
        )
        user = cls.env["res.users"].create(
            {
                "login": login,
                "password": login + "_pass",
                "partner_id": member.id,
                "groups_id": [Command.set([cls.env.ref("base.group_portal").id])],
            }
        )
        return member, user

    @classmethod
    def _active_card(cls, member):
        card = cls.env["chain.member.card"].create(
            {"partner_id": member.id, "kind": "magstripe", "store_id": cls.store.id}
        )
        card._activate(store=cls.store)
        return card

    def _login(self, user):
        self.authenticate(user.login, user.login + "_pass")

    def _page(self, url):
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200, url)
        return response.text

    def _post_form(self, url, data, page_url=None):
        """Post a form the way a browser does: with the CSRF token of the page it is on."""
        token = CSRF.search(self._page(page_url or url)).group(1)
        return self.url_open(url, data={**data, "csrf_token": token})

    def _signup(self, **values):
        # the proof of the mobile number is an addon's hook (chain_sms sends a code, tested
        # there): these tests are about the sign-up itself
        self.startPatcher(
            patch.object(
                type(self.env["res.partner"]),
                "_chain_portal_signup_verify",
                lambda _self, _values, _data: True,
            )
        )
        self.authenticate(None, None)
        # the server rotates the session at sign-in and sets its cookie on the host: start
        # with the cookie on the host too, or the old one would shadow the new one
        self.opener = Opener(self.env.cr)
        self.opener.cookies.set("session_id", self.session.sid, domain=HOST, path="/")
        data = {
            "name": "Wang Fang",
            "mobile": "137 0013 7000",
            "password": "s3cret-pass",
            "confirm_password": "s3cret-pass",
            "transactional_consent": "on",
            "marketing_consent": "on",
            **values,
        }
        return self._post_form("/member/signup", data)
