from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common_wallet import WalletPosCase


@tagged("post_install", "-at_install")
class TestCountCardFlow(WalletPosCase):
    """Count cards (计次卡): sold, used at any store's till, renewed, refunded, expired."""

    def sell_at_till(self, qty=1, price=800.0, session=None, user=None):
        session = session or self.session_a
        cash = self.cash_method if session == self.session_a else self.cash_method_b
        order = self.sync(
            self.order_vals(session, [(self.haircut_card, qty, price)], [(cash, qty * price)]),
            user=user,
        )
        return order, order.chain_count_card_move_ids.package_id

    def use_at_till(self, package, session=None, user=None, service=None, qty=1):
        session = session or self.session_b
        cash = self.cash_method if session == self.session_a else self.cash_method_b
        vals = self.order_vals(
            session,
            [(service or self.haircut, qty, 0.0, {"chain_count_card_package_id": package.id})],
            [(cash, 0.0)],
        )
        return self.sync(vals, user=user or self.cashier_b)

    def test_sale_at_the_till_gives_a_package_with_deferred_revenue(self):
        _order, package = self.sell_at_till()
        self.assertEqual(package.partner_id, self.member)
        self.assertEqual(
            (package.uses_total, package.uses_remaining, package.value_remaining), (10, 10, 800)
        )
        self.assertEqual(
            package.date_expiry, fields.Date.context_today(package) + relativedelta(days=365)
        )
        self.assertEqual(package.service_ids, self.haircut | self.wash)

    def test_use_at_another_store_consumes_one_use_and_recognises_its_value(self):
        _order, package = self.sell_at_till()
        order = self.use_at_till(package)
        move = order.chain_count_card_move_ids
        self.assertEqual(
            (move.kind, move.uses, move.amount, move.store_id), ("use", -1, -80, self.store_b)
        )
        self.assertEqual((package.uses_remaining, package.value_remaining), (9, 720))
        self.assertEqual(self.member.count_card_active_count, 1)

    def test_last_use_takes_what_is_left_and_then_uses_are_refused(self):
        # issue 12: a count card is never sold below its list price: lower the list price
        self.haircut_card.lst_price = 100
        _order, package = self.sell_at_till(price=100)  # 10 uses for 100: 10 each
        package.with_user(self.cashier_a)._chain_count_card_use(store=self.store_a, uses=9)
        self.assertEqual(
            (package.uses_remaining, package.value_remaining, package.state), (1, 10, "active")
        )
        package.with_user(self.cashier_a)._chain_count_card_use(store=self.store_a)
        self.assertEqual(
            (package.uses_remaining, package.value_remaining, package.state), (0, 0, "used_up")
        )
        with self.assertRaisesRegex(UserError, "Used up"):
            with self.env.cr.savepoint():
                self.use_at_till(package)

    def test_service_outside_the_card_is_refused(self):
        _order, package = self.sell_at_till()
        other = self.env["product.product"].create(
            {"name": "Massage", "type": "service", "list_price": 50}
        )
        with self.assertRaisesRegex(UserError, "does not cover Massage"):
            with self.env.cr.savepoint():
                self.use_at_till(package, service=other)

    def test_use_line_must_be_zero_priced(self):
        _order, package = self.sell_at_till()
        vals = self.order_vals(
            self.session_b,
            [(self.haircut, 1, 5.0, {"chain_count_card_package_id": package.id})],
            [(self.cash_method_b, 5.0)],
        )
        with self.assertRaisesRegex(UserError, "zero-priced"):
            with self.env.cr.savepoint():
                self.sync(vals, user=self.cashier_b)

    def test_resent_use_consumes_once(self):
        _order, package = self.sell_at_till()
        vals = self.order_vals(
            self.session_b,
            [(self.haircut, 1, 0.0, {"chain_count_card_package_id": package.id})],
            [(self.cash_method_b, 0.0)],
        )
        self.sync(dict(vals), user=self.cashier_b)
        self.sync(dict(vals), user=self.cashier_b)
        self.assertEqual(package.uses_remaining, 9)

    def test_refunded_use_comes_back(self):
        _order, package = self.sell_at_till()
        order = self.use_at_till(package)
        self.sync(
            self.refund_vals(order, self.session_b, [(self.cash_method_b, 0.0)]),
            user=self.cashier_b,
        )
        self.assertEqual((package.uses_remaining, package.value_remaining), (10, 800))

    def test_buying_the_card_again_renews_it(self):
        _order, package = self.sell_at_till()
        package.with_user(self.cashier_a)._chain_count_card_use(store=self.store_a, uses=2)
        expiry = package.date_expiry
        self.haircut_card.lst_price = 700  # issue 12: never sold below its list price
        order, renewed = self.sell_at_till(price=700)
        self.assertEqual(renewed, package)
        self.assertEqual(order.chain_count_card_move_ids.kind, "renewal")
        self.assertEqual(
            (package.uses_total, package.uses_remaining, package.value_remaining), (20, 18, 1340)
        )
        self.assertEqual(package.date_expiry, expiry + relativedelta(days=365))

    def test_backend_sale_and_use_post_entries(self):
        deferred = self.accounts["deferred"]
        before = self.account_balance(deferred)
        package = (
            self.member.env["chain.count.card.package"]
            .with_user(self.cashier_a)
            ._sell(self.member, self.haircut_card, store=self.store_a, journal=self.cash_journal)
        )
        self.assertEqual(self.account_balance(deferred) - before, 800)
        move = package.with_user(self.cashier_a)._chain_count_card_use(
            store=self.store_a, service=self.wash
        )
        self.assertEqual(move.move_id.state, "posted")
        self.assertEqual(self.account_balance(deferred) - before, 720)

    def test_refund_of_unused_uses_is_pro_rata_and_needs_a_manager(self):
        package = (
            self.member.env["chain.count.card.package"]
            .with_user(self.cashier_a)
            ._sell(self.member, self.haircut_card, store=self.store_a, journal=self.cash_journal)
        )
        package.with_user(self.cashier_a)._chain_count_card_use(store=self.store_a, uses=3)
        with self.assertRaisesRegex(AccessError, "store manager"):
            package.with_user(self.cashier_a)._chain_count_card_refund(
                self.cash_journal, "moving", store=self.store_a
            )
        line = package.with_user(self.manager_a)._chain_count_card_refund(
            self.cash_journal, "moving", store=self.store_a
        )
        self.assertEqual((line.kind, line.uses, line.amount), ("refund", -7, -560))
        self.assertEqual(
            (package.state, package.uses_remaining, package.value_remaining), ("refunded", 0, 0)
        )
        with self.assertRaisesRegex(UserError, "no uses left"):
            package.with_user(self.manager_a)._chain_count_card_refund(
                self.cash_journal, "again", store=self.store_a
            )

    def test_nightly_job_expires_cards_and_books_breakage(self):
        package = (
            self.member.env["chain.count.card.package"]
            .with_user(self.cashier_a)
            ._sell(self.member, self.haircut_card, store=self.store_a, journal=self.cash_journal)
        )
        self.env.cr.execute(
            "UPDATE chain_count_card_package SET date_expiry = %s WHERE id = %s",
            [fields.Date.context_today(package) - relativedelta(days=1), package.id],
        )
        package.invalidate_recordset()
        with self.assertRaisesRegex(UserError, "expired on"):
            package.with_user(self.cashier_a)._chain_count_card_use(store=self.store_a)
        breakage_before = self.account_balance(self.accounts["breakage"])
        self.assertEqual(self.env["chain.count.card.package"]._cron_expire_packages(), 1)
        self.assertEqual((package.state, package.value_remaining), ("expired", 0))
        self.assertEqual(self.account_balance(self.accounts["breakage"]) - breakage_before, 800)

    def test_session_closing_recognises_the_uses(self):
        deferred, income = (
            self.accounts["deferred"],
            self.haircut.categ_id.property_account_income_categ_id,
        )
        deferred_before, income_before = (
            self.account_balance(deferred),
            self.account_balance(income),
        )
        _order, package = self.sell_at_till()
        self.use_at_till(package, session=self.session_a, user=self.cashier_a)
        self.close_session(self.session_a)
        self.assertEqual(self.account_balance(deferred) - deferred_before, 720)
        self.assertEqual(self.account_balance(income) - income_before, 80)
        rows = self.env["chain.wallet.xlsx"]._liability_rows(
            self.company.ids, self.env.cr.now().date()
        )
        self.assertEqual([self.currency.round(row[7]) for row in rows], [0.0, 0.0])

    def test_count_card_ledger_equals_the_cache(self):
        _order, package = self.sell_at_till()
        self.use_at_till(package)
        package.with_user(self.cashier_a)._chain_count_card_renew(
            5, 300, store=self.store_a, journal=self.cash_journal
        )
        self.assertEqual(self.env["chain.count.card.move"]._check_ledger_consistency(), [])
        self.assertEqual(sum(package.move_ids.mapped("uses")), package.uses_remaining)
        self.assertEqual(sum(package.move_ids.mapped("amount")), package.value_remaining)
