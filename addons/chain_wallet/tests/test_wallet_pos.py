from odoo.exceptions import UserError
from odoo.tests import tagged

from .common_wallet import WalletPosCase


@tagged("post_install", "-at_install")
class TestWalletPos(WalletPosCase):
    """Stored value through the POS order sync (the payload the till sends)."""

    def test_topup_at_the_till_credits_the_balance_with_bonus(self):
        self.env["chain.topup.rule"].create(
            {"name": "100 get 10", "min_amount": 100, "bonus_amount": 10}
        )
        order = self.sync(
            self.order_vals(
                self.session_a, [(self.topup_product, 1, 100)], [(self.cash_method, 100)]
            )
        )
        self.assertEqual(order.state, "paid")
        line = order.chain_wallet_transaction_ids
        self.assertEqual(
            (line.kind, line.principal, line.bonus, line.store_id), ("topup", 100, 10, self.store_a)
        )
        self.assertEqual(self.balance(), (100, 10))

    def test_split_payment_with_the_balance_and_cash(self):
        self.topup(50)
        order = self.sync(
            self.order_vals(
                self.session_a,
                [(self.haircut, 1, 100)],
                [(self.wallet_method, 50), (self.cash_method, 50)],
            )
        )
        payment = order.payment_ids.filtered(lambda p: p.payment_method_id == self.wallet_method)
        line = order.chain_wallet_transaction_ids
        self.assertEqual((line.kind, line.amount, line.pos_payment_id), ("payment", -50, payment))
        self.assertEqual(self.balance(), (0, 0))

    def test_insufficient_balance_refuses_the_whole_order(self):
        self.topup(30)
        vals = self.order_vals(
            self.session_a, [(self.haircut, 1, 100)], [(self.wallet_method, 100)]
        )
        with self.assertRaisesRegex(UserError, "Insufficient stored value"):
            with self.env.cr.savepoint():
                self.sync(vals)
        self.assertFalse(self.env["pos.order"].search([("uuid", "=", vals["uuid"])]))
        self.assertEqual(self.balance(), (30, 0))

    def test_resending_the_same_order_changes_nothing(self):
        self.topup(100)
        vals = self.order_vals(self.session_a, [(self.haircut, 1, 80)], [(self.wallet_method, 80)])
        first = self.sync(dict(vals))
        second = self.sync(dict(vals))
        self.assertFalse(second, "an order already saved is skipped")
        self.assertEqual(self.env["pos.order"].search_count([("uuid", "=", vals["uuid"])]), 1)
        self.assertEqual(len(first.chain_wallet_transaction_ids), 1)
        self.assertEqual(self.balance(), (20, 0))

    def test_refund_goes_back_to_the_balance_in_the_same_split(self):
        self.env["chain.topup.rule"].create(
            {"name": "100 get 25", "min_amount": 100, "bonus_amount": 25}
        )
        self.topup(100)
        self.env["ir.config_parameter"].sudo().set_param(
            "chain_member.wallet_spend_order", "pro_rata"
        )
        order = self.sync(
            self.order_vals(self.session_a, [(self.haircut, 1, 100)], [(self.wallet_method, 100)])
        )
        self.assertEqual(self.balance(), (20, 5))
        refund = self.sync(
            self.refund_vals(order, self.session_b, [(self.wallet_method, -100)]),
            user=self.cashier_b,
        )
        line = refund.chain_wallet_transaction_ids
        self.assertEqual(
            (line.kind, line.principal, line.bonus, line.origin_id.pos_order_id),
            ("refund", 80, 20, order),
        )
        self.assertEqual(self.balance(), (100, 25))

    def test_cash_sale_cannot_be_refunded_to_the_balance(self):
        # issue 12: stored value returns only in the share the original order took from the
        # balance; a cash sale is refunded in cash (this test used to credit the balance)
        order = self.sync(
            self.order_vals(self.session_a, [(self.haircut, 1, 100)], [(self.cash_method, 100)])
        )
        with self.assertRaisesRegex(UserError, "original order, paid from the balance"):
            with self.env.cr.savepoint():
                self.sync(self.refund_vals(order, self.session_a, [(self.wallet_method, -100)]))
        self.assertEqual(self.balance(), (0, 0))

    def test_topup_cannot_be_refunded_at_the_till(self):
        order = self.sync(
            self.order_vals(
                self.session_a, [(self.topup_product, 1, 100)], [(self.cash_method, 100)]
            )
        )
        with self.assertRaisesRegex(UserError, "store manager withdraws"):
            with self.env.cr.savepoint():
                self.sync(self.refund_vals(order, self.session_a, [(self.cash_method, -100)]))
        self.assertEqual(self.balance(), (100, 0))

    def test_order_without_member_cannot_use_the_balance(self):
        vals = self.order_vals(
            self.session_a, [(self.haircut, 1, 10)], [(self.wallet_method, 10)], partner=False
        )
        with self.assertRaisesRegex(UserError, "Select the member"):
            with self.env.cr.savepoint():
                self.sync(vals)

    def test_blocked_card_is_refused_at_the_till(self):
        self.topup(100)
        issue = (
            self.env["chain.member.card.issue"]
            .with_user(self.cashier_a)
            .create(
                {"partner_id": self.member.id, "store_id": self.store_a.id, "kind": "magstripe"}
            )
        )
        card = self.env["chain.member.card"].browse(issue.action_issue()["res_id"])
        self.assertTrue(
            self.env["res.partner"]
            .with_user(self.cashier_a)
            .chain_wallet_authorize(
                self.member.id, 10, "uuid-1", self.config_a.id, card_number=card.number
            )["ok"]
        )
        self.env["chain.member.card.lost"].with_user(self.cashier_a).create(
            {"card_id": card.id, "store_id": self.store_a.id, "reason": "lost on the bus"}
        ).action_confirm()
        result = (
            self.env["res.partner"]
            .with_user(self.cashier_a)
            .chain_wallet_authorize(
                self.member.id, 10, "uuid-1", self.config_a.id, card_number=card.number
            )
        )
        self.assertFalse(result["ok"])
        self.assertIn("reported lost", result["message"])

    def test_pin_is_checked_at_the_till_and_in_the_sync(self):
        self.env["ir.config_parameter"].sudo().set_param("chain_member.wallet_pin_required", "True")
        self.env["ir.config_parameter"].sudo().set_param(
            "chain_member.wallet_pin_max_failures", "3"
        )
        self.topup(100)
        self.member.with_user(self.cashier_a)._chain_wallet_account(self.store_a)._set_pin(
            "2468", store=self.store_a
        )
        Partner = self.env["res.partner"].with_user(self.cashier_a)
        vals = self.order_vals(self.session_a, [(self.haircut, 1, 40)], [(self.wallet_method, 40)])
        asked = Partner.chain_wallet_authorize(self.member.id, 40, vals["uuid"], self.config_a.id)
        self.assertEqual((asked["ok"], asked.get("pin_required")), (False, True))
        wrong = Partner.chain_wallet_authorize(
            self.member.id, 40, vals["uuid"], self.config_a.id, pin="1111"
        )
        self.assertIn("Wrong payment PIN (2 attempts left)", wrong["message"])
        with self.assertRaisesRegex(UserError, "not confirmed with the member's PIN"):
            with self.env.cr.savepoint():
                self.sync(dict(vals))
        good = Partner.chain_wallet_authorize(
            self.member.id, 40, vals["uuid"], self.config_a.id, pin="2468"
        )
        self.assertTrue(good["ok"])
        vals["payment_ids"][0][2]["transaction_id"] = good["token"]
        self.sync(vals)
        self.assertEqual(self.balance(), (60, 0))

    def test_pin_locks_after_repeated_failures(self):
        self.env["ir.config_parameter"].sudo().set_param("chain_member.wallet_pin_required", "True")
        self.env["ir.config_parameter"].sudo().set_param(
            "chain_member.wallet_pin_max_failures", "2"
        )
        self.topup(100)
        self.member.with_user(self.cashier_a)._chain_wallet_account(self.store_a)._set_pin(
            "2468", store=self.store_a
        )
        Partner = self.env["res.partner"].with_user(self.cashier_a)
        Partner.chain_wallet_authorize(self.member.id, 10, "u", self.config_a.id, pin="0000")
        locked = Partner.chain_wallet_authorize(
            self.member.id, 10, "u", self.config_a.id, pin="0000"
        )
        self.assertIn("locked", locked["message"])
        refused = Partner.chain_wallet_authorize(
            self.member.id, 10, "u", self.config_a.id, pin="2468"
        )
        self.assertIn("locked after too many wrong attempts", refused["message"])
        with self.assertRaisesRegex(Exception, "store manager"):
            self.member.with_user(self.cashier_a)._chain_wallet_account(
                self.store_a
            )._reset_pin_lock(store=self.store_a)
        self.member.with_user(self.manager_a)._chain_wallet_account(self.store_a)._reset_pin_lock(
            store=self.store_a
        )
        self.assertTrue(
            Partner.chain_wallet_authorize(self.member.id, 10, "u", self.config_a.id, pin="2468")[
                "ok"
            ]
        )

    def test_session_closing_books_the_liability(self):
        self.env["chain.topup.rule"].create(
            {"name": "100 get 10", "min_amount": 100, "bonus_amount": 10}
        )
        liability = self.accounts["liability"]
        liability_before = self.account_balance(liability)
        bonus_before = self.account_balance(self.accounts["bonus"])
        self.sync(
            self.order_vals(
                self.session_a, [(self.topup_product, 1, 200)], [(self.cash_method, 200)]
            )
        )
        order = self.sync(
            self.order_vals(
                self.session_a,
                [(self.haircut, 1, 150)],
                [(self.wallet_method, 120), (self.cash_method, 30)],
            )
        )
        self.sync(
            self.refund_vals(
                order, self.session_a, [(self.wallet_method, -120), (self.cash_method, -30)]
            )
        )
        self.sync(
            self.order_vals(self.session_a, [(self.haircut, 1, 100)], [(self.wallet_method, 100)])
        )
        self.assertEqual(self.balance(), (100, 10))
        self.assertEqual(self.account_balance(liability), liability_before)  # nothing booked yet
        rows = self.env["chain.wallet.xlsx"]._liability_rows(
            self.company.ids, self.env.cr.now().date()
        )
        wallet_row = rows[0]
        self.assertEqual(self.currency.round(wallet_row[6]), 110)  # pending in the open session
        self.close_session(self.session_a)
        self.assertEqual(self.account_balance(liability) - liability_before, 110)
        self.assertEqual(self.account_balance(self.accounts["bonus"]) - bonus_before, -10)
        rows = self.env["chain.wallet.xlsx"]._liability_rows(
            self.company.ids, self.env.cr.now().date()
        )
        self.assertEqual([self.currency.round(row[7]) for row in rows], [0.0, 0.0])

    def test_invoiced_order_paid_from_the_balance_clears_the_invoice(self):
        self.topup(100)
        order = self.sync(
            self.order_vals(
                self.session_a,
                [(self.haircut, 1, 100)],
                [(self.wallet_method, 100)],
                to_invoice=True,
            )
        )
        self.assertEqual(order.state, "invoiced")
        self.assertEqual(order.account_move.payment_state, "paid")
        self.assertEqual(self.balance(), (0, 0))
        self.close_session(self.session_a)
        rows = self.env["chain.wallet.xlsx"]._liability_rows(
            self.company.ids, self.env.cr.now().date()
        )
        self.assertEqual(self.currency.round(rows[0][7]), 0.0)
