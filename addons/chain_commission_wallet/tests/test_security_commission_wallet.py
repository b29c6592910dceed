from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import WalletCommissionCase


@tagged("post_install", "-at_install", "chain_security")
class TestSecurityCommissionWallet(WalletCommissionCase):
    """Nobody credits commission by shaping a backend operation: the shares are checked before
    anything is written, and the shares recorded are never written by a client."""

    def assert_refused(self, wizard, message=None):
        before = self.counts()
        balance = self.balance()
        with self.assertRaises(UserError) as caught:
            with self.env.cr.savepoint():
                wizard.action_confirm()
        if message:
            self.assertIn(message, str(caught.exception))
        self.assertEqual(self.counts(), before)
        self.assertEqual(self.balance(), balance)

    def test_employee_of_another_store_refused(self):
        self.assert_refused(self.topup_wizard(100, [(self.tech_b, 100)]), "does not work in")

    def test_shares_must_add_up_to_100(self):
        self.assert_refused(self.topup_wizard(100, [(self.tech_1, 60), (self.tech_2, 30)]))
        self.assert_refused(self.topup_wizard(100, [(self.tech_1, 150)]))
        self.assert_refused(self.topup_wizard(100, [(self.tech_1, 100), (self.tech_1, 0.0001)]))

    def test_inactive_or_other_company_employee_refused(self):
        other = self.env["res.company"].create({"name": "Franchise Co"})
        stranger = self.env["hr.employee"].create(
            {
                "name": "Stranger",
                "company_id": other.id,
                "chain_store_ids": [Command.set(self.store_a.ids)],
            }
        )
        self.assert_refused(self.topup_wizard(100, [(stranger, 100)]))
        self.tech_2.active = False
        self.assert_refused(self.topup_wizard(100, [(self.tech_2, 100)]))

    def test_count_card_use_shares_checked_before_the_use(self):
        package = self.sell_card([(self.tech_1, 100)])
        use = self.wizard(
            "chain.count.card.use.wizard",
            self.cashier_a,
            [(self.tech_b, 100)],
            package_id=package.id,
            store_id=self.store_a.id,
            uses=1,
        )
        self.assert_refused(use, "does not work in")
        self.assertEqual(package.uses_remaining, 10)

    def test_cashier_of_store_b_cannot_credit_in_store_a(self):
        # the wallet service refuses the store before the shares are of any use
        before = self.counts()
        wizard = self.topup_wizard(100, [(self.tech_1, 100)], user=self.cashier_b)
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            wizard.action_confirm()
        self.assertEqual(self.counts(), before)

    def test_shares_are_never_written_by_a_client(self):
        self.topup_wizard(100, [(self.tech_1, 100)]).action_confirm()
        share = self.env["chain.wallet.staff.share"].search([])
        for user in (self.cashier_a, self.manager_a, self.hq_manager, self.merchant):
            Share = self.env["chain.wallet.staff.share"].with_user(user)
            with self.assertRaises(UserError), self.env.cr.savepoint():
                Share.create(
                    {
                        "wallet_transaction_id": share.wallet_transaction_id.id,
                        "store_id": self.store_a.id,
                        "company_id": self.company.id,
                        "employee_id": self.tech_2.id,
                        "share": 100,
                    }
                )
            with self.assertRaises(UserError), self.env.cr.savepoint():
                share.with_user(user).write({"employee_id": self.tech_2.id})
            with self.assertRaises(UserError), self.env.cr.savepoint():
                share.with_user(user).unlink()
        self.assertEqual(self.env["chain.wallet.staff.share"].search([]), share)
        self.assertEqual(share.employee_id, self.tech_1)

    def test_who_reads_the_shares(self):
        self.topup_wizard(100, [(self.tech_1, 100)]).action_confirm()
        share = self.env["chain.wallet.staff.share"].search([])
        Share = self.env["chain.wallet.staff.share"]
        self.assertEqual(Share.with_user(self.cashier_a).search([]), share)
        self.assertEqual(Share.with_user(self.hq_manager).search([]), share)
        self.assertFalse(Share.with_user(self.cashier_b).search([]))
        with self.assertRaises(AccessError):
            share.with_user(self.merchant).read(["employee_id"])
