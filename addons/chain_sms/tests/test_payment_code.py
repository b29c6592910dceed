import datetime

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common_payment import PaymentCodeCase


@tagged("post_install", "-at_install")
class TestPaymentCode(PaymentCodeCase):
    """Large payments from the balance at the till need the code the member gets by SMS:
    ``chain_wallet_authorize`` asks for it and the order sync refuses the payment without it."""

    # -- the till ------------------------------------------------------------------------------
    def test_a_payment_below_the_threshold_needs_no_code(self):
        result = self.authorize(499.99, "order-small")
        self.assertTrue(result["ok"])
        self.assertFalse(self.codes_received())
        self.sync(self.paid_order(499.99))
        self.assertEqual(self.balance(), (2000 - 499.99, 0))

    def test_no_code_when_the_chain_does_not_ask_for_one(self):
        self.company.sudo().chain_sms_payment_code = False
        self.assertTrue(self.authorize(1500, "order-off")["ok"])
        self.assertFalse(self.codes_received())
        self.sync(self.paid_order(1500))
        self.assertEqual(self.balance(), (500, 0))

    def test_a_large_payment_asks_for_the_code_sent_to_the_member(self):
        vals = self.paid_order(800)
        asked = self.authorize(800, vals["uuid"])
        self.assertEqual(
            (asked["ok"], asked["sms_code_required"], asked["sms_error"], asked["mobile_tail"]),
            (False, True, False, "8101"),
        )
        self.assertIn("ending 8101", asked["message"])
        self.assertNotIn("token", asked)
        [code] = self.codes_received()
        granted = self.authorize(800, vals["uuid"], sms_code=code)
        self.assertTrue(granted["ok"])
        self.assertTrue(granted["token"])
        vals["payment_ids"][0][2]["transaction_id"] = granted["token"]
        order = self.sync(vals)
        self.assertEqual(order.chain_wallet_transaction_ids.amount, -800)
        self.assertEqual(self.balance(), (1200, 0))

    def test_the_threshold_is_inclusive(self):
        asked = self.authorize(500, "order-edge")
        self.assertTrue(asked.get("sms_code_required"))

    def test_asking_again_does_not_send_a_second_code(self):
        self.authorize(800, "order-twice")
        again = self.authorize(800, "order-twice")
        self.assertTrue(again["sms_code_required"])
        self.assertFalse(again["sms_error"])
        self.assertEqual(len(self.codes_received()), 1)

    def test_a_wrong_code_is_refused_and_the_right_one_still_works(self):
        self.authorize(800, "order-wrong")
        [code] = self.codes_received()
        refused = self.authorize(800, "order-wrong", sms_code=self.wrong(code))
        self.assertEqual((refused["ok"], refused["sms_error"]), (False, True))
        self.assertIn("Wrong code", refused["message"])
        self.assertTrue(self.authorize(800, "order-wrong", sms_code=code)["ok"])

    def test_a_code_is_for_its_order_and_amount(self):
        self.authorize(800, "order-one")
        [code] = self.codes_received()
        other_order = self.authorize(800, "order-two", sms_code=code)
        self.assertFalse(other_order["ok"])
        bigger = self.authorize(900, "order-one", sms_code=code)
        self.assertFalse(bigger["ok"], "a code for 800 does not confirm 900")

    def test_an_expired_code_is_refused_until_a_new_one_is_sent(self):
        with freeze_time("2026-05-01 10:00:00") as frozen:
            self.authorize(800, "order-late")
            [code] = self.codes_received()
            frozen.tick(datetime.timedelta(minutes=6))
            refused = self.authorize(800, "order-late", sms_code=code)
            self.assertIn("expired", refused["message"])
            resent = self.authorize(800, "order-late", sms_resend=True)
            self.assertFalse(resent["sms_error"])
            old, new = self.codes_received()
            self.assertTrue(self.authorize(800, "order-late", sms_code=new)["ok"])

    def test_too_many_wrong_codes_block_the_code(self):
        with freeze_time("2026-05-01 10:00:00") as frozen:
            self.authorize(800, "order-guess")
            [code] = self.codes_received()
            for _attempt in range(5):
                self.authorize(800, "order-guess", sms_code=self.wrong(code))
            blocked = self.authorize(800, "order-guess", sms_code=code)
            self.assertFalse(blocked["ok"])
            self.assertIn("Too many wrong codes", blocked["message"])
            too_soon = self.authorize(800, "order-guess", sms_resend=True)
            self.assertIn("Too many codes were requested", too_soon["message"])
            frozen.tick(datetime.timedelta(seconds=61))
            self.authorize(800, "order-guess", sms_resend=True)
            new = self.codes_received()[-1]
            self.assertTrue(self.authorize(800, "order-guess", sms_code=new)["ok"])

    def test_a_resent_code_replaces_the_previous_one(self):
        with freeze_time("2026-05-01 10:00:00") as frozen:
            self.authorize(800, "order-resend")
            frozen.tick(datetime.timedelta(seconds=61))
            self.authorize(800, "order-resend", sms_resend=True)
            first, second = self.codes_received()
            self.assertFalse(self.authorize(800, "order-resend", sms_code=first)["ok"])
            self.assertTrue(self.authorize(800, "order-resend", sms_code=second)["ok"])

    def test_splitting_the_payment_does_not_avoid_the_code(self):
        self.assertTrue(self.authorize(400, "order-split")["ok"])
        second = self.authorize(400, "order-split", wallet_paid=400)
        self.assertTrue(second["sms_code_required"])

    def test_the_pin_is_still_asked_first(self):
        self.env["ir.config_parameter"].sudo().set_param("chain_member.wallet_pin_required", "True")
        self.member.with_user(self.cashier_a)._chain_wallet_account(self.store_a)._set_pin(
            "2468", store=self.store_a
        )
        vals = self.paid_order(800)
        self.assertTrue(self.authorize(800, vals["uuid"])["pin_required"])
        self.assertFalse(self.codes_received(), "no SMS before the PIN is right")
        self.assertTrue(self.authorize(800, vals["uuid"], pin="2468")["sms_code_required"])
        [code] = self.codes_received()
        self.assertFalse(self.authorize(800, vals["uuid"], pin="1111", sms_code=code)["ok"])
        granted = self.authorize(800, vals["uuid"], pin="2468", sms_code=code)
        self.assertTrue(granted["ok"])
        vals["payment_ids"][0][2]["transaction_id"] = granted["token"]
        self.sync(vals)
        self.assertEqual(self.balance(), (1200, 0))

    # -- the order sync ------------------------------------------------------------------------
    def test_the_sync_refuses_a_large_payment_without_a_code(self):
        vals = self.paid_order(800)
        with self.assertRaisesRegex(UserError, "not confirmed with the code sent"):
            with self.env.cr.savepoint():
                self.sync(vals)
        self.assertFalse(self.env["pos.order"].search([("uuid", "=", vals["uuid"])]))
        self.assertEqual(self.balance(), (2000, 0))

    def test_the_sync_refuses_a_code_that_confirmed_less(self):
        vals = self.order_vals(
            self.session_a,
            [(self.haircut, 1, 900)],
            [(self.wallet_method, 600), (self.wallet_method, 300)],
        )
        self.authorize(600, vals["uuid"])
        [code] = self.codes_received()
        self.assertTrue(self.authorize(600, vals["uuid"], sms_code=code)["ok"])
        with self.assertRaisesRegex(UserError, "not confirmed with the code sent"):
            with self.env.cr.savepoint():
                self.sync(vals)
        self.assertEqual(self.balance(), (2000, 0))

    def test_a_code_confirmed_for_the_order_total_lets_the_split_order_sync(self):
        vals = self.order_vals(
            self.session_a,
            [(self.haircut, 1, 900)],
            [(self.wallet_method, 600), (self.wallet_method, 300)],
        )
        self.authorize(300, vals["uuid"], wallet_paid=600)
        [code] = self.codes_received()
        self.assertTrue(self.authorize(300, vals["uuid"], wallet_paid=600, sms_code=code)["ok"])
        self.sync(vals)
        self.assertEqual(self.balance(), (1100, 0))

    def test_a_refund_to_the_balance_needs_no_code(self):
        # the sale is paid from the balance (with its code); its refund goes back to the
        # balance (a cash sale is never refunded into it) and asks for no code
        vals = self.paid_order(800)
        self.authorize(800, vals["uuid"])
        [code] = self.codes_received()
        granted = self.authorize(800, vals["uuid"], sms_code=code)
        vals["payment_ids"][0][2]["transaction_id"] = granted["token"]
        order = self.sync(vals)
        self.assertEqual(self.balance(), (1200, 0))
        self.sync(self.refund_vals(order, self.session_a, [(self.wallet_method, -800)]))
        self.assertEqual(self.balance(), (2000, 0))
        self.assertEqual(len(self.codes_received()), 1, "the refund sent no code")
