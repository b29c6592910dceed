from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common_wallet import WalletPosCase


@tagged("post_install", "-at_install")
class TestWalletCardSync(WalletPosCase):
    """The till saves the card the member presented (``chain_card_number``); the order sync
    refuses the balance and count-card uses when that card was blocked since (an order queued
    offline), with the card's own message, and writes nothing."""

    def setUp(self):
        super().setUp()
        self.topup(100)
        self.package = (
            self.member.env["chain.count.card.package"]
            .with_user(self.cashier_a)
            ._sell(self.member, self.haircut_card, store=self.store_a, journal=self.cash_journal)
        )
        issue = (
            self.env["chain.member.card.issue"]
            .with_user(self.cashier_a)
            .create(
                {"partner_id": self.member.id, "store_id": self.store_a.id, "kind": "magstripe"}
            )
        )
        self.card = self.env["chain.member.card"].browse(issue.action_issue()["res_id"])

    def report_lost(self):
        self.env["chain.member.card.lost"].with_user(self.cashier_a).create(
            {"card_id": self.card.id, "store_id": self.store_a.id, "reason": "lost on the bus"}
        ).action_confirm()

    def balance_order(self, amount=30):
        vals = self.order_vals(
            self.session_a, [(self.haircut, 1, amount)], [(self.wallet_method, amount)]
        )
        vals["chain_card_number"] = self.card.number
        return vals

    def use_order(self):
        vals = self.order_vals(
            self.session_a,
            [(self.haircut, 1, 0.0, {"chain_count_card_package_id": self.package.id})],
            [(self.cash_method, 0.0)],
        )
        vals["chain_card_number"] = self.card.number
        return vals

    def assert_refused(self, vals, message):
        with self.assertRaisesRegex(UserError, message):
            with self.env.cr.savepoint():
                self.sync(vals)
        self.assertFalse(self.env["pos.order"].search([("uuid", "=", vals["uuid"])]))
        self.assertEqual(self.balance(), (100, 0))
        self.assertEqual(self.package.uses_remaining, 10)
        self.assertFalse(
            self.env["chain.wallet.transaction"].search(
                [("partner_id", "=", self.member.id), ("kind", "=", "payment")]
            ),
            "no ledger line written",
        )

    def test_the_card_is_saved_on_the_order(self):
        order = self.sync(self.balance_order())
        self.assertEqual(order.chain_card_number, self.card.number)
        self.assertEqual(self.balance(), (70, 0))

    def test_lost_card_refuses_the_balance_payment(self):
        vals = self.balance_order()
        self.report_lost()
        self.assert_refused(vals, "reported lost")

    def test_lost_card_refuses_the_count_card_use(self):
        vals = self.use_order()
        self.report_lost()
        self.assert_refused(vals, "reported lost")

    def test_expired_card_refuses_the_balance_payment(self):
        vals = self.balance_order()
        self.card.sudo().expiry_date = fields.Date.today() - timedelta(days=1)
        self.assert_refused(vals, self.card.number)

    def test_card_of_another_member_is_refused(self):
        vals = self.balance_order()
        vals["partner_id"] = self.member_2.id
        self.topup(100, member=self.member_2)
        with self.assertRaisesRegex(UserError, "is not a card of"):
            with self.env.cr.savepoint():
                self.sync(vals)
        self.assertEqual(self.balance(self.member_2), (100, 0))

    def test_found_by_mobile_with_a_lost_card_needs_the_pin(self):
        """No card presented (member found by mobile) while a card of the member is reported
        lost: the balance is protected by the PIN (issue 12; this test used to assert that
        such a payment went through unchecked)."""
        self.member.with_user(self.cashier_a)._chain_wallet_account(self.store_a)._set_pin(
            "2468", store=self.store_a
        )
        self.report_lost()
        vals = self.balance_order()
        vals["chain_card_number"] = False
        self.assert_refused(dict(vals), "not confirmed with the member's PIN")
        Partner = self.env["res.partner"].with_user(self.cashier_a)
        asked = Partner.chain_wallet_authorize(self.member.id, 30, vals["uuid"], self.config_a.id)
        self.assertEqual(
            (asked["ok"], asked.get("pin_required"), asked.get("card_lost")), (False, True, True)
        )
        good = Partner.chain_wallet_authorize(
            self.member.id, 30, vals["uuid"], self.config_a.id, pin="2468"
        )
        self.assertTrue(good["ok"], good)
        vals["payment_ids"][0][2]["transaction_id"] = good["token"]
        self.sync(vals)
        self.assertEqual(self.balance(), (70, 0))

    def test_top_up_with_a_lost_card_is_not_refused(self):
        """Money in is not refused: only payments from the balance and uses are."""
        self.report_lost()
        vals = self.order_vals(
            self.session_a, [(self.topup_product, 1, 50)], [(self.cash_method, 50)]
        )
        vals["chain_card_number"] = self.card.number
        self.sync(vals)
        self.assertEqual(self.balance(), (150, 0))

    def test_resending_a_synced_order_after_the_card_is_lost_changes_nothing(self):
        vals = self.balance_order()
        first = self.sync(dict(vals))
        self.report_lost()
        second = self.sync(dict(vals))
        self.assertFalse(second, "an order already saved is skipped")
        self.assertEqual(self.env["pos.order"].search_count([("uuid", "=", vals["uuid"])]), 1)
        self.assertEqual(len(first.chain_wallet_transaction_ids), 1)
        self.assertEqual(self.balance(), (70, 0))
