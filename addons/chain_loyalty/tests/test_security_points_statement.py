"""Privacy of the points statement (issue 12): a portal member and an alliance merchant used
to read any member's statement (balance, lots, projection) by id over JSON-RPC. The statement
is now a private method, reached only by the portal page of the signed-in member."""

from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException


@tagged("post_install", "-at_install", "chain_security")
class TestPointsStatementPrivacy(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        store = cls.env["chain.store"].create({"code": "PRIV-P", "name": "Privacy Store"})
        merchant_store = cls.env["chain.store"].create(
            {"code": "PRIV-M", "name": "Privacy Merchant", "kind": "alliance"}
        )
        Partner = cls.env["res.partner"]
        cls.member = Partner.chain_register_member(
            {"name": "Statement Owner", "mobile": "13900139561"}, store=store
        )
        cls.other = Partner.chain_register_member(
            {"name": "Statement Other", "mobile": "13900139562"}, store=store
        )
        cls.member._chain_points_account()._earn(700, store=store)
        cls.other._chain_points_account()._earn(4321, store=store)
        new_test_user(
            cls.env,
            login="stmt_portal",
            password="stmt_portal1",
            groups="base.group_portal",
            partner_id=cls.member.id,
        )
        merchant = new_test_user(
            cls.env,
            login="stmt_merchant",
            password="stmt_merchant1",
            groups="base.group_user,chain_member.group_chain_partner_merchant",
        )
        merchant.chain_store_ids = [(6, 0, merchant_store.ids)]

    def moves(self):
        return self.env["chain.points.move"].sudo().search_count([])

    def call(self, method, partner):
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/res.partner/{method}",
            {"model": "res.partner", "method": method, "args": [[partner.id]], "kwargs": {}},
        )

    def assert_refused(self, login, password):
        self.authenticate(login, password)
        before = self.moves()
        with self.assertRaisesRegex(JsonRpcException, "AccessError"):  # "Private methods ..."
            self.call("_chain_points_statement", self.other)
        with self.assertRaises(JsonRpcException):
            self.call("chain_points_statement", self.other)
        self.assertEqual(self.moves(), before, "a refused call wrote nothing")

    def test_portal_member_cannot_read_another_statement(self):
        self.assert_refused("stmt_portal", "stmt_portal1")

    def test_merchant_cannot_read_a_statement(self):
        self.assert_refused("stmt_merchant", "stmt_merchant1")

    def test_portal_page_shows_only_the_own_statement(self):
        self.authenticate("stmt_portal", "stmt_portal1")
        page = self.url_open("/my/points")
        self.assertEqual(page.status_code, 200)
        self.assertIn("700", page.text)
        self.assertNotIn("4321", page.text)
        self.assertNotIn("Statement Other", page.text)
