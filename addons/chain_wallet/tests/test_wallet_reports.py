import base64
import io
import random
from datetime import timedelta

import openpyxl

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common_wallet import WalletCase


@tagged("post_install", "-at_install")
class TestWalletReports(WalletCase):
    """Excel exports, the liability reconciliation and the cross-store settlement, with a
    franchise store that is its own company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.franchise_company = cls.env["res.company"].create(
            {"name": "Franchise T", "currency_id": cls.currency.id}
        )
        cls.env["account.chart.template"].try_loading(
            "generic_coa", cls.franchise_company, install_demo=False
        )
        cls.franchise = cls.env["chain.store"].create(
            {
                "code": "T-F",
                "name": "Franchise Store",
                "kind": "franchise",
                "company_id": cls.franchise_company.id,
            }
        )
        cls.franchise_journal = cls.env["account.journal"].search(
            [("company_id", "=", cls.franchise_company.id), ("type", "=", "cash")], limit=1
        )
        cls.franchise_accounts = cls.franchise_company._chain_wallet_accounts()
        cls.hq_manager.company_ids = [Command.link(cls.franchise_company.id)]

    def hq_topup(self, amount, store, journal, member=None):
        return (
            (member or self.member)
            .with_user(self.hq_manager)
            ._chain_wallet_account(store)
            ._topup(amount, store=store, journal=journal)
        )

    def hq_pay(self, amount, store, counterpart, member=None):
        return (
            (member or self.member)
            .with_user(self.hq_manager)
            ._chain_wallet_account(store)
            ._pay(amount, store=store, counterpart_account=counterpart)
        )

    def settlement(self):
        today = fields.Date.context_today(self.member)
        options = {
            "start": fields.Datetime.to_datetime(today),
            "end": fields.Datetime.to_datetime(today) + timedelta(days=1),
            "company_ids": (self.company.id, self.franchise_company.id),
        }
        return self.env["chain.wallet.xlsx"]._settlement_rows(options)

    def test_balance_issued_by_one_company_and_spent_at_another(self):
        self.hq_topup(100, self.store_a, self.cash_journal)
        self.hq_pay(60, self.franchise, self.franchise_accounts["breakage"])
        self.hq_topup(50, self.franchise, self.franchise_journal)
        self.hq_pay(80, self.store_a, self.accounts["breakage"])  # 40 of A's money, then 40 of F's
        rows = self.settlement()
        self.assertIn((self.company.name, "Franchise T", "Stored value", 60.0), rows)
        self.assertIn(("Franchise T", self.company.name, "Stored value", 40.0), rows)

    def test_count_card_sold_by_one_company_and_used_at_another(self):
        package = (
            self.member.env["chain.count.card.package"]
            .with_user(self.hq_manager)
            ._sell(self.member, self.haircut_card, store=self.store_a, journal=self.cash_journal)
        )
        package.with_user(self.hq_manager)._chain_count_card_use(store=self.franchise)
        self.assertIn(
            (self.company.name, "Franchise T", "Count-card uses", 80.0), self.settlement()
        )

    def test_liability_reconciles_per_company(self):
        self.hq_topup(100, self.store_a, self.cash_journal)
        self.hq_pay(60, self.franchise, self.franchise_accounts["breakage"])
        self.hq_topup(50, self.franchise, self.franchise_journal)
        rows = self.env["chain.wallet.xlsx"]._liability_rows(
            (self.company | self.franchise_company).ids, fields.Date.context_today(self.member)
        )
        by_company = {row[8]: row for row in rows if row[0].endswith("stored value")}
        self.assertEqual(self.currency.round(by_company[self.franchise_company.id][1]), -10)
        self.assertEqual(self.currency.round(by_company[self.franchise_company.id][5]), -10)
        self.assertEqual([self.currency.round(row[7]) for row in rows], [0.0] * len(rows))

    def test_random_sequences_keep_ledger_balance_and_books_equal(self):
        rng = random.Random(20261122)
        members = [self.member, self.member_2]
        stores = [
            (self.store_a, self.cash_journal, self.accounts),
            (self.store_b, self.cash_journal, self.accounts),
            (self.franchise, self.franchise_journal, self.franchise_accounts),
        ]
        self.env["chain.topup.rule"].create(
            {"name": "200 get 20", "min_amount": 200, "bonus_amount": 20}
        )
        for _step in range(40):
            member = rng.choice(members)
            store, journal, accounts = rng.choice(stores)
            amount = rng.choice([10, 33.33, 50, 120, 250])
            operation = rng.choice(
                ["topup", "topup", "pay", "withdraw", "transfer", "adjust", "refund"]
            )
            user = self.hq_manager
            try:
                with self.env.cr.savepoint():
                    if operation == "topup":
                        self.hq_topup(amount, store, journal, member)
                    elif operation == "pay":
                        self.hq_pay(amount, store, accounts["breakage"], member)
                    elif operation == "withdraw":
                        member.with_user(user)._chain_wallet_account(store)._withdraw(
                            amount, journal, "random", store=store
                        )
                    elif operation == "transfer":
                        other = members[1] if member == members[0] else members[0]
                        member.with_user(user)._chain_wallet_account(store)._transfer(
                            other, amount, "random", store=store
                        )
                    elif operation == "adjust":
                        member.with_user(user)._chain_wallet_account(store)._adjust(
                            principal=rng.choice([-5, 5]), reason="random", store=store
                        )
                    else:
                        payments = self.env["chain.wallet.transaction"].search(
                            [("partner_id", "=", member.id), ("kind", "=", "payment")], limit=1
                        )
                        member.with_user(user)._chain_wallet_account(store)._refund(
                            amount,
                            store=store,
                            origin=payments,
                            counterpart_account=accounts["breakage"],
                        )
            except UserError as error:  # refusals (not enough balance) are part of the game
                self.assertRegex(str(error), "Insufficient|cannot be withdrawn")
        Ledger = self.env["chain.wallet.transaction"]
        self.assertEqual(Ledger._check_ledger_consistency(), [])
        for member in members:
            self.assertEqual(self.balance(member), self.ledger_sum(member))
            self.assertGreaterEqual(min(self.balance(member)), 0)
        rows = self.env["chain.wallet.xlsx"]._liability_rows(
            (self.company | self.franchise_company).ids, fields.Date.context_today(self.member)
        )
        self.assertEqual([self.currency.round(row[7]) for row in rows], [0.0] * len(rows))

    # ------------------------------------------------------------------------------------------
    def export(self, report, user, stores=None):
        wizard = (
            self.env["chain.wallet.report.wizard"]
            .with_user(user)
            .create(
                {
                    "report": report,
                    "store_ids": [Command.set((stores or self.env["chain.store"]).ids)],
                }
            )
        )
        action = wizard.action_export()
        attachment = self.env["ir.attachment"].browse(
            int(action["url"].split("/")[3].split("?")[0])
        )
        book = openpyxl.load_workbook(
            io.BytesIO(base64.b64decode(attachment.datas)), read_only=True
        )
        return [
            [cell for cell in row]
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
        ]

    def test_every_report_exports(self):
        self.hq_topup(100, self.store_a, self.cash_journal)
        self.hq_pay(30, self.franchise, self.franchise_accounts["breakage"])
        self.member.with_user(self.manager_a)._chain_wallet_account(self.store_a)._withdraw(
            20, self.cash_journal, "cash", store=self.store_a
        )
        package = (
            self.member.env["chain.count.card.package"]
            .with_user(self.hq_manager)
            ._sell(self.member, self.haircut_card, store=self.store_a, journal=self.cash_journal)
        )
        package.with_user(self.hq_manager)._chain_count_card_use(store=self.store_a)
        expected = {
            "deposits": "topup",
            "payments": "payment",
            "withdrawals": "withdrawal",
            "count_cards": "use",
            "liability": "Franchise T - stored value",
            "settlement": "Stored value",
        }
        for report, marker in expected.items():
            rows = self.export(report, self.hq_manager)
            self.assertTrue(any(marker in row for row in rows), f"{report}: {rows[:5]}")

    def test_store_manager_exports_own_stores_only(self):
        self.hq_topup(100, self.store_a, self.cash_journal)
        self.hq_topup(70, self.store_b, self.cash_journal)
        rows = self.export("deposits", self.manager_a)
        self.assertEqual([row[7] for row in rows[1:]], [100])
        with self.assertRaises(AccessError):
            self.export("deposits", self.manager_a, stores=self.store_b)
        with self.assertRaises(AccessError):
            self.export("deposits", self.cashier_a)

    def test_merchant_exports_its_payments_without_member_names(self):
        self.hq_topup(100, self.store_a, self.cash_journal)
        self.hq_pay(25, self.merchant_store, self.accounts["breakage"])
        rows = self.export("payments", self.merchant)
        self.assertEqual(len(rows), 2)
        self.assertIsNone(rows[1][3], "no member name for an alliance merchant")
        with self.assertRaises(AccessError):
            self.export("deposits", self.merchant)
