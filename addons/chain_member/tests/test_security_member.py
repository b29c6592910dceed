"""Issue 12, the member core: tier, spend, member code, consents, card state and expiry change
only through their operations, never by a client's ``create``/``write``, whatever its context;
the operation log is written by the server only. Each test calls as every role (and over real
JSON-RPC) and asserts the refusal AND that nothing was written."""

from odoo.exceptions import UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

from .common import ChainMemberCase

# Context keys a client could send hoping to unlock a write (every key the suite reads).
CONTEXT_KEYS = [
    {},
    {"chain_card_operation": True},
    {"chain_wallet_service": True},
    {"import_file": True},
    {"chain_consent_channel": "sms"},
]
HOSTILE_MEMBER_VALUES = [
    {"member_tier_id": "diamond"},
    {"member_total_spend": 1000000},
    {"member_code": "M00000001"},
    {"member_tier_expiry": "2099-12-31"},
    {"member_last_purchase_date": "2099-01-01 00:00:00"},
    {"marketing_consent_date": "2020-01-01 00:00:00"},
    {"member_anonymised_date": "2020-01-01 00:00:00"},
]


@tagged("post_install", "-at_install", "chain_security")
class TestMemberSecurity(ChainMemberCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Tier = cls.env["chain.member.tier"]
        cls.regular = Tier.create({"name": "T Regular", "sequence": 1})
        cls.diamond = Tier.create({"name": "T Diamond", "sequence": 99})
        cls.member = cls.env["res.partner"].chain_register_member(
            {"name": "Li Na", "mobile": "13900001111"}, store=cls.store_a
        )
        cls.member._chain_set_tier(cls.regular, "initial")
        cls.card = cls.env["chain.member.card"].create(
            {"partner_id": cls.member.id, "store_id": cls.store_a.id, "kind": "magstripe"}
        )
        cls.card._activate(store=cls.store_a)
        cls.portal = new_test_user(cls.env, login="t_portal_member", groups="base.group_portal")
        cls.roles = {
            "cashier": cls.cashier_a,
            "manager": cls.manager_a,
            "other store manager": cls.manager_b,
            "hq": cls.hq_manager,
            "merchant": cls.merchant,
            "portal": cls.portal,
        }

    def member_state(self):
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT member_code, member_tier_id, member_tier_expiry, member_total_spend, "
            "member_last_purchase_date, marketing_consent_date, member_anonymised_date "
            "FROM res_partner WHERE id = %s",
            [self.member.id],
        )
        partner = self.env.cr.fetchone()
        self.env.cr.execute(
            "SELECT count(*) FROM chain_member_tier_history WHERE partner_id = %s",
            [self.member.id],
        )
        history = self.env.cr.fetchone()
        self.env.cr.execute("SELECT count(*) FROM chain_operation_log")
        return partner, history, self.env.cr.fetchone()

    def card_state(self):
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT id, state, number, partner_id, expiry_date, replaced_by_id, blocked_reason "
            "FROM chain_member_card WHERE partner_id = %s ORDER BY id",
            [self.member.id],
        )
        return self.env.cr.fetchall()

    # ------------------------------------------------------------------------------------------
    def test_protected_member_fields_refuse_every_role_and_context(self):
        before = self.member_state()
        for role, user in self.roles.items():
            for context in CONTEXT_KEYS:
                for values in HOSTILE_MEMBER_VALUES:
                    if "member_tier_id" in values:
                        values = {"member_tier_id": self.diamond.id}
                    with (
                        self.subTest(role=role, context=context, values=values),
                        self.assertRaises(UserError),  # AccessError is a UserError
                        self.env.cr.savepoint(),
                    ):
                        self.member.with_user(user).with_context(**context).write(values)
        self.assertEqual(self.member_state(), before)
        self.member.invalidate_recordset()
        self.assertEqual(self.member.member_tier_id, self.regular)

    def test_the_refusal_names_the_field_and_the_operation(self):
        with self.assertRaisesRegex(UserError, "Tier.*only through the membership operations"):
            self.member.with_user(self.hq_manager).write({"member_tier_id": self.diamond.id})

    def test_a_member_is_not_created_with_a_tier_spend_or_code(self):
        Partner = self.env["res.partner"]
        count = Partner.search_count([("is_member", "=", True)])
        for role in ("cashier", "manager", "hq"):
            for values in (
                {"member_tier_id": self.diamond.id},
                {"member_total_spend": 99999},
                {"member_code": "M-FORGED"},
            ):
                with (
                    self.subTest(role=role, values=values),
                    self.assertRaises(UserError),
                    self.env.cr.savepoint(),
                ):
                    Partner.with_user(self.roles[role]).chain_register_member(
                        {"name": "Forged", "mobile": "13900002222", **values},
                        store=self.store_a,
                    )
        self.assertEqual(Partner.search_count([("is_member", "=", True)]), count)
        self.assertFalse(Partner.search([("member_code", "=", "M-FORGED")]))

    def test_ordinary_fields_and_registration_still_work(self):
        self.member.with_user(self.cashier_a).write({"name": "Li Na (VIP)", "gender": "female"})
        self.assertEqual(self.member.name, "Li Na (VIP)")
        new = (
            self.env["res.partner"]
            .with_user(self.cashier_a)
            .chain_register_member({"name": "Wang Fang", "mobile": "13900003333"})
        )
        self.assertTrue(new.member_code)
        self.assertTrue(new.member_since)

    def test_the_tier_changes_through_the_tier_change_operation(self):
        wizard = (
            self.env["chain.member.tier.change"]
            .with_user(self.hq_manager)
            .create({"partner_id": self.member.id, "tier_id": self.diamond.id, "reason": "VIP"})
        )
        wizard.action_confirm()
        self.assertEqual(self.member.member_tier_id, self.diamond)
        self.assertEqual(self.member.member_tier_history_ids[:1].new_tier_id, self.diamond)

    # ------------------------------------------------------------------------------------------
    def test_card_state_and_expiry_refuse_every_role_and_context(self):
        self.card._report_lost("lost in the metro", store=self.store_a)
        before = self.card_state()
        for role, user in self.roles.items():
            for context in CONTEXT_KEYS:
                for values in (
                    {"state": "active"},
                    {"expiry_date": "2099-12-31"},
                    {"blocked_reason": False},
                    {"partner_id": self.cashier_a.partner_id.id},
                    {"number": "79927398713"},
                ):
                    with (
                        self.subTest(role=role, context=context, values=values),
                        self.assertRaises(UserError),  # AccessError is a UserError
                        self.env.cr.savepoint(),
                    ):
                        self.card.with_user(user).with_context(**context).write(values)
        self.assertEqual(self.card_state(), before)
        self.assertEqual(self.card.state, "lost")

    def test_a_client_creates_only_a_draft_card(self):
        before = self.card_state()
        for role in ("cashier", "manager", "hq"):
            for values in (
                {"state": "active"},
                {"issue_date": "2020-01-01"},
                {"replaces_id": self.card.id},
                {"state": "lost", "blocked_reason": "x"},
            ):
                with (
                    self.subTest(role=role, values=values),
                    self.assertRaises(UserError),
                    self.env.cr.savepoint(),
                ):
                    self.env["chain.member.card"].with_user(self.roles[role]).create(
                        {"partner_id": self.member.id, "store_id": self.store_a.id, **values}
                    )
        self.assertEqual(self.card_state(), before)

    def test_the_card_operations_still_work(self):
        self.card._report_lost("lost", store=self.store_a)
        wizard = (
            self.env["chain.member.card.replace"]
            .with_user(self.cashier_a)
            .create({"card_id": self.card.id, "store_id": self.store_a.id, "reason": "lost"})
        )
        wizard.action_confirm()
        new_card = self.card.replaced_by_id
        self.assertEqual(self.card.state, "replaced")
        self.assertEqual(new_card.state, "active")
        self.assertEqual(new_card.replaces_id, self.card)

    # ------------------------------------------------------------------------------------------
    def test_nobody_writes_the_operation_log(self):
        Log = self.env["chain.operation.log"]
        count = Log.search_count([])
        for role, user in self.roles.items():
            with (
                self.subTest(role=role),
                self.assertRaises(UserError),  # AccessError is a UserError
                self.env.cr.savepoint(),
            ):
                Log.with_user(user).create(
                    {"operation": "card_found", "reason": "forged", "store_id": self.store_a.id}
                )
        self.assertEqual(Log.search_count([]), count)
        self.assertFalse(hasattr(Log, "log_operation"))


