from odoo.tests import tagged

from odoo.addons.chain_member.tests.common_portal import MemberPortalCase


@tagged("post_install", "-at_install")
class TestMemberPortalWallet(MemberPortalCase):
    """The stored value on the member portal."""

    def test_member_page_shows_the_stored_value(self):
        journal = self.env["account.journal"].create(
            {"name": "Portal till cash", "code": "PTCSH", "type": "cash"}
        )
        self.member._chain_wallet_account(self.store)._topup(88, store=self.store, journal=journal)
        self._login(self.member_user)
        html = self._page("/my/member")
        self.assertIn("o_chain_member_balance_wallet", html)
        self.assertRegex(html, r"88\.00")
        self.assertIn("Stored value", html)
