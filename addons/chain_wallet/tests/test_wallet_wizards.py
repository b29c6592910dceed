import base64

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common_wallet import WalletCase


@tagged("post_install", "-at_install")
class TestWalletWizards(WalletCase):
    """The backend screens go through the service, as the role using them."""

    def wizard(self, model, user, **values):
        return (
            self.env[model]
            .with_user(user)
            .create({"partner_id": self.member.id, "store_id": self.store_a.id, **values})
        )

    def test_topup_wizard_previews_the_bonus_and_posts_once(self):
        self.env["chain.topup.rule"].create(
            {"name": "300 get 30", "min_amount": 300, "bonus_amount": 30}
        )
        form = Form(
            self.env["chain.wallet.topup.wizard"]
            .with_user(self.cashier_a)
            .with_context(default_partner_id=self.member.id)
        )
        form.amount = 300
        form.journal_id = self.cash_journal
        self.assertEqual(form.bonus, 30)
        wizard = form.save()
        wizard.action_confirm()
        wizard.action_confirm()  # a double click posts once
        self.assertEqual(self.balance(), (300, 30))

    def test_withdraw_wizard_is_for_store_managers(self):
        self.topup(100)
        with self.assertRaises(AccessError):
            self.wizard(
                "chain.wallet.withdraw.wizard",
                self.cashier_a,
                amount=10,
                journal_id=self.cash_journal.id,
                reason="x",
            )
        wizard = self.wizard(
            "chain.wallet.withdraw.wizard",
            self.manager_a,
            amount=40,
            journal_id=self.cash_journal.id,
            reason="member leaves",
        )
        wizard.action_confirm()
        self.assertEqual(self.balance(), (60, 0))

    def test_adjust_and_transfer_wizards(self):
        self.topup(100)
        self.wizard(
            "chain.wallet.adjust.wizard", self.hq_manager, bonus=15, reason="goodwill"
        ).action_confirm()
        self.wizard(
            "chain.wallet.transfer.wizard",
            self.manager_a,
            target_partner_id=self.member_2.id,
            amount=50,
            reason="to her daughter",
        ).action_confirm()
        self.assertEqual(self.balance(), (50, 15))
        self.assertEqual(self.balance(self.member_2), (50, 0))

    def test_pin_wizard(self):
        wizard = self.wizard(
            "chain.wallet.pin.wizard", self.cashier_a, pin="1357", pin_confirm="1357"
        )
        wizard.action_confirm()
        account = self.env["chain.wallet.account"]._find(self.member, self.currency)
        self.assertTrue(account.has_pin)
        self.assertNotIn("1357", account.sudo().pin_hash)
        with self.assertRaisesRegex(AccessError, "store manager"):
            self.wizard(
                "chain.wallet.pin.wizard", self.cashier_a, pin="2468", pin_confirm="2468"
            ).action_confirm()

    def test_count_card_wizards(self):
        wizard = self.wizard(
            "chain.count.card.sell.wizard",
            self.cashier_a,
            product_id=self.haircut_card.id,
            journal_id=self.cash_journal.id,
        )
        self.assertEqual(wizard.price, 800)
        wizard.action_confirm()
        package = self.member.count_card_package_ids
        self.env["chain.count.card.use.wizard"].with_user(self.cashier_a).create(
            {"package_id": package.id, "service_id": self.wash.id, "store_id": self.store_a.id}
        ).action_confirm()
        self.wizard(
            "chain.count.card.sell.wizard",
            self.cashier_a,
            product_id=self.haircut_card.id,
            package_id=package.id,
            journal_id=self.cash_journal.id,
        ).action_confirm()
        # a renewal at the list price (800): prepaid value is never discounted (issue 12; this
        # test used to renew at a price typed by the cashier)
        self.assertEqual((package.uses_remaining, package.value_remaining), (19, 1520))
        refund = (
            self.env["chain.count.card.refund.wizard"]
            .with_user(self.manager_a)
            .create(
                {
                    "package_id": package.id,
                    "journal_id": self.cash_journal.id,
                    "store_id": self.store_a.id,
                    "reason": "moving",
                }
            )
        )
        self.assertEqual(refund.value_remaining, 1520)
        refund.action_confirm()
        self.assertEqual(package.state, "refunded")

    def test_import_opening_balances_once(self):
        self.member.sudo().member_code = self.member.member_code or "M90000001"
        csv = (
            "member,principal,bonus\n"
            f"{self.member.member_code},120.50,10\n"
            f"{self.member_2.mobile},80,0\n"
        )
        values = {
            "file": base64.b64encode(csv.encode()),
            "filename": "old_pos.csv",
            "store_id": self.store_a.id,
            "counterpart_account_id": self.accounts["breakage"].id,
        }
        Import = self.env["chain.wallet.import.wizard"].with_user(self.hq_manager)
        Import.create(values).action_import()
        Import.create(values).action_import()  # the same file again
        self.assertEqual(self.balance(), (120.5, 10))
        self.assertEqual(self.balance(self.member_2), (80, 0))
        with self.assertRaises(AccessError):
            self.env["chain.wallet.import.wizard"].with_user(self.manager_a).create(values)
        bad = dict(values, file=base64.b64encode(b"who,principal\nx,1\n"))
        with self.assertRaisesRegex(UserError, "lacks the columns"):
            Import.create(bad).action_import()