@tagged("post_install", "-at_install", "chain_security")
class TestMemberSecurityRpc(HttpCase):
    """The same refusals through real JSON-RPC requests as the demo-like cashier."""

    def setUp(self):
        super().setUp()
        store = self.env["chain.store"].create({"code": "T-R", "name": "RPC", "kind": "direct"})
        self.cashier = new_test_user(
            self.env,
            login="t_rpc_member_cashier",
            password="t_rpc_member_cashier_pw",
            groups="chain_member.group_chain_cashier",
        )
        self.cashier.chain_store_ids = [(6, 0, store.ids)]
        self.tier = self.env["chain.member.tier"].create({"name": "T RPC Diamond", "sequence": 98})
        self.member = self.env["res.partner"].chain_register_member(
            {"name": "Zhao Lei", "mobile": "13900004444"}, store=store
        )
        self.card = self.env["chain.member.card"].create(
            {"partner_id": self.member.id, "store_id": store.id}
        )
        self.card._activate(store=store)
        self.card._report_lost("lost", store=store)

    def call_kw(self, model, method, args, kwargs=None):
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        )

    @mute_logger("odoo.http")
    def test_forged_writes_over_rpc(self):
        self.authenticate("t_rpc_member_cashier", "t_rpc_member_cashier_pw")
        for model, record, values in (
            ("res.partner", self.member, {"member_tier_id": self.tier.id}),
            ("res.partner", self.member, {"member_total_spend": 500000}),
            ("chain.member.card", self.card, {"state": "active", "expiry_date": "2099-12-31"}),
        ):
            with (
                self.subTest(model=model, values=values),
                self.assertRaises(JsonRpcException) as error,
            ):
                self.call_kw(
                    model,
                    "write",
                    [record.ids, values],
                    {"context": {"chain_card_operation": True}},
                )
            self.assertIn("UserError", str(error.exception))
        with self.assertRaises(JsonRpcException) as error:
            self.call_kw(
                "chain.operation.log",
                "create",
                [{"operation": "card_found", "reason": "forged"}],
            )
        self.assertIn("AccessError", str(error.exception))
        self.member.invalidate_recordset()
        self.card.invalidate_recordset()
        self.assertFalse(self.member.member_tier_id == self.tier)
        self.assertFalse(self.member.member_total_spend)
        self.assertEqual(self.card.state, "lost")
        self.assertFalse(self.card.expiry_date and self.card.expiry_date.year == 2099)


