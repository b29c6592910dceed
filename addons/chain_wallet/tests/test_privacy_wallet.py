from odoo.exceptions import UserError
from odoo.tests import tagged

from .common_wallet import WalletCase


@tagged("post_install", "-at_install")
class TestMemberPrivacyWallet(WalletCase):
    """Privacy requests of a member who used stored value: the ledger stays whole."""

    def _ledger(self):
        lines = self.env["chain.wallet.transaction"].search([("partner_id", "=", self.member.id)])
        moves = lines.move_id
        return {
            "lines": sorted(lines.ids),
            "principal": sum(lines.mapped("principal")),
            "bonus": sum(lines.mapped("bonus")),
            "amount": sum(lines.mapped("amount")),
            "journal_debit": sum(moves.line_ids.mapped("debit")),
            "journal_credit": sum(moves.line_ids.mapped("credit")),
        }

    def test_export_holds_the_stored_value_ledger(self):
        self.topup(100)
        self.pay(30)
        data = self.member.with_user(self.hq_manager).chain_privacy_export(reason="Request")
        lines = data["records"]["chain.wallet.transaction"]
        self.assertEqual(sorted(line["amount"] for line in lines), [-30, 100])
        self.assertIn("chain.wallet.account", data["records"])

    def test_anonymise_is_refused_while_stored_value_is_left(self):
        self.topup(100)
        with self.assertRaises(UserError) as caught:
            self.member.with_user(self.hq_manager).chain_privacy_anonymise("Request")
        self.assertIn("stored value", str(caught.exception))
        self.assertEqual(self.member.name, "Member Mei")

    def test_anonymise_after_pay_out_keeps_every_ledger_line_and_amount(self):
        self.topup(100)
        self.pay(60)
        self.member.with_user(self.hq_manager)._chain_wallet_account(self.store_a)._withdraw(
            40, self.cash_journal, "Closing the account", store=self.store_a
        )
        before = self._ledger()
        self.assertEqual(before["amount"], 0)
        self.member.with_user(self.hq_manager).chain_privacy_anonymise("Member's request")
        self.assertEqual(self._ledger(), before)
        self.assertTrue(self.member.with_context(active_test=False).member_anonymised_date)
        self.assertEqual(self.balance(), (0, 0))
