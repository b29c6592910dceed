import psycopg2

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common_wallet import WalletCase


@tagged("post_install", "-at_install")
class TestWalletService(WalletCase):
    def test_topup_credits_principal_and_books_the_liability(self):
        liability_before = self.account_balance(self.accounts["liability"])
        line = self.topup(100)
        self.assertEqual(
            (line.kind, line.principal, line.bonus, line.balance_after), ("topup", 100, 0, 100)
        )
        self.assertEqual(self.balance(), (100, 0))
        self.assertEqual(self.member.wallet_balance, 100)
        self.assertEqual(line.move_id.state, "posted")
        self.assertEqual(self.account_balance(self.accounts["liability"]) - liability_before, 100)

    def test_topup_bonus_posts_the_promotion_expense(self):
        self.env["chain.topup.rule"].create(
            {"name": "500 get 50", "min_amount": 500, "bonus_amount": 50}
        )
        expense_before = self.account_balance(self.accounts["bonus"])
        line = self.topup(600)
        self.assertEqual((line.principal, line.bonus), (600, 50))
        self.assertEqual(self.account_balance(self.accounts["bonus"]) - expense_before, -50)

    def test_payment_takes_principal_first_by_default(self):
        self.env["chain.topup.rule"].create(
            {"name": "100 get 20", "min_amount": 100, "bonus_amount": 20}
        )
        self.topup(100)
        line = self.pay(110)
        self.assertEqual((line.principal, line.bonus, line.amount), (-100, -10, -110))
        self.assertEqual(self.balance(), (0, 10))

    def test_spending_order_bonus_first_and_pro_rata(self):
        self.env["chain.topup.rule"].create(
            {"name": "100 get 50", "min_amount": 100, "bonus_amount": 50}
        )
        self.topup(100)
        self.env["ir.config_parameter"].sudo().set_param(
            "chain_member.wallet_spend_order", "bonus_first"
        )
        line = self.pay(60)
        self.assertEqual((line.principal, line.bonus), (-10, -50))
        self.topup(100)  # principal 190, bonus 50
        self.env["ir.config_parameter"].sudo().set_param(
            "chain_member.wallet_spend_order", "pro_rata"
        )
        line = self.pay(24)
        self.assertEqual((line.principal, line.bonus), (-19, -5))
        self.assertEqual(self.balance(), (171, 45))

    def test_insufficient_balance_is_refused_and_changes_nothing(self):
        self.topup(50)
        with self.assertRaisesRegex(UserError, "Insufficient stored value: Member Mei has .*50.00"):
            self.pay(50.01)
        self.assertEqual(self.balance(), (50, 0))
        with self.assertRaisesRegex(UserError, "Insufficient stored value"):
            self.pay(1, member=self.member_2)

    def test_same_key_posts_once(self):
        first = self.topup(100, key="topup:same")
        second = self.topup(100, key="topup:same")
        self.assertEqual(first, second)
        self.pay(30, key="pay:same")
        self.pay(30, key="pay:same")
        self.assertEqual(self.balance(), (70, 0))
        with self.assertRaisesRegex(UserError, "already used"):
            self.pay(30, key="topup:same")

    def test_refund_returns_the_split_it_was_paid_with(self):
        self.env["chain.topup.rule"].create(
            {"name": "100 get 25", "min_amount": 100, "bonus_amount": 25}
        )
        self.topup(100)
        self.env["ir.config_parameter"].sudo().set_param(
            "chain_member.wallet_spend_order", "pro_rata"
        )
        payment = self.pay(100)  # 80 principal, 20 bonus
        self.assertEqual((payment.principal, payment.bonus), (-80, -20))
        member = self.member.with_user(self.cashier_a)
        refund = member._chain_wallet_account(self.store_a)._refund(
            50, store=self.store_a, origin=payment, counterpart_account=self.accounts["breakage"]
        )
        self.assertEqual((refund.principal, refund.bonus), (40, 10))
        refund = member._chain_wallet_account(self.store_a)._refund(
            50, store=self.store_a, origin=payment, counterpart_account=self.accounts["breakage"]
        )
        self.assertEqual((refund.principal, refund.bonus), (40, 10))
        self.assertEqual(self.balance(), (100, 25))

    def test_withdrawal_needs_a_store_manager_and_voids_bonus_pro_rata(self):
        self.env["chain.topup.rule"].create(
            {"name": "200 get 40", "min_amount": 200, "bonus_amount": 40}
        )
        self.topup(200)
        with self.assertRaisesRegex(AccessError, "Only a store manager"):
            self.member.with_user(self.cashier_a)._chain_wallet_account(self.store_a)._withdraw(
                50, self.cash_journal, "moving away", store=self.store_a
            )
        with self.assertRaisesRegex(UserError, "reason"):
            self.member.with_user(self.manager_a)._chain_wallet_account(self.store_a)._withdraw(
                50, self.cash_journal, " ", store=self.store_a
            )
        liability_before = self.account_balance(self.accounts["liability"])
        line = (
            self.member.with_user(self.manager_a)
            ._chain_wallet_account(self.store_a)
            ._withdraw(50, self.cash_journal, "moving away", store=self.store_a)
        )
        self.assertEqual((line.principal, line.bonus), (-50, -10))
        self.assertEqual(self.balance(), (150, 30))
        self.assertEqual(self.account_balance(self.accounts["liability"]) - liability_before, -60)
        log = self.env["chain.operation.log"].search(
            [("operation", "=", "wallet_withdrawal")], limit=1
        )
        self.assertEqual(
            (log.reason, log.values_before["principal"], log.values_after["principal"]),
            ("moving away", 200, 150),
        )

    def test_withdrawal_cannot_take_bonus(self):
        self.env["chain.topup.rule"].create(
            {"name": "100 get 50", "min_amount": 100, "bonus_amount": 50}
        )
        self.topup(100)
        with self.assertRaisesRegex(UserError, "cannot be withdrawn"):
            self.member.with_user(self.manager_a)._chain_wallet_account(self.store_a)._withdraw(
                120, self.cash_journal, "all of it", store=self.store_a
            )
        line = (
            self.member.with_user(self.manager_a)
            ._chain_wallet_account(self.store_a)
            ._withdraw(100, self.cash_journal, "all of it", store=self.store_a)
        )
        self.assertEqual((line.principal, line.bonus), (-100, -50))
        self.assertEqual(self.balance(), (0, 0))

    def test_store_manager_withdraws_only_in_own_store(self):
        self.topup(100)
        with self.assertRaisesRegex(AccessError, "do not work in"):
            self.member.with_user(self.manager_b)._chain_wallet_account(self.store_a)._withdraw(
                10, self.cash_journal, "wrong store", store=self.store_a
            )

    def test_only_hq_adjusts_with_a_reason(self):
        self.topup(100)
        with self.assertRaisesRegex(AccessError, "headquarters manager"):
            self.member.with_user(self.manager_a)._chain_wallet_account(self.store_a)._adjust(
                principal=-10, reason="typo", store=self.store_a
            )
        with self.assertRaisesRegex(UserError, "reason"):
            self.member.with_user(self.hq_manager)._chain_wallet_account(self.store_a)._adjust(
                principal=-10, store=self.store_a
            )
        line = (
            self.member.with_user(self.hq_manager)
            ._chain_wallet_account(self.store_a)
            ._adjust(principal=-10, reason="double top-up", store=self.store_a)
        )
        self.assertEqual(line.amount, -10)
        line = (
            self.member.with_user(self.hq_manager)
            ._chain_wallet_account(self.store_a)
            ._adjust(bonus=5, reason="goodwill", store=self.store_a)
        )
        self.assertEqual(self.balance(), (90, 5))
        self.assertEqual(
            self.env["chain.operation.log"].search_count([("operation", "=", "wallet_adjustment")]),
            2,
        )
        with self.assertRaisesRegex(UserError, "Insufficient"):
            self.member.with_user(self.hq_manager)._chain_wallet_account(self.store_a)._adjust(
                bonus=-6, reason="too much", store=self.store_a
            )

    def test_transfer_moves_principal_and_bonus(self):
        self.env["chain.topup.rule"].create(
            {"name": "100 get 10", "min_amount": 100, "bonus_amount": 10}
        )
        self.topup(100)
        out_line, in_line = (
            self.member.with_user(self.manager_a)
            ._chain_wallet_account(self.store_a)
            ._transfer(self.member_2, 105, "family card", store=self.store_a)
        )
        self.assertEqual((out_line.principal, out_line.bonus), (-100, -5))
        self.assertEqual((in_line.principal, in_line.bonus, in_line.origin_id), (100, 5, out_line))
        self.assertEqual(self.balance(self.member_2), (100, 5))
        with self.assertRaises(AccessError):
            self.member.with_user(self.cashier_a)._chain_wallet_account(self.store_a)._transfer(
                self.member_2, 1, "x", store=self.store_a
            )

    def test_expiry_books_income_and_reverses_bonus(self):
        self.env["chain.topup.rule"].create(
            {"name": "100 get 10", "min_amount": 100, "bonus_amount": 10}
        )
        self.topup(100)
        breakage_before = self.account_balance(self.accounts["breakage"])
        line = (
            self.member.with_user(self.hq_manager)
            ._chain_wallet_account(self.store_a)
            ._expire(reason="dormant 3 years", store=self.store_a)
        )
        self.assertEqual((line.principal, line.bonus), (-100, -10))
        self.assertEqual(self.account_balance(self.accounts["breakage"]) - breakage_before, 100)
        self.assertEqual(self.balance(), (0, 0))

    def test_cashier_tops_up_and_pays_but_merchant_only_pays(self):
        self.topup(100, user=self.cashier_a)
        self.pay(10, user=self.merchant, store=self.merchant_store)
        with self.assertRaises(AccessError):
            self.topup(100, user=self.merchant, store=self.merchant_store)

    def test_merchant_sees_only_its_own_store_lines(self):
        topup = self.topup(100)
        payment = self.pay(10, user=self.merchant, store=self.merchant_store)
        Ledger = self.env["chain.wallet.transaction"].with_user(self.merchant)
        self.assertEqual(Ledger.search([("partner_id", "=", self.member.id)]), payment)
        with self.assertRaises(AccessError):
            topup.with_user(self.merchant).read(["amount"])
        with self.assertRaises(AccessError):
            self.env["chain.wallet.account"].with_user(self.merchant).search([])

    def test_cashier_sees_own_store_lines_hq_all(self):
        self.topup(100)
        other = self.topup(10, user=self.hq_manager, store=self.store_b)
        Ledger = self.env["chain.wallet.transaction"]
        self.assertNotIn(other, Ledger.with_user(self.cashier_a).search([]))
        self.assertIn(other, Ledger.with_user(self.hq_manager).search([]))
        self.assertEqual(self.member.with_user(self.cashier_a).wallet_balance, 110)

    def test_ledger_is_append_only(self):
        line = self.topup(100)
        with self.assertRaises(UserError):
            line.write({"principal": 1000})
        with self.assertRaises(UserError):
            line.unlink()
        with self.assertRaises(UserError):
            self.env["chain.wallet.transaction"].sudo().create({"partner_id": self.member.id})
        with self.assertRaises(UserError):
            line.account_id.sudo().write({"principal": 1000})
        with mute_logger("odoo.sql_db"), self.assertRaises(psycopg2.errors.RaiseException):
            with self.env.cr.savepoint():
                self.env.cr.execute(
                    "UPDATE chain_wallet_transaction SET principal = 0 WHERE id = %s", [line.id]
                )
        with mute_logger("odoo.sql_db"), self.assertRaises(psycopg2.errors.CheckViolation):
            with self.env.cr.savepoint():
                self.env.cr.execute(
                    "UPDATE chain_wallet_account SET principal = -1 WHERE id = %s",
                    [line.account_id.id],
                )

    def test_cached_balance_equals_the_ledger(self):
        self.env["chain.topup.rule"].create(
            {"name": "100 get 10", "min_amount": 100, "bonus_amount": 10}
        )
        self.topup(100)
        self.pay(33.33)
        self.topup(250, member=self.member_2)
        self.member.with_user(self.manager_a)._chain_wallet_account(self.store_a)._transfer(
            self.member_2, 20, "gift", store=self.store_a
        )
        Ledger = self.env["chain.wallet.transaction"]
        self.assertEqual(Ledger._check_ledger_consistency(), [])
        for member in (self.member, self.member_2):
            self.assertEqual(self.balance(member), self.ledger_sum(member))
        account = self.env["chain.wallet.account"]._find(self.member, self.currency)
        self.env.cr.execute(
            "UPDATE chain_wallet_account SET principal = principal + 1 WHERE id = %s", [account.id]
        )
        self.assertEqual([row[0] for row in Ledger._check_ledger_consistency()], [account.id])

    def test_non_member_has_no_stored_value(self):
        supplier = self.env["res.partner"].create({"name": "Supplier"})
        with self.assertRaisesRegex(UserError, "not a member"):
            self.topup(10, member=supplier)

    # ------------------------------------------------------------------------------------------
    # The account the services run on (res.partner._chain_wallet_account)
    # ------------------------------------------------------------------------------------------
    def test_a_member_without_an_account_gets_an_unsaved_one_until_a_credit(self):
        member = self.member_2.with_user(self.cashier_a)
        account = member._chain_wallet_account(self.store_a)
        self.assertFalse(account.id, "no account row is opened by a lookup")
        self.assertEqual(account.partner_id, self.member_2)
        self.assertEqual(account.currency_id, self.currency)
        self.assertFalse(self.env["chain.wallet.account"]._find(self.member_2, self.currency))
        with self.assertRaisesRegex(UserError, "Insufficient stored value"):
            account._pay(10, store=self.store_a, counterpart_account=self.accounts["breakage"])
        line = account._topup(50, store=self.store_a, journal=self.cash_journal)
        saved = member._chain_wallet_account(self.store_a)
        self.assertTrue(saved.id)
        self.assertEqual(line.account_id, saved)
        self.assertEqual(saved.env.uid, self.cashier_a.id, "the caller's environment")
        paid = saved._pay(20, store=self.store_a, counterpart_account=self.accounts["breakage"])
        self.assertEqual(paid.amount, -20)
        self.assertEqual(self.balance(self.member_2), (30, 0))

    def test_an_account_serves_only_the_stores_of_its_currency(self):
        self.topup(100)
        usd = self.env.ref("base.USD") if self.currency.name != "USD" else self.env.ref("base.EUR")
        usd.active = True
        company = self.env["res.company"].create(
            {"name": "Other currency Co (wallet test)", "currency_id": usd.id}
        )
        store = self.env["chain.store"].create(
            {"code": "T-USD", "name": "Store in another currency", "company_id": company.id}
        )
        account = self.member.with_user(self.hq_manager)._chain_wallet_account(self.store_a)
        with self.assertRaisesRegex(UserError, "kept in"):
            account._pay(10, store=store, counterpart_account=self.accounts["breakage"])
        with self.assertRaisesRegex(UserError, "kept in"):
            account._topup(10, store=store, journal=self.cash_journal)
        self.assertEqual(self.balance(), (100, 0))