@tagged("post_install", "-at_install", "chain_security")
class TestStoreSecurity(ChainMemberCase):
    def store_state(self):
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT code, kind, company_id, warehouse_id, active FROM chain_store WHERE id = %s",
            [self.store_a.id],
        )
        row = self.env.cr.fetchone()
        return row, self.store_a.manager_ids.ids

    def test_a_store_manager_does_not_change_the_store_identity_or_company(self):
        other_company = self.env["res.company"].create({"name": "Other Co (store test)"})
        before = self.store_state()
        for values in (
            {"company_id": other_company.id},
            {"kind": "alliance"},
            {"code": "HQ2"},
            {"active": False},
            {"manager_ids": [(4, self.cashier_a.id)]},
        ):
            for user in (self.manager_a, self.cashier_a, self.merchant):
                with (
                    self.subTest(values=values, user=user.login),
                    self.assertRaises(UserError),  # AccessError is a UserError
                    self.env.cr.savepoint(),
                ):
                    self.store_a.with_user(user).write(values)
        self.assertEqual(self.store_state(), before)
        # what a store manager does edit
        self.store_a.with_user(self.manager_a).write({"phone": "021-5555"})
        self.assertEqual(self.store_a.phone, "021-5555")
        self.store_a.with_user(self.hq_manager).write({"code": "T-A2"})
        self.assertEqual(self.store_a.code, "T-A2")


