from datetime import timedelta

from stdnum import luhn

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import ChainMemberCase


@tagged("post_install", "-at_install")
class TestCardLifecycle(ChainMemberCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.member = cls.env["res.partner"].chain_register_member(
            {"name": "Zhang Wei", "mobile": "13912345678"}, store=cls.store_a
        )

    def _issue(self, user=None, **vals):
        wizard = (
            self.env["chain.member.card.issue"]
            .with_user(user or self.cashier_a)
            .create(
                {
                    "partner_id": self.member.id,
                    "store_id": self.store_a.id,
                    "kind": "magstripe",
                    **vals,
                }
            )
        )
        action = wizard.action_issue()
        return self.env["chain.member.card"].browse(action["res_id"])

    def _operate(self, wizard_model, card, user=None, **vals):
        wizard = (
            self.env[wizard_model]
            .with_user(user or self.cashier_a)
            .create(
                {"card_id": card.id, "store_id": self.store_a.id, "reason": "member asked", **vals}
            )
        )
        return wizard.action_confirm()

    def test_issued_card_has_a_check_digit_and_is_active(self):
        card = self._issue()
        self.assertEqual(card.state, "active")
        self.assertTrue(luhn.is_valid(card.number))
        self.assertEqual(self.member.member_card_id, card)
        log = self.env["chain.operation.log"].search(
            [("operation", "=", "card_issue"), ("res_id", "=", card.id)]
        )
        self.assertEqual(log.user_id, self.cashier_a)

    def test_a_mistyped_preprinted_number_is_refused(self):
        with self.assertRaises(ValidationError):
            self._issue(number="886000000000001")  # wrong check digit

    def test_one_active_card_at_a_time(self):
        self._issue()
        with self.assertRaises(UserError):
            self._issue()

    def test_lost_card_is_refused_at_every_till_with_the_reason(self):
        card = self._issue()
        self._operate("chain.member.card.lost", card)
        for user in (self.cashier_a, self.manager_b):
            result = self.env["res.partner"].with_user(user).chain_lookup_member(card.number)
            self.assertIn("reported lost", result["error"])
            self.assertEqual(result["card_state"], "lost")

    def test_cashier_cannot_unblock_a_lost_card_but_a_manager_can(self):
        card = self._issue()
        self._operate("chain.member.card.lost", card)
        with self.assertRaises(AccessError):
            self._operate("chain.member.card.found", card, user=self.cashier_a)
        self._operate("chain.member.card.found", card, user=self.manager_a)
        self.assertEqual(card.state, "active")

    def test_replacement_card_takes_over_and_old_one_is_refused(self):
        card = self._issue()
        self._operate("chain.member.card.lost", card)
        action = self._operate("chain.member.card.replace", card, kind="rfid")
        new_card = self.env["chain.member.card"].browse(action["res_id"])
        self.assertEqual(card.state, "replaced")
        self.assertEqual(new_card.state, "active")
        self.assertEqual(new_card.partner_id, self.member)
        self.assertEqual(card.replaced_by_id, new_card)
        found = self.env["res.partner"].chain_lookup_member(new_card.number)
        self.assertEqual(found["partner_id"], self.member.id)
        self.assertIn("replaced", self.env["res.partner"].chain_lookup_member(card.number)["error"])

    def test_expired_card_is_refused_until_extended(self):
        yesterday = fields.Date.today() - timedelta(days=1)
        card = self._issue(expiry_date=yesterday)
        self.assertIn("expired", self.env["res.partner"].chain_lookup_member(card.number)["error"])
        self.env["chain.member.card"]._cron_expire_cards()
        self.assertEqual(card.state, "expired")
        self._operate(
            "chain.member.card.extend",
            card,
            new_expiry_date=fields.Date.today() + timedelta(days=365),
        )
        self.assertEqual(card.state, "active")
        self.assertNotIn("error", self.env["res.partner"].chain_lookup_member(card.number))

    def test_cancel_needs_a_store_manager_and_a_reason(self):
        card = self._issue()
        with self.assertRaises(AccessError):
            self._operate("chain.member.card.cancel", card, user=self.cashier_a)
        with self.assertRaises(UserError):
            self._operate("chain.member.card.cancel", card, user=self.manager_a, reason=" ")
        self._operate("chain.member.card.cancel", card, user=self.manager_a)
        self.assertEqual(card.state, "cancelled")

    def test_state_cannot_be_forced_outside_the_operations(self):
        card = self._issue()
        with self.assertRaises(UserError):
            card.with_user(self.cashier_a).write({"state": "active", "number": "1"})

    def test_card_fee_is_invoiced_to_the_member(self):
        fee = self.env["product.product"].create(
            {"name": "Card fee", "list_price": 20.0, "type": "service"}
        )
        card = self._issue(user=self.env.user, fee_product_id=fee.id)
        self.assertEqual(card.fee_move_id.partner_id, self.member)
        self.assertEqual(card.fee_move_id.state, "posted")
        self.assertEqual(card.fee_move_id.amount_untaxed, 20.0)

    def test_lookup_by_mobile_code_and_qr(self):
        card = self._issue()
        Partner = self.env["res.partner"]
        for token in ("139 1234 5678", self.member.member_code, f"CHM:{card.number}"):
            self.assertEqual(
                Partner.chain_lookup_member(token)["partner_id"], self.member.id, token
            )
        self.assertIn("No member", Partner.chain_lookup_member("13900000000")["error"])

    def test_issue_form_defaults_to_the_member(self):
        form = Form(
            self.env["chain.member.card.issue"].with_context(
                active_model="res.partner", active_id=self.member.id
            )
        )
        self.assertEqual(form.partner_id, self.member)
