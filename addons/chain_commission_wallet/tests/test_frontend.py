from odoo.tests import HttpCase, tagged

from .common import WalletCommissionCase


@tagged("post_install", "-at_install")
class TestCommissionWalletTour(WalletCommissionCase, HttpCase):
    """The top-up wizard's *Staff* list in the browser
    (static/tests/tours/chain_commission_wallet_tours.js): a cashier of store A tops up a member
    by 1,000 with two of the store's technicians sharing 60/40; the server's shares and
    commission are checked after the tour."""

    def test_topup_with_two_staff(self):
        self.start_tour(
            f"/odoo/res.partner/{self.member.id}",
            "ChainCommissionWalletTopupTour",
            login=self.cashier_a.login,
        )
        topup = self.env["chain.wallet.transaction"].search(
            [("partner_id", "=", self.member.id), ("kind", "=", "topup")]
        )
        self.assertEqual(topup.principal, 1000.0)
        self.assertEqual(
            sorted((s.employee_id.name, s.share) for s in topup.chain_staff_share_ids),
            [("Tech One", 60.0), ("Tech Two", 40.0)],
        )
        lines = self.env["chain.commission.line"].search([("wallet_transaction_id", "=", topup.id)])
        self.assertEqual(
            sorted((line.employee_id.name, line.amount) for line in lines),
            [("Tech One", 12.0), ("Tech Two", 8.0)],
        )