@tagged("post_install", "-at_install", "chain_security")
class TestCardOperationStores(ChainMemberCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.member = cls.env["res.partner"].chain_register_member(
            {"name": "Sun Li", "mobile": "13900005555"}, store=cls.store_a
        )
        cls.card = cls.env["chain.member.card"].create(
            {"partner_id": cls.member.id, "store_id": cls.store_a.id}
        )
        cls.card._activate(store=cls.store_a)

    def card_row(self):
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT state, expiry_date FROM chain_member_card WHERE id = %s", [self.card.id]
        )
        self.env.cr.execute("SELECT count(*) FROM chain_operation_log")
        return self.env.cr.fetchone()

    def test_card_operations_name_only_a_store_of_the_caller(self):
        before = self.card_row()
        for model, values in (
            ("chain.member.card.lost", {}),
            ("chain.member.card.extend", {"new_expiry_date": "2030-01-01"}),
            ("chain.member.card.replace", {}),
        ):
            with (
                self.subTest(model=model),
                self.assertRaisesRegex(UserError, "You do not work in"),
                self.env.cr.savepoint(),
            ):
                self.env[model].with_user(self.cashier_a).create(
                    {
                        "card_id": self.card.id,
                        "store_id": self.store_b.id,
                        "reason": "forged store",
                        **values,
                    }
                ).action_confirm()
        with self.assertRaisesRegex(UserError, "You do not work in"), self.env.cr.savepoint():
            self.env["chain.member.card.issue"].with_user(self.cashier_a).create(
                {"partner_id": self.member.id, "store_id": self.store_b.id}
            ).action_issue()
        self.assertEqual(self.card_row(), before)
        self.assertEqual(self.card.state, "active")

    def test_a_card_is_valid_ten_years_at_most_and_for_members_only(self):
        with self.assertRaisesRegex(UserError, "10 years at most"), self.env.cr.savepoint():
            self.env["chain.member.card.extend"].with_user(self.cashier_a).create(
                {
                    "card_id": self.card.id,
                    "store_id": self.store_a.id,
                    "reason": "forever",
                    "new_expiry_date": "2099-12-31",
                }
            ).action_confirm()
        stranger = self.env["res.partner"].create({"name": "Not a member"})
        with self.assertRaisesRegex(UserError, "not a member"), self.env.cr.savepoint():
            self.env["chain.member.card"].with_user(self.cashier_a).create(
                {"partner_id": stranger.id, "store_id": self.store_a.id}
            )
        self.assertFalse(stranger.member_card_ids)

    def test_a_member_is_registered_in_a_store_of_the_caller(self):
        Partner = self.env["res.partner"]
        with self.assertRaisesRegex(UserError, "You do not work in"), self.env.cr.savepoint():
            Partner.with_user(self.cashier_a).chain_register_member(
                {"name": "Elsewhere", "mobile": "13900006666"}, store=self.store_b
            )
        with self.assertRaisesRegex(UserError, "You do not work in"), self.env.cr.savepoint():
            Partner.with_user(self.cashier_a).chain_register_member(
                {"name": "Elsewhere", "mobile": "13900006666", "home_store_id": self.store_b.id}
            )
        self.assertFalse(Partner.search([("mobile", "like", "13900006666")]))
        member = Partner.with_user(self.hq_manager).chain_register_member(
            {"name": "HQ registers", "mobile": "13900006666"}, store=self.store_b
        )
        self.assertEqual(member.home_store_id, self.store_b)
