"""Who may change a till's hardware proxy settings, and the public surface of chain_pos_hw."""

import inspect

from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged

# Every public method chain_pos_hw's classes define (see the threat model): who may call it.
PUBLIC_METHODS = {
    "pos.config": {
        "create": "POS managers for the proxy's address and token (else anyone who may create)",
        "write": "POS managers for the four proxy settings (cashiers may write pos.config)",
    },
    "res.config.settings": {},
}
STAFF = ("sh01_cashier", "sh01_manager", "sh02_cashier", "sz01_cashier", "sz01_manager")


@tagged("post_install", "-at_install")
class TestSecurityPosHw(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.config = cls.env["pos.config"].create(
            {
                "name": "Till with a proxy",
                "chain_hw_proxy_url": "http://127.0.0.1:8070",
                "chain_hw_proxy_token": "the-real-token",
            }
        )
        users = cls.env["res.users"].search([("login", "in", STAFF)])
        cls.staff = users.filtered(lambda u: not u.has_group("point_of_sale.group_pos_manager"))
        cls.portal = new_test_user(cls.env, login="hw_portal", groups="base.group_portal")
        cls.merchant = cls.env["res.users"].search([("login", "=", "al01_merchant")])
        cls.pos_manager = new_test_user(
            cls.env, login="hw_pos_manager", groups="point_of_sale.group_pos_manager"
        )

    def settings(self):
        self.config.invalidate_recordset()
        return self.config.read(
            [
                "chain_hw_proxy_url",
                "chain_hw_proxy_token",
                "chain_hw_cashdrawer",
                "chain_hw_customer_display",
            ]
        )

    def test_every_public_method_is_in_the_threat_model(self):
        for model_name, allowed in PUBLIC_METHODS.items():
            for cls in type(self.env[model_name]).__mro__:
                if not cls.__module__.startswith("odoo.addons.chain_pos_hw."):
                    continue
                public = {
                    name
                    for name, member in vars(cls).items()
                    if not name.startswith("_") and inspect.isfunction(member)
                }
                self.assertEqual(public - set(allowed), set(), model_name)

    def test_staff_cannot_redirect_a_till_to_another_proxy(self):
        self.assertTrue(self.staff, "the demo's cashiers and store managers")
        before = self.settings()
        forged = [
            {"chain_hw_proxy_url": "http://attacker.example:8070"},
            {"chain_hw_proxy_token": "known-to-me"},
            {"chain_hw_proxy_url": False},
            {"chain_hw_cashdrawer": False},
            {"chain_hw_customer_display": False},
        ]
        for user in self.staff:
            for vals in forged:
                with self.subTest(user=user.login, vals=vals):
                    with self.assertRaises(AccessError), self.env.cr.savepoint():
                        self.config.with_user(user).write(vals)
            with self.subTest(user=user.login, create=True):
                with self.assertRaises(AccessError), self.env.cr.savepoint():
                    self.env["pos.config"].with_user(user).create(
                        {"name": "Mine", "chain_hw_proxy_url": "http://attacker.example"}
                    )
        self.assertEqual(self.settings(), before)

    def test_unchanged_values_pass(self):
        cashier = self.staff[:1]
        self.config.with_user(cashier).write(
            {"chain_hw_proxy_url": "http://127.0.0.1:8070", "chain_hw_cashdrawer": True}
        )
        self.assertEqual(self.settings()[0]["chain_hw_proxy_url"], "http://127.0.0.1:8070")

    def test_outsiders_cannot_read_the_token(self):
        for user in (self.portal, self.merchant):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.config.with_user(user).read(["chain_hw_proxy_token"])

    def test_a_pos_manager_sets_up_the_proxy(self):
        self.config.with_user(self.pos_manager).write(
            {"chain_hw_proxy_url": "http://127.0.0.1:8071", "chain_hw_proxy_token": "new"}
        )
        self.assertEqual(self.settings()[0]["chain_hw_proxy_token"], "new")
