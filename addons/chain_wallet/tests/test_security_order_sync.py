"""Issue 12: the order sync is the authority for stored value, count cards and top-ups.

Each test forges one field of the payload the till sends to ``pos.order.sync_from_ui`` and
checks the refusal (a translated UserError) and that nothing was written: no order with that
uuid, no stored-value or count-card ledger line, balances unchanged."""

import json
import uuid

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common_wallet import WalletPosCase


@tagged("post_install", "-at_install")
class TestSecurityOrderSync(WalletPosCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.topup(cls, 500)

    # ------------------------------------------------------------------------------------------
    def snapshot(self):
        self.env.flush_all()
        return (
            self.env["chain.wallet.transaction"].sudo().search_count([]),
            self.env["chain.count.card.move"].sudo().search_count([]),
            self.balance(),
            self.balance(self.member_2),
        )

    def assert_refused(self, vals, message, user=None, exception=UserError):
        before = self.snapshot()
        with self.assertRaisesRegex(exception, message):
            with self.env.cr.savepoint():
                self.sync(vals, user=user)
        self.assertFalse(self.env["pos.order"].sudo().search([("uuid", "=", vals["uuid"])]))
        self.assertEqual(self.snapshot(), before)

    def issue_card(self, member):
        issue = (
            self.env["chain.member.card.issue"]
            .with_user(self.cashier_a)
            .create({"partner_id": member.id, "store_id": self.store_a.id, "kind": "magstripe"})
        )
        return self.env["chain.member.card"].browse(issue.action_issue()["res_id"])

    def sale(self, lines, payments, **kwargs):
        return self.order_vals(self.session_a, lines, payments, **kwargs)

    # 1. fully paid by money that exists ---------------------------------------------------------
    def test_topup_paid_with_one_yuan_is_refused(self):
        vals = self.sale([(self.topup_product, 1, 1000)], [(self.cash_method, 1)])
        vals["amount_paid"] = 1000
        self.assert_refused(vals, "not fully paid")

    def test_topup_paid_with_nothing_is_refused(self):
        vals = self.sale([(self.topup_product, 1, 1000)], [])
        self.assert_refused(vals, "not fully paid")

    def test_forged_line_subtotal_is_refused(self):
        vals = self.sale([(self.topup_product, 1, 1)], [(self.cash_method, 1)])
        vals["lines"][0][2].update(price_subtotal=1000, price_subtotal_incl=1000)
        self.assert_refused(vals, "does not match its price")

    def test_forged_order_total_is_refused(self):
        vals = self.sale([(self.topup_product, 1, 100)], [(self.cash_method, 1)])
        vals["amount_total"] = 1
        self.assert_refused(vals, "does not match its lines")

    def test_topup_paid_from_the_balance_is_refused(self):
        vals = self.sale([(self.topup_product, 1, 100)], [(self.wallet_method, 100)])
        self.assert_refused(vals, "paid with money")

    def test_topup_paid_with_points_is_refused(self):
        method = self.env["pos.payment.method"]
        if "chain_points" not in method._fields:
            self.skipTest("chain_loyalty is not installed")
        points = self.config_a.payment_method_ids.filtered("chain_points")
        if not points:
            self.skipTest("no points method on the till")
        vals = self.sale([(self.topup_product, 1, 100)], [(points, 100)])
        self.assert_refused(vals, "paid with money")

    def test_method_of_another_till_is_refused(self):
        vals = self.sale([(self.topup_product, 1, 100)], [(self.cash_method_b, 100)])
        self.assert_refused(vals, "does not accept|not allowed in the config")

    # 2. amounts bounded --------------------------------------------------------------------------
    def test_topup_above_the_ceiling_is_refused(self):
        vals = self.sale([(self.topup_product, 1, 60000)], [(self.cash_method, 60000)])
        self.assert_refused(vals, "above the chain's limit")

    # 3. refunds -----------------------------------------------------------------------------------
    def test_wallet_refund_without_origin_is_refused(self):
        vals = self.sale([(self.haircut, -1, 100)], [(self.wallet_method, -100)])
        self.assert_refused(vals, "without its original sale")

    def test_wallet_refund_of_a_cash_sale_is_refused(self):
        order = self.sync(self.sale([(self.haircut, 1, 100)], [(self.cash_method, 100)]))
        vals = self.refund_vals(order, self.session_a, [(self.wallet_method, -100)])
        self.assert_refused(vals, "paid from the balance")

    def test_refund_of_another_members_order_is_refused(self):
        order = self.sync(self.sale([(self.haircut, 1, 100)], [(self.wallet_method, 100)]))
        vals = self.refund_vals(order, self.session_a, [(self.wallet_method, -100)])
        vals["partner_id"] = self.member_2.id
        self.assert_refused(vals, "without its original sale")

    def test_second_refund_of_the_same_line_is_refused(self):
        order = self.sync(self.sale([(self.haircut, 1, 100)], [(self.wallet_method, 100)]))
        self.sync(self.refund_vals(order, self.session_a, [(self.wallet_method, -100)]))
        self.assertEqual(self.balance(), (500, 0))
        vals = self.refund_vals(order, self.session_a, [(self.wallet_method, -100)])
        self.assert_refused(vals, "left to refund")

    def test_refund_for_more_money_than_the_sale_is_refused(self):
        order = self.sync(self.sale([(self.haircut, 1, 100)], [(self.wallet_method, 100)]))
        line = order.lines
        vals = self.refund_vals(
            order,
            self.session_a,
            [(self.wallet_method, -100), (self.cash_method, -400)],
            lines=[(self.haircut, -1, 500, {"refunded_orderline_id": line.id})],
        )
        self.assert_refused(vals, "more than it was sold for")

    def test_refund_returns_only_the_share_paid_from_the_balance(self):
        order = self.sync(
            self.sale([(self.haircut, 1, 100)], [(self.wallet_method, 60), (self.cash_method, 40)])
        )
        self.assertEqual(self.balance(), (440, 0))
        vals = self.refund_vals(order, self.session_a, [(self.wallet_method, -100)])
        self.assert_refused(vals, "At most")
        self.sync(
            self.refund_vals(
                order, self.session_a, [(self.wallet_method, -60), (self.cash_method, -40)]
            )
        )
        self.assertEqual(self.balance(), (500, 0))

    # 4. prepaid lines ---------------------------------------------------------------------------
    def test_discounted_count_card_is_refused(self):
        vals = self.sale([(self.haircut_card, 1, 800, {"discount": 50})], [(self.cash_method, 400)])
        vals["lines"][0][2].update(price_subtotal=400, price_subtotal_incl=400)
        vals["amount_total"] = 400
        self.assert_refused(vals, "without discount")

    def test_count_card_below_list_price_is_refused(self):
        vals = self.sale([(self.haircut_card, 1, 1)], [(self.cash_method, 1)])
        self.assert_refused(vals, "without discount")

    def test_discounted_topup_is_refused(self):
        vals = self.sale(
            [(self.topup_product, 1, 1000, {"discount": 10})], [(self.cash_method, 900)]
        )
        vals["lines"][0][2].update(price_subtotal=900, price_subtotal_incl=900)
        vals["amount_total"] = 900
        self.assert_refused(vals, "without discount")

    def test_topup_paid_by_a_reward_line_is_refused(self):
        vals = self.sale(
            [(self.topup_product, 1, 1000), (self.haircut, 1, -500)], [(self.cash_method, 500)]
        )
        self.assert_refused(vals, "no refund, discount or reward line")

    def test_topup_paid_by_refunding_a_cash_sale_is_refused(self):
        order = self.sync(self.sale([(self.haircut, 1, 100)], [(self.cash_method, 100)]))
        vals = self.sale(
            [
                (self.topup_product, 1, 100),
                (self.haircut, -1, 100, {"refunded_orderline_id": order.lines.id}),
            ],
            [],
        )
        self.assert_refused(vals, "no refund, discount or reward line")

    def test_forged_id_does_not_rewrite_another_order(self):
        paid = self.sync(self.sale([(self.haircut, 1, 100)], [(self.cash_method, 100)]))
        draft_vals = self.sale([(self.haircut, 1, 30)], [])
        draft_vals["state"] = "draft"
        draft = self.sync(dict(draft_vals))
        self.assertEqual(draft.state, "draft")
        forged = self.sale([(self.haircut, 1, 30)], [], order_uuid=draft_vals["uuid"])
        forged.update(state="draft", id=paid.id)
        self.sync(forged)
        self.assertEqual(len(paid.lines), 1)
        self.assertEqual(paid.amount_total, 100)

    # 5. the PIN token covers the order's total --------------------------------------------------
    def test_one_token_does_not_cover_two_payment_lines(self):
        self.env["ir.config_parameter"].sudo().set_param("chain_member.wallet_pin_required", "True")
        vals = self.sale(
            [(self.haircut, 1, 60)], [(self.wallet_method, 30), (self.wallet_method, 30)]
        )
        token = self.member._chain_wallet_token(vals["uuid"], 30)
        for command in vals["payment_ids"]:
            command[2]["transaction_id"] = token
        self.assert_refused(vals, "not confirmed with the member's PIN")
        token = self.member._chain_wallet_token(vals["uuid"], 60)
        vals["payment_ids"][0][2]["transaction_id"] = token
        self.sync(vals)
        self.assertEqual(self.balance(), (440, 0))

    def test_token_of_another_order_is_refused(self):
        self.env["ir.config_parameter"].sudo().set_param("chain_member.wallet_pin_required", "True")
        vals = self.sale([(self.haircut, 1, 30)], [(self.wallet_method, 30)])
        vals["payment_ids"][0][2]["transaction_id"] = self.member._chain_wallet_token(
            str(uuid.uuid4()), 30
        )
        self.assert_refused(vals, "not confirmed with the member's PIN")

    # 6. a lost card protects the balance ----------------------------------------------------------
    def test_lost_card_needs_the_pin_token(self):
        card = self.issue_card(self.member)
        self.env["chain.member.card.lost"].with_user(self.cashier_a).create(
            {"card_id": card.id, "store_id": self.store_a.id, "reason": "lost on the bus"}
        ).action_confirm()
        vals = self.sale([(self.haircut, 1, 30)], [(self.wallet_method, 30)])
        self.assert_refused(vals, "not confirmed with the member's PIN")

    # 7. forged fields ---------------------------------------------------------------------------
    def test_count_card_of_another_member_is_refused(self):
        package = (
            self.member_2.env["chain.count.card.package"]
            .with_user(self.cashier_a)
            ._sell(self.member_2, self.haircut_card, store=self.store_a, journal=self.cash_journal)
        )
        vals = self.sale(
            [(self.haircut, 1, 0.0, {"chain_count_card_package_id": package.id})],
            [(self.cash_method, 0.0)],
        )
        self.assert_refused(vals, "belongs to another member")

    def test_half_a_count_card_use_is_refused(self):
        package = (
            self.member.env["chain.count.card.package"]
            .with_user(self.cashier_a)
            ._sell(self.member, self.haircut_card, store=self.store_a, journal=self.cash_journal)
        )
        vals = self.sale(
            [(self.haircut, 0.5, 0.0, {"chain_count_card_package_id": package.id})],
            [(self.cash_method, 0.0)],
        )
        self.assert_refused(vals, "whole number of times")

    def test_count_card_that_does_not_exist_is_refused(self):
        vals = self.sale(
            [(self.haircut, 1, 0.0, {"chain_count_card_package_id": 999999})],
            [(self.cash_method, 0.0)],
        )
        self.assert_refused(vals, "does not exist")
        self.assertFalse(self.env["pos.order"].sudo().search([("uuid", "=", vals["uuid"])]))

    def test_card_of_another_member_on_a_topup_is_refused(self):
        card = self.issue_card(self.member_2)
        vals = self.sale([(self.topup_product, 1, 100)], [(self.cash_method, 100)])
        vals["chain_card_number"] = card.number
        self.assert_refused(vals, "is not a card of")

    def test_cashier_of_another_store_is_refused(self):
        vals = self.sale([(self.topup_product, 1, 100)], [(self.cash_method, 100)])
        self.assert_refused(vals, "do not work in", user=self.cashier_b, exception=AccessError)

    def test_resending_the_same_order_applies_it_once(self):
        vals = self.sale([(self.topup_product, 1, 100)], [(self.cash_method, 100)])
        self.sync(dict(vals))
        self.sync(vals)
        self.assertEqual(self.balance(), (600, 0))
        self.assertEqual(
            self.env["pos.order"].sudo().search_count([("uuid", "=", vals["uuid"])]), 1
        )

    # 8. a till outside the chain keeps stock behaviour -------------------------------------------
    def test_plain_till_and_user_work_as_stock(self):
        journal = self.env["account.journal"].create(
            {"name": "Plain cash", "code": "PLN", "type": "cash", "company_id": self.company.id}
        )
        cash = self.env["pos.payment.method"].create(
            {"name": "Plain cash", "journal_id": journal.id, "company_id": self.company.id}
        )
        config = self.env["pos.config"].create(
            {"name": "Plain till", "payment_method_ids": [Command.set(cash.ids)]}
        )
        session = self._open_session(config)
        # stock's order name needs the sequence, which a bare POS user cannot read: a POS
        # manager, in no chain group
        user = new_test_user(
            self.env, login="t_plain_pos", groups="point_of_sale.group_pos_manager"
        )
        before = self.snapshot()
        vals = self.order_vals(session, [(self.haircut, 1, 100)], [(cash, 100)])
        with self.assertNoLogs("odoo.addons.point_of_sale.models.pos_order", level="ERROR"):
            order = self.sync(vals, user=user)
        self.assertEqual(order.state, "paid")
        self.assertEqual(self.snapshot(), before)


@tagged("post_install", "-at_install")
class TestSecurityOrderSyncHttp(HttpCase, WalletPosCase):
    """The same refusals over real JSON-RPC, as the demo cashier sh01_cashier."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sh01 = cls.env.ref("chain_member.store_direct_1")
        cls.sh01_cashier = cls.env.ref("chain_member.user_sh01_cashier")
        cls.config_sh01 = cls._make_config("Till S", cls.sh01)
        cls.cash_sh01 = cls.config_sh01.payment_method_ids.filtered("is_cash_count")
        cls.session_sh01 = cls._open_session(cls.config_sh01)

    def call_kw_error(self, model, method, args):
        """POST a call_kw request; return the JSON-RPC error (name, message) it answers."""
        payload = {
            "id": 0,
            "jsonrpc": "2.0",
            "method": "call",
            "params": {"model": model, "method": method, "args": args, "kwargs": {}},
        }
        response = self.url_open(
            f"/web/dataset/call_kw/{model}/{method}",
            data=json.dumps(payload),
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(response.status_code, 200)
        error = response.json().get("error")
        self.assertTrue(error, "the call was accepted")
        return error["data"]["name"], error["data"]["message"]

    @mute_logger("odoo.http")
    def test_topup_without_money_over_rpc_is_refused(self):
        self.authenticate("sh01_cashier", "demo")
        vals = self.order_vals(
            self.session_sh01, [(self.topup_product, 1, 1000)], [(self.cash_sh01, 1)]
        )
        before = self.env["chain.wallet.transaction"].sudo().search_count([])
        name, message = self.call_kw_error("pos.order", "sync_from_ui", [[vals]])
        self.assertEqual(name, "odoo.exceptions.UserError")
        self.assertIn("not fully paid", message)
        self.assertFalse(self.env["pos.order"].sudo().search([("uuid", "=", vals["uuid"])]))
        self.assertEqual(self.env["chain.wallet.transaction"].sudo().search_count([]), before)
        self.assertEqual(self.balance(), (0, 0))

    @mute_logger("odoo.http")
    def test_private_topup_over_rpc_is_refused(self):
        account = (
            self.env["chain.wallet.account"]
            .sudo()
            ._get_or_create(self.member, self.member.env.company.currency_id)
        )
        self.authenticate("sh01_cashier", "demo")
        for model, method, args in (
            ("chain.wallet.account", "_topup", [[account.id], 1000]),
            ("res.partner", "_chain_wallet_account", [[self.member.id]]),
        ):
            with self.subTest(model=model, method=method):
                name, message = self.call_kw_error(model, method, args)
                self.assertEqual(name, "odoo.exceptions.AccessError")
                self.assertIn("Private methods", message)
        self.assertEqual(self.balance(), (0, 0))


@tagged("post_install", "-at_install", "chain_security")
class TestSecurityTillSettings(WalletPosCase):
    def test_a_cashier_does_not_repoint_a_till(self):
        before = (self.config_a.chain_store_id, self.config_a.payment_method_ids)
        for values in (
            {"chain_store_id": self.store_b.id},
            {"chain_store_id": False},
            {"payment_method_ids": [Command.link(m.id) for m in self.config_b.payment_method_ids]},
        ):
            for user in (self.cashier_a, self.manager_a):
                with (
                    self.subTest(values=values, user=user.login),
                    self.assertRaisesRegex(UserError, "Point of Sale administrator"),
                    self.env.cr.savepoint(),
                ):
                    self.config_a.with_user(user).write(values)
        self.config_a.invalidate_recordset()
        self.assertEqual((self.config_a.chain_store_id, self.config_a.payment_method_ids), before)

    def test_paying_a_paid_order_again_counts_its_spend_once(self):
        order = self.sync(
            self.order_vals(self.session_a, [(self.haircut, 1, 80.0)], [(self.cash_method, 80.0)])
        )
        self.member.invalidate_recordset(["member_total_spend"])
        spend = self.member.member_total_spend
        order.with_user(self.cashier_a).action_pos_order_paid()
        order.with_user(self.cashier_a).action_pos_order_paid()
        self.member.invalidate_recordset(["member_total_spend"])
        self.assertEqual(self.member.member_total_spend, spend)
