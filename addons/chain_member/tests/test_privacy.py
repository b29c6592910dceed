import base64
import json

import psycopg2

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import ChainMemberCase


@tagged("post_install", "-at_install")
class TestMemberPrivacy(ChainMemberCase):
    """Headquarters exports everything held on a member, and anonymises a member on request
    while every ledger keeps its rows and amounts."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.member = cls.env["res.partner"].chain_register_member(
            {
                "name": "Zhao Min",
                "mobile": "13600136000",
                "email": "zhao.min@example.com",
                "street": "1 Nanjing Road",
                "city": "Shanghai",
                "birthday": "1988-05-06",
                "gender": "female",
                "marketing_consent": True,
            },
            channel="store",
            store=cls.store_a,
        )
        cls.tier = cls.env["chain.member.tier"].create({"name": "Privacy Gold", "sequence": 99})
        cls.member._chain_set_tier(cls.tier, "manual", reason="Zhao Min asked nicely")
        cls.card = cls.env["chain.member.card"].create(
            {"partner_id": cls.member.id, "kind": "magstripe", "store_id": cls.store_a.id}
        )
        cls.card._activate(reason="Issued to Zhao Min", store=cls.store_a)
        cls.user = cls.env["res.users"].create(
            {
                "login": cls.member.mobile,
                "password": "privacy-pass",
                "partner_id": cls.member.id,
                "groups_id": [Command.set([cls.env.ref("base.group_portal").id])],
            }
        )
        cls.member.message_post(body="Called about her birthday present, 13600136000")
        cls.pos_config = cls.env["pos.config"].create(
            {"name": "Privacy till", "chain_store_id": cls.store_a.id}
        )
        cls.session = cls.env["pos.session"].create({"config_id": cls.pos_config.id})
        cls.product = cls.env["product.product"].create(
            {"name": "Privacy Tea", "type": "consu", "list_price": 88, "available_in_pos": True}
        )
        cls.orders = cls._paid_order(88) | cls._paid_order(12.5)

    @classmethod
    def _paid_order(cls, amount):
        order = cls.env["pos.order"].create(
            {
                "session_id": cls.session.id,
                "partner_id": cls.member.id,
                "lines": [
                    Command.create(
                        {
                            "product_id": cls.product.id,
                            "qty": 1,
                            "price_unit": amount,
                            "price_subtotal": amount,
                            "price_subtotal_incl": amount,
                        }
                    )
                ],
                "amount_total": amount,
                "amount_tax": 0,
                "amount_paid": 0,
                "amount_return": 0,
            }
        )
        order.add_payment(
            {
                "pos_order_id": order.id,
                "amount": amount,
                "payment_method_id": cls.pos_config.payment_method_ids[0].id,
            }
        )
        order.action_pos_order_paid()
        return order

    def _ledgers(self):
        """What must not move when a member is anonymised: every row and amount tied to it."""
        orders = self.env["pos.order"].search([("partner_id", "=", self.member.id)])
        figures = {
            "orders": sorted(orders.ids),
            "order_total": sum(orders.mapped("amount_total")),
            "payments": sum(orders.payment_ids.mapped("amount")),
            "lines": sum(orders.lines.mapped("price_subtotal_incl")),
            "tier_history": len(self.member.member_tier_history_ids),
            "cards": sorted(self.member.member_card_ids.mapped("number")),
        }
        for model in self.env["res.partner"]._chain_privacy_models():
            lines = (
                self.env[model]
                .with_context(active_test=False)
                .search([("partner_id", "=", self.member.id)])
            )
            figures[model] = len(lines)
            amount_field = next(
                (name for name in ("amount", "uses", "points") if name in lines._fields), None
            )
            if amount_field:
                figures[model + ".sum"] = sum(lines.mapped(amount_field))
        return figures

    # ------------------------------------------------------------------------------------------
    # Export
    # ------------------------------------------------------------------------------------------
    def test_export_holds_everything_about_the_member(self):
        data = self.member.with_user(self.hq_manager).chain_privacy_export(reason="Request")
        self.assertEqual(data["member"]["name"], "Zhao Min")
        self.assertEqual(data["member"]["mobile"], "+8613600136000")
        self.assertEqual(data["member"]["email"], "zhao.min@example.com")
        self.assertEqual(data["member"]["birthday"], "1988-05-06")
        self.assertEqual(data["member"]["home_store_id"]["name"], self.store_a.display_name)
        cards = data["records"]["chain.member.card"]
        self.assertEqual([card["number"] for card in cards], [self.card.number])
        history = data["records"]["chain.member.tier.history"]
        self.assertEqual(history[0]["new_tier_id"]["name"], "Privacy Gold")
        self.assertEqual(
            sorted(order["amount_total"] for order in data["pos_orders"]), [12.5, 88.0]
        )
        self.assertEqual(data["pos_orders"][0]["lines"][0]["product_id"]["name"], "Privacy Tea")
        self.assertTrue(data["pos_orders"][0]["payments"])
        self.assertIn("card_issue", [line["operation"] for line in data["operation_log"]])
        self.assertEqual(data["portal_users"][0]["login"], "+8613600136000")
        self.assertTrue(any("birthday present" in m["body"] for m in data["messages"]))
        json.dumps(data, default=str)  # serialisable as it is

    def test_export_never_holds_credentials(self):
        data = self.member.with_user(self.hq_manager).chain_privacy_export(reason="Request")
        text = json.dumps(data, default=str)
        self.assertNotIn("privacy-pass", text)
        self.assertNotIn("access_token", text)
        self.assertNotIn("signup_token", text)

    def test_export_is_logged_without_the_data(self):
        self.member.with_user(self.hq_manager).chain_privacy_export(reason="Member request #12")
        log = self.env["chain.operation.log"].search(
            [("operation", "=", "member_export"), ("res_id", "=", self.member.id)]
        )
        self.assertEqual(log.user_id, self.hq_manager)
        self.assertEqual(log.reason, "Member request #12")
        self.assertEqual(log.values_after["sections"]["pos_orders"], 2)
        self.assertNotIn("13600136000", json.dumps(log.values_after))

    def test_export_wizard_downloads_a_json_file(self):
        wizard = (
            self.env["chain.member.privacy.export"]
            .with_user(self.hq_manager)
            .create({"partner_id": self.member.id, "reason": "Request"})
        )
        action = wizard.action_export()
        self.assertEqual(action["type"], "ir.actions.act_url")
        self.assertIn("download=true", action["url"])
        self.assertRegex(wizard.filename, r"^member_M\d+_\d{4}-\d{2}-\d{2}\.json$")
        data = json.loads(base64.b64decode(wizard.data))
        self.assertEqual(data["member"]["member_code"], self.member.member_code)

    def test_export_is_refused_below_headquarters(self):
        with self.assertRaises(AccessError):
            self.member.with_user(self.manager_a).chain_privacy_export(reason="Curious")
        with self.assertRaises(AccessError):
            self.env["chain.member.privacy.export"].with_user(self.manager_a).create(
                {"partner_id": self.member.id, "reason": "Curious"}
            )

    def test_privacy_actions_are_offered_to_headquarters_only(self):
        xmlids = {
            "chain_member.chain_member_privacy_export_action",
            "chain_member.chain_member_privacy_anonymise_action",
        }
        ids = {self.env.ref(xmlid).id for xmlid in xmlids}

        def offered(user):
            bindings = self.env["ir.actions.actions"].with_user(user).get_bindings("res.partner")
            return ids & {action["id"] for action in bindings.get("action", [])}

        self.assertEqual(offered(self.hq_manager), ids)
        self.assertFalse(offered(self.manager_a))

    # ------------------------------------------------------------------------------------------
    # Anonymise
    # ------------------------------------------------------------------------------------------
    def test_anonymise_removes_the_identity(self):
        code = self.member.member_code
        self.member.with_user(self.hq_manager).chain_privacy_anonymise("Member's request")
        member = self.member.with_context(active_test=False)
        self.assertEqual(member.name, f"Anonymised member {code}")
        self.assertEqual(member.member_code, code)
        for name in ("mobile", "email", "street", "city", "birthday", "gender", "phone"):
            self.assertFalse(member[name], name)
        self.assertFalse(member.marketing_consent)
        self.assertFalse(member.transactional_consent)
        self.assertFalse(member.active)
        self.assertFalse(member.is_member)
        self.assertTrue(member.member_anonymised_date)
        self.assertFalse(
            self.env["mail.message"].search(
                [("model", "=", "res.partner"), ("res_id", "=", member.id)]
            )
        )
        self.assertFalse(any(self.orders.mapped("mobile")) or any(self.orders.mapped("email")))

    def test_anonymise_keeps_every_ledger_row_and_amount(self):
        before = self._ledgers()
        self.member.with_user(self.hq_manager).chain_privacy_anonymise("Member's request")
        self.assertEqual(self._ledgers(), before)
        self.assertEqual(self.orders.partner_id, self.member)

    def test_anonymise_cancels_cards_but_keeps_numbers(self):
        number = self.card.number
        self.member.with_user(self.hq_manager).chain_privacy_anonymise("Member's request")
        self.assertEqual(self.card.state, "cancelled")
        self.assertEqual(self.card.number, number)
        lookup = self.env["res.partner"].chain_lookup_member(number)
        self.assertIn("error", lookup)

    def test_anonymise_closes_the_portal_account(self):
        self.member.with_user(self.hq_manager).chain_privacy_anonymise("Member's request")
        user = self.user.with_context(active_test=False)
        self.assertFalse(user.active)
        self.assertNotIn("13600136000", user.login)

    def test_anonymise_scrubs_the_operation_log_and_logs_no_personal_data(self):
        Log = self.env["chain.operation.log"]
        self.member.with_user(self.hq_manager).chain_privacy_export(reason="Request")
        self.card.with_user(self.hq_manager)._report_lost("Zhao Min lost it on bus 13600136000")
        self.member.with_user(self.hq_manager).chain_privacy_anonymise(
            "Zhao Min called from +8613600136000"
        )
        lines = Log.search(
            [
                "|",
                "&",
                ("res_model", "=", "res.partner"),
                ("res_id", "=", self.member.id),
                "&",
                ("res_model", "=", "chain.member.card"),
                ("res_id", "=", self.card.id),
            ]
        )
        self.assertIn("member_anonymise", lines.mapped("operation"))
        self.assertIn("member_export", lines.mapped("operation"))
        for line in lines:
            text = json.dumps(
                [line.record_name, line.reason, line.values_before, line.values_after]
            )
            self.assertNotIn("Zhao", text, line.operation)
            self.assertNotIn("13600136000", text, line.operation)
        self.assertEqual(self.member.member_tier_history_ids.reason, "[anonymised] asked nicely")
        self.assertNotIn("Zhao", self.card.blocked_reason)
        with self.assertRaises(psycopg2.errors.RaiseException), mute_logger("odoo.sql_db"):
            with self.env.cr.savepoint():
                self.env.cr.execute(
                    "UPDATE chain_operation_log SET reason = 'x' WHERE id = %s", [lines[0].id]
                )

    def test_anonymise_is_refused_below_headquarters(self):
        with self.assertRaises(AccessError):
            self.member.with_user(self.manager_a).chain_privacy_anonymise("Because")
        self.assertEqual(self.member.name, "Zhao Min")
        with self.assertRaises(AccessError):
            self.env["chain.member.privacy.anonymise"].with_user(self.manager_a).create(
                {"partner_id": self.member.id, "reason": "Because", "confirm_code": "x"}
            )

    def test_anonymise_needs_a_reason_and_happens_once(self):
        manager_env_member = self.member.with_user(self.hq_manager)
        with self.assertRaises(UserError):
            manager_env_member.chain_privacy_anonymise(" ")
        manager_env_member.chain_privacy_anonymise("Member's request")
        with self.assertRaises(UserError):
            manager_env_member.chain_privacy_anonymise("Again")

    def test_anonymise_wizard_asks_for_the_member_code(self):
        Wizard = self.env["chain.member.privacy.anonymise"].with_user(self.hq_manager)
        wizard = Wizard.create(
            {"partner_id": self.member.id, "reason": "Request", "confirm_code": "M0"}
        )
        with self.assertRaises(UserError):
            wizard.action_anonymise()
        self.assertTrue(self.member.active)
        wizard.confirm_code = self.member.member_code.lower()
        wizard.action_anonymise()
        self.assertTrue(self.member.with_context(active_test=False).member_anonymised_date)
