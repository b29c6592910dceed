"""Issue 12, the stored-value and count-card slice: trust nothing the till or an RPC client sends.

Every public method of the wallet models and wizards is called by every role with hostile
arguments (another store, another company, negative, 1e12, 'abc', NaN, full-width PIN, another
member's card); each test asserts the refusal AND that nothing was written (ledger lines,
balances, packages, PIN counters). The protected fields are written directly as each role, with
the context keys the suite knows. A private service is called over real JSON-RPC. The PIN
counter is raced by real concurrent transactions.
"""

import base64
import json
import threading
import uuid
from functools import partial

from psycopg2 import errors

from odoo import SUPERUSER_ID, Command, api
from odoo.exceptions import AccessError, UserError
from odoo.modules.registry import DummyRLock, Registry
from odoo.service.model import retrying
from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common_wallet import WalletPosCase

HOSTILE_AMOUNTS = [-1, 0, 1e12, "abc", float("nan"), float("inf"), None, True, [1]]
# Context keys a client could send hoping to unlock a write (every key the suite reads).
CONTEXT_KEYS = [
    {"chain_card_operation": True},
    {"chain_wallet_service": True},
    {"import_file": True},
    {"tracking_disable": True, "active_test": False},
]


class WalletSecurityCase(WalletPosCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal = new_test_user(cls.env, login="t_portal_wallet", groups="base.group_portal")
        cls.portal.partner_id.write({"is_member": True, "mobile": "13800138111"})
        cls.outsider = new_test_user(cls.env, login="t_internal_wallet", groups="base.group_user")
        cls.general_journal = cls.env["account.journal"].search(
            [("company_id", "=", cls.company.id), ("type", "=", "general")], limit=1
        )
        cls.other_company = cls.env["res.company"].create({"name": "Other Co (wallet test)"})
        other_cash = cls.env["account.account"].create(
            {
                "code": "100999",
                "name": "Other company cash",
                "account_type": "asset_cash",
                "company_ids": [Command.set(cls.other_company.ids)],
            }
        )
        cls.other_journal = cls.env["account.journal"].create(
            {
                "name": "Other cash",
                "code": "OCSH",
                "type": "cash",
                "company_id": cls.other_company.id,
                "default_account_id": other_cash.id,
            }
        )
        cls.roles = {
            "cashier_a": cls.cashier_a,
            "manager_a": cls.manager_a,
            "cashier_b": cls.cashier_b,
            "manager_b": cls.manager_b,
            "hq": cls.hq_manager,
            "merchant": cls.merchant,
            "portal": cls.portal,
            "internal": cls.outsider,
        }
        # the demo roles too, when the demo chain is installed (their stores are not A or B)
        for xmlid in (
            "user_sh01_cashier",
            "user_sh01_manager",
            "user_sh02_cashier",
            "user_sz01_cashier",
            "user_merchant",
        ):
            user = cls.env.ref(f"chain_member.{xmlid}", raise_if_not_found=False)
            if user:
                cls.roles[xmlid] = user

    def setUp(self):
        super().setUp()
        self.topup(100)
        self.package = (
            self.member.env["chain.count.card.package"]
            .with_user(self.cashier_a)
            ._sell(self.member, self.haircut_card, store=self.store_a, journal=self.cash_journal)
        )

    # ------------------------------------------------------------------------------------------
    def state(self):
        """What must not move when a hostile call is refused."""
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(
            "SELECT count(*), coalesce(sum(amount), 0) FROM chain_wallet_transaction "
            "WHERE partner_id IN %s",
            [(self.member.id, self.member_2.id)],
        )
        ledger = cr.fetchone()
        cr.execute(
            "SELECT partner_id, principal, bonus, pin_hash, pin_failures, pin_locked_until "
            "FROM chain_wallet_account WHERE partner_id IN %s ORDER BY partner_id",
            [(self.member.id, self.member_2.id)],
        )
        accounts = cr.fetchall()
        cr.execute(
            "SELECT id, partner_id, state, uses_total, uses_remaining, value_total, "
            "value_remaining, date_expiry FROM chain_count_card_package ORDER BY id"
        )
        packages = cr.fetchall()
        cr.execute("SELECT count(*) FROM chain_count_card_move")
        moves = cr.fetchone()
        cr.execute("SELECT count(*), coalesce(max(id), 0) FROM chain_timed_session")
        sessions = cr.fetchone()
        cr.execute("SELECT count(*) FROM chain_operation_log")
        logs = cr.fetchone()
        return ledger, accounts, packages, moves, sessions, logs

    def assertRefused(self, exception, call, *args, message=None, **kwargs):
        before = self.state()
        with self.assertRaises(exception) as caught:
            with self.env.cr.savepoint():
                call(*args, **kwargs)
        self.assertEqual(self.state(), before, "a refused call wrote nothing")
        if message:
            self.assertIn(message, str(caught.exception))
        return caught.exception

    def assertAnswerRefused(self, call, *args, message=None, **kwargs):
        """For the till RPCs that answer {"ok": False, "message"} instead of raising."""
        before = self.state()
        result = call(*args, **kwargs)
        self.assertFalse(result["ok"], result)
        self.assertTrue(result.get("message"), result)
        if message:
            self.assertIn(message, result["message"])
        self.assertEqual(self.state(), before, "a refused authorisation wrote nothing")
        return result


@tagged("post_install", "-at_install")
class TestSecurityWalletTill(WalletSecurityCase):
    """res.partner.chain_wallet_authorize and chain_wallet_preview_bonus, as the till calls
    them over RPC."""

    def authorize(self, user, *args, **kwargs):
        return self.env["res.partner"].with_user(user).chain_wallet_authorize(*args, **kwargs)

    def test_authorize_refuses_hostile_amounts(self):
        for amount in HOSTILE_AMOUNTS:
            with self.subTest(amount=amount):
                self.assertAnswerRefused(
                    self.authorize, self.cashier_a, self.member.id, amount, "u-1", self.config_a.id
                )
        for paid in (-5, "abc", float("nan"), 1e12, [2]):
            with self.subTest(wallet_paid=paid):
                self.assertAnswerRefused(
                    self.authorize,
                    self.cashier_a,
                    self.member.id,
                    10,
                    "u-1",
                    self.config_a.id,
                    wallet_paid=paid,
                )

    def test_authorize_refuses_hostile_references(self):
        cases = [
            ("abc", 10, "u-1", self.config_a.id),
            ([self.member.id, self.member_2.id], 10, "u-1", self.config_a.id),
            (-1, 10, "u-1", self.config_a.id),
            (10**9, 10, "u-1", self.config_a.id),
            (self.member.id, 10, "u-1", "abc"),
            (self.member.id, 10, "u-1", 10**9),
            (self.member.id, 10, None, self.config_a.id),
            (self.member.id, 10, {"a": 1}, self.config_a.id),
            (self.member.id, 10, "a:b", self.config_a.id),
            (self.member.id, 10, "x" * 200, self.config_a.id),
        ]
        for args in cases:
            with self.subTest(args=args):
                self.assertAnswerRefused(self.authorize, self.cashier_a, *args)
        for card_number in (12345, ["1"], "  "):
            with self.subTest(card_number=card_number):
                self.assertAnswerRefused(
                    self.authorize,
                    self.cashier_a,
                    self.member.id,
                    10,
                    "u-1",
                    self.config_a.id,
                    card_number=card_number,
                )

    def test_authorize_refuses_other_stores_and_roles(self):
        # the till of store B, from a user of store A (and the reverse), a merchant, a portal
        # member, an internal user with no chain role, the demo roles of other stores
        self.assertAnswerRefused(
            self.authorize,
            self.cashier_a,
            self.member.id,
            10,
            "u-1",
            self.config_b.id,
            message="do not work in",
        )
        for name, user in self.roles.items():
            if name in ("cashier_a", "manager_a", "hq"):
                continue
            with self.subTest(role=name):
                self.assertAnswerRefused(
                    self.authorize, user, self.member.id, 10, "u-1", self.config_a.id
                )

    def test_authorize_refuses_another_members_card(self):
        issue = (
            self.env["chain.member.card.issue"]
            .with_user(self.cashier_a)
            .create(
                {"partner_id": self.member_2.id, "store_id": self.store_a.id, "kind": "magstripe"}
            )
        )
        card = self.env["chain.member.card"].browse(issue.action_issue()["res_id"])
        self.assertAnswerRefused(
            self.authorize,
            self.cashier_a,
            self.member.id,
            10,
            "u-1",
            self.config_a.id,
            card_number=card.number,
            message="is not a card of",
        )

    def test_authorize_checks_the_balance_against_the_whole_order(self):
        self.assertAnswerRefused(
            self.authorize,
            self.cashier_a,
            self.member.id,
            60,
            "u-1",
            self.config_a.id,
            wallet_paid=50,
            message="Insufficient stored value",
        )
        before = self.state()
        result = self.authorize(
            self.cashier_a, self.member.id, 60, "u-1", self.config_a.id, wallet_paid=40
        )
        self.assertTrue(result["ok"], result)
        self.assertEqual(self.state(), before, "an authorisation never moves money")

    def test_token_covers_the_order_total_for_one_member_and_order(self):
        self.env["ir.config_parameter"].sudo().set_param("chain_member.wallet_pin_required", "True")
        self.member.with_user(self.cashier_a)._chain_wallet_account(self.store_a)._set_pin(
            "2468", store=self.store_a
        )
        result = self.authorize(
            self.cashier_a, self.member.id, 30, "u-7", self.config_a.id, pin="2468", wallet_paid=20
        )
        self.assertTrue(result["ok"], result)
        token = result["token"]
        self.assertTrue(self.member._chain_wallet_check_token(token, "u-7", 50))
        self.assertFalse(self.member._chain_wallet_check_token(token, "u-7", 50.01))
        self.assertFalse(self.member._chain_wallet_check_token(token, "u-8", 30))
        self.assertFalse(self.member_2._chain_wallet_check_token(token, "u-7", 30))

    def test_lost_card_needs_the_pin(self):
        issue = (
            self.env["chain.member.card.issue"]
            .with_user(self.cashier_a)
            .create(
                {"partner_id": self.member.id, "store_id": self.store_a.id, "kind": "magstripe"}
            )
        )
        card = self.env["chain.member.card"].browse(issue.action_issue()["res_id"])
        self.env["chain.member.card.lost"].with_user(self.cashier_a).create(
            {"card_id": card.id, "store_id": self.store_a.id, "reason": "lost"}
        ).action_confirm()
        self.assertTrue(self.member._chain_wallet_pin_required())
        self.assertFalse(self.member_2._chain_wallet_pin_required())
        # no PIN set: refused, with the way out
        missing = self.assertAnswerRefused(
            self.authorize,
            self.cashier_a,
            self.member.id,
            10,
            "u-1",
            self.config_a.id,
        )
        self.assertTrue(missing["card_lost"])
        if "chain.sms.verification" in self.env:
            # chain_sms offers the SMS code instead of the missing PIN
            self.assertTrue(missing.get("sms_code_required"), missing)
        else:
            self.assertIn("service desk", missing["message"])
        self.member.with_user(self.cashier_a)._chain_wallet_account(self.store_a)._set_pin(
            "2468", store=self.store_a
        )
        asked = self.assertAnswerRefused(
            self.authorize, self.cashier_a, self.member.id, 10, "u-1", self.config_a.id
        )
        self.assertEqual(
            asked,
            {
                "ok": False,
                "pin_required": True,
                "card_lost": True,
                "message": "This member's card was reported lost: the member confirms the "
                "payment with the payment PIN.",
            },
        )
        wrong = self.authorize(
            self.cashier_a, self.member.id, 10, "u-1", self.config_a.id, pin="1111"
        )
        self.assertEqual((wrong["ok"], wrong["card_lost"]), (False, True))
        self.assertIn("Wrong payment PIN", wrong["message"])
        good = self.authorize(
            self.cashier_a, self.member.id, 10, "u-1", self.config_a.id, pin="2468"
        )
        self.assertTrue(good["ok"], good)
        self.assertTrue(self.member._chain_wallet_check_token(good["token"], "u-1", 10))

    def test_pin_must_be_ascii_digits(self):
        for pin in (
            "１２３４",
            "１２３４５６",
            "12a4",
            "123",
            "123456789",
            "1234\n",
            1234,
            None,
            "٣٤٥٦",
        ):
            with self.subTest(pin=pin):
                error = self.assertRefused(
                    UserError,
                    self.member.with_user(self.cashier_a)
                    ._chain_wallet_account(self.store_a)
                    ._set_pin,
                    pin,
                    store=self.store_a,
                )
                self.assertIn("4 to 8 digits 0-9", str(error))
        wizard = (
            self.env["chain.wallet.pin.wizard"]
            .with_user(self.cashier_a)
            .create(
                {
                    "partner_id": self.member.id,
                    "store_id": self.store_a.id,
                    "pin": "１２３４",
                    "pin_confirm": "１２３４",
                }
            )
        )
        self.assertRefused(UserError, wizard.action_confirm, message="full-width")

    def test_non_ascii_pin_fails_verification_without_crashing(self):
        self.env["ir.config_parameter"].sudo().set_param("chain_member.wallet_pin_required", "True")
        self.member.with_user(self.cashier_a)._chain_wallet_account(self.store_a)._set_pin(
            "1234", store=self.store_a
        )
        account = self.env["chain.wallet.account"]._find(self.member, self.currency)
        for count, pin in enumerate(("１２３４", 1234, ["1234"], "1234 "), start=1):
            with self.subTest(pin=pin):
                result = self.authorize(
                    self.cashier_a, self.member.id, 10, "u-1", self.config_a.id, pin=pin
                )
                self.assertFalse(result["ok"])
                self.assertIn("Wrong payment PIN", result["message"])
                account.invalidate_recordset()
                self.assertEqual(account.pin_failures, count, "each wrong guess counts")

    def test_preview_bonus_is_for_the_stores_staff(self):
        self.env["chain.topup.rule"].create(
            {"name": "100 get 10", "min_amount": 100, "bonus_amount": 10}
        )
        Partner = self.env["res.partner"]
        preview = Partner.with_user(self.cashier_a).chain_wallet_preview_bonus(
            100, store=self.store_a.id, partner=self.member.id
        )
        self.assertEqual(preview["bonus"], 10)
        for name in ("cashier_b", "manager_b", "merchant", "portal", "internal"):
            with self.subTest(role=name):
                self.assertRefused(
                    AccessError,
                    Partner.with_user(self.roles[name]).chain_wallet_preview_bonus,
                    100,
                    store=self.store_a.id,
                    partner=self.member.id,
                )
        for amount in ("abc", float("nan"), 1e12, None):
            with self.subTest(amount=amount):
                self.assertRefused(
                    UserError,
                    Partner.with_user(self.cashier_a).chain_wallet_preview_bonus,
                    amount,
                    store=self.store_a.id,
                )
        for store in ("abc", [1], -3):
            with self.subTest(store=store):
                self.assertRefused(
                    UserError,
                    Partner.with_user(self.cashier_a).chain_wallet_preview_bonus,
                    100,
                    store=store,
                )

    def test_pin_rule_is_private(self):
        self.assertFalse(hasattr(self.env["res.partner"], "chain_wallet_pin_required"))


@tagged("post_install", "-at_install")
class TestSecurityWalletFields(WalletSecurityCase):
    """Balances, PINs, packages and ledger lines: no client create/write/unlink, for any role,
    with any context key."""

    def writers(self):
        admin = self.env.ref("base.user_admin")
        return [self.cashier_a, self.manager_a, self.hq_manager, admin]

    def test_account_fields_are_not_writable(self):
        account = self.env["chain.wallet.account"]._find(self.member, self.currency)
        hacks = [
            {"principal": 1e6},
            {"bonus": 500},
            {"pin_failures": 0},
            {"pin_locked_until": False},
            {"pin_hash": "x", "pin_salt": "y"},
            {"partner_id": self.member_2.id},
            {"last_principal": 1},
        ]
        for user in self.writers():
            for context in [{}, *CONTEXT_KEYS]:
                for vals in hacks:
                    with self.subTest(user=user.login, context=context, vals=vals):
                        self.assertRefused(
                            UserError,
                            account.with_user(user).with_context(**context).write,
                            vals,
                        )
                with self.subTest(user=user.login, context=context, op="create"):
                    self.assertRefused(
                        UserError,
                        self.env["chain.wallet.account"]
                        .with_user(user)
                        .with_context(**context)
                        .create,
                        {
                            "partner_id": self.member_2.id,
                            "currency_id": self.currency.id,
                            "principal": 1e6,
                        },
                    )
                with self.subTest(user=user.login, context=context, op="unlink"):
                    self.assertRefused(
                        UserError,
                        account.with_user(user).with_context(**context).unlink,
                    )
        # not even the server's own sudo() writes a balance through the ORM
        self.assertRefused(UserError, account.sudo().write, {"principal": 1e6})

    def test_package_fields_are_not_writable(self):
        hacks = [
            {"uses_remaining": 99},
            {"uses_total": 99},
            {"value_remaining": 1e6},
            {"value_total": 1},
            {"state": "active"},
            {"date_expiry": "2099-12-31"},
            {"partner_id": self.member_2.id},
            {"name": "renamed"},
        ]
        for user in self.writers():
            for context in [{}, *CONTEXT_KEYS]:
                package = self.package.with_user(user).with_context(**context)
                for vals in hacks:
                    with self.subTest(user=user.login, context=context, vals=vals):
                        self.assertRefused(UserError, package.write, vals)
                with self.subTest(user=user.login, op="create"):
                    self.assertRefused(
                        UserError,
                        self.env["chain.count.card.package"]
                        .with_user(user)
                        .with_context(**context)
                        .create,
                        {
                            "name": "forged",
                            "partner_id": self.member.id,
                            "product_id": self.haircut_card.id,
                            "store_id": self.store_a.id,
                            "company_id": self.company.id,
                            "currency_id": self.currency.id,
                            "uses_remaining": 100,
                            "value_remaining": 1000,
                        },
                    )
                with self.subTest(user=user.login, op="unlink"):
                    self.assertRefused(UserError, package.unlink)
        for vals in hacks[:-1]:
            with self.subTest(sudo=vals):
                self.assertRefused(UserError, self.package.sudo().write, vals)

    def test_ledger_lines_are_append_only(self):
        line = self.env["chain.wallet.transaction"].search(
            [("partner_id", "=", self.member.id)], limit=1
        )
        move = self.package.move_ids[:1]
        for user in [*self.writers(), self.env.user]:
            for context in [{}, *CONTEXT_KEYS]:
                for record in (line, move):
                    records = record.with_user(user).with_context(**context)
                    with self.subTest(user=user.login, model=record._name, context=context):
                        self.assertRefused(UserError, records.write, {"amount": 1e6})
                        self.assertRefused(UserError, records.unlink)
                        self.assertRefused(
                            UserError,
                            self.env[record._name].with_user(user).with_context(**context).create,
                            {"partner_id": self.member.id, "amount": 1e6},
                        )

    def test_timed_sessions_are_not_writable(self):
        billiards = self.env["product.product"].create(
            {"name": "Pool (h)", "type": "service", "list_price": 30, "chain_timed_service": True}
        )
        values = (
            self.env["chain.timed.session"]
            .with_user(self.cashier_a)
            .chain_timer_start(self.member.id, billiards.id, self.config_a.id)
        )
        session = self.env["chain.timed.session"].browse(values["id"])
        for user in self.writers():
            for context in [{}, *CONTEXT_KEYS]:
                records = session.with_user(user).with_context(**context)
                with self.subTest(user=user.login, context=context):
                    self.assertRefused(UserError, records.write, {"state": "billed", "units": 0})
                    self.assertRefused(UserError, records.unlink)
                    self.assertRefused(
                        UserError,
                        self.env["chain.timed.session"]
                        .with_user(user)
                        .with_context(**context)
                        .create,
                        {
                            "partner_id": self.member.id,
                            "product_id": billiards.id,
                            "store_id": self.store_a.id,
                            "state": "stopped",
                            "units": 0,
                        },
                    )


@tagged("post_install", "-at_install")
class TestSecurityWalletTimer(WalletSecurityCase):
    """chain.timed.session's till RPCs."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.billiards = cls.env["product.product"].create(
            {
                "name": "Billiards (h)",
                "type": "service",
                "list_price": 40,
                "available_in_pos": True,
                "chain_timed_service": True,
            }
        )

    def start(self, user=None, partner=None, product=None, config=None):
        return (
            self.env["chain.timed.session"]
            .with_user(user or self.cashier_a)
            .chain_timer_start(
                partner if partner is not None else self.member.id,
                product if product is not None else self.billiards.id,
                config if config is not None else self.config_a.id,
            )
        )

    def test_start_checks_caller_member_product_and_till(self):
        stranger = self.env["res.partner"].create({"name": "Not a member"})
        self.assertRefused(AccessError, self.start, config=self.config_b.id)
        for name in ("cashier_b", "manager_b", "merchant", "portal", "internal"):
            with self.subTest(role=name):
                self.assertRefused(AccessError, self.start, user=self.roles[name])
        for kwargs, message in (
            ({"partner": stranger.id}, "not a member"),
            ({"partner": 10**9}, "Select the member"),
            ({"partner": "abc"}, None),
            ({"product": self.haircut.id}, "not a timed service"),
            ({"product": 10**9}, "not a timed service"),
            ({"product": [1, 2]}, None),
            ({"config": "abc"}, None),
            ({"config": 10**9}, "no chain store"),
        ):
            with self.subTest(**kwargs):
                self.assertRefused(UserError, self.start, message=message, **kwargs)

    def test_no_double_start(self):
        self.start()
        self.assertRefused(UserError, self.start, message="already running")

    def test_stop_and_cancel_are_for_the_stores_cashiers(self):
        session = self.env["chain.timed.session"].browse(self.start()["id"])
        for name in ("cashier_b", "manager_b", "merchant", "portal", "internal"):
            user = self.roles[name]
            with self.subTest(role=name):
                self.assertRefused(UserError, session.with_user(user).chain_timer_stop)
                self.assertRefused(UserError, session.with_user(user).chain_timer_cancel)
        Session = self.env["chain.timed.session"].with_user(self.cashier_a)
        self.assertRefused(UserError, Session.browse(10**9).chain_timer_stop)
        self.assertRefused(UserError, (session | Session.browse(10**9)).chain_timer_cancel)
        self.assertEqual(session.with_user(self.cashier_a).chain_timer_stop()["state"], "stopped")
        self.assertRefused(
            UserError, session.with_user(self.cashier_a).chain_timer_stop, message="not running"
        )


@tagged("post_install", "-at_install")
class TestSecurityWalletWizards(WalletSecurityCase):
    """The backend wizards: role and store, bounded amounts, real cash/bank journals, prepaid
    value at list price."""

    def wizard(self, model, user, **values):
        return (
            self.env[model]
            .with_user(user)
            .create({"partner_id": self.member.id, "store_id": self.store_a.id, **values})
        )

    def test_topup_wizard_refuses_hostile_amounts(self):
        for amount in ("abc", float("nan"), float("inf"), 1e12, [5]):
            with self.subTest(amount=amount):
                self.assertRefused(
                    UserError,
                    self.wizard,
                    "chain.wallet.topup.wizard",
                    self.cashier_a,
                    amount=amount,
                    journal_id=self.cash_journal.id,
                )
        for amount in (-10, 0):
            with self.subTest(amount=amount):
                wizard = self.wizard(
                    "chain.wallet.topup.wizard",
                    self.cashier_a,
                    amount=amount,
                    journal_id=self.cash_journal.id,
                )
                self.assertRefused(UserError, wizard.action_confirm)

    def test_topup_wizard_needs_a_cash_or_bank_journal_of_the_store(self):
        wallet_journal = self.env["account.journal"].create(
            {
                "name": "Looks like cash",
                "code": "LCSH",
                "type": "cash",
                "company_id": self.company.id,
                "default_account_id": self.accounts["liability"].id,
            }
        )
        for journal in (self.general_journal, self.other_journal, wallet_journal):
            with self.subTest(journal=journal.name):
                wizard = self.wizard(
                    "chain.wallet.topup.wizard",
                    self.cashier_a,
                    amount=50,
                    journal_id=journal.id,
                )
                self.assertRefused(UserError, wizard.action_confirm, message="cash or bank")

    def test_topup_wizard_is_for_the_users_stores(self):
        wizard = self.wizard(
            "chain.wallet.topup.wizard",
            self.cashier_b,
            amount=50,
            journal_id=self.cash_journal.id,
        )
        self.assertRefused(AccessError, wizard.action_confirm, message="do not work in")
        for name in ("merchant", "portal", "internal"):
            with self.subTest(role=name):
                self.assertRefused(
                    AccessError,
                    self.wizard,
                    "chain.wallet.topup.wizard",
                    self.roles[name],
                    amount=50,
                    journal_id=self.cash_journal.id,
                )

    def test_other_money_wizards_refuse_hostile_amounts(self):
        cases = [
            ("chain.wallet.withdraw.wizard", self.manager_a, "amount", {"journal_id": 1}),
            ("chain.wallet.transfer.wizard", self.manager_a, "amount", {}),
            ("chain.wallet.adjust.wizard", self.hq_manager, "principal", {}),
            ("chain.wallet.adjust.wizard", self.hq_manager, "bonus", {}),
        ]
        for model, user, field, extra in cases:
            extra = dict(extra, reason="test")
            if "journal_id" in extra:
                extra["journal_id"] = self.cash_journal.id
            if model == "chain.wallet.transfer.wizard":
                extra["target_partner_id"] = self.member_2.id
            for amount in ("abc", float("nan"), 1e12, -1e12):
                with self.subTest(model=model, field=field, amount=amount):
                    self.assertRefused(
                        UserError, self.wizard, model, user, **{field: amount}, **extra
                    )

    def test_withdraw_and_transfer_refuse_what_the_caller_sends(self):
        withdraw = self.wizard(
            "chain.wallet.withdraw.wizard",
            self.manager_a,
            amount=10,
            journal_id=self.general_journal.id,
            reason="x",
        )
        self.assertRefused(UserError, withdraw.action_confirm, message="cash or bank")
        stranger = self.env["res.partner"].create({"name": "Not a member"})
        transfer = self.wizard(
            "chain.wallet.transfer.wizard",
            self.manager_a,
            amount=10,
            target_partner_id=stranger.id,
            reason="x",
        )
        self.assertRefused(UserError, transfer.action_confirm, message="not a member")
        transfer_b = self.wizard(
            "chain.wallet.transfer.wizard",
            self.manager_b,
            amount=10,
            target_partner_id=self.member_2.id,
            reason="x",
        )
        self.assertRefused(AccessError, transfer_b.action_confirm)

    def test_adjust_counterpart_of_another_company_is_refused(self):
        other_account = self.env["account.account"].create(
            {
                "code": "999111",
                "name": "Other company clearing",
                "account_type": "asset_current",
                "company_ids": [Command.set(self.other_company.ids)],
            }
        )
        wizard = self.wizard(
            "chain.wallet.adjust.wizard",
            self.hq_manager,
            principal=10,
            reason="x",
            counterpart_account_id=other_account.id,
        )
        self.assertRefused(UserError, wizard.action_confirm, message="is not an account of")

    def test_count_card_sale_is_at_list_price(self):
        wizard = self.wizard(
            "chain.count.card.sell.wizard",
            self.cashier_a,
            product_id=self.haircut_card.id,
            journal_id=self.cash_journal.id,
        )
        wizard.sudo().price = 1.0  # even if a client managed to store another price
        self.assertRefused(UserError, wizard.action_confirm, message="never discounted")
        for qty in ("abc", float("nan"), 1e12):
            with self.subTest(qty=qty):
                self.assertRefused(
                    UserError,
                    self.wizard,
                    "chain.count.card.sell.wizard",
                    self.cashier_a,
                    product_id=self.haircut_card.id,
                    qty=qty,
                    journal_id=self.cash_journal.id,
                )
        for journal in (self.general_journal, self.other_journal):
            with self.subTest(journal=journal.name):
                wizard = self.wizard(
                    "chain.count.card.sell.wizard",
                    self.cashier_a,
                    product_id=self.haircut_card.id,
                    journal_id=journal.id,
                )
                self.assertRefused(UserError, wizard.action_confirm, message="cash or bank")

    def test_count_card_renewal_of_another_members_card_is_refused(self):
        wizard = self.wizard(
            "chain.count.card.sell.wizard",
            self.cashier_a,
            product_id=self.haircut_card.id,
            journal_id=self.cash_journal.id,
        )
        wizard.partner_id = self.member_2
        wizard.package_id = self.package
        self.assertRefused(UserError, wizard.action_confirm, message="is not a")

    def test_count_card_use_and_refund_wizards(self):
        Use = self.env["chain.count.card.use.wizard"]
        for uses in ("abc", 1e12, float("nan")):
            with self.subTest(uses=uses):
                self.assertRefused(
                    UserError,
                    Use.with_user(self.cashier_a).create,
                    {"package_id": self.package.id, "uses": uses, "store_id": self.store_a.id},
                )
        for uses in (0, -3, 20000):
            with self.subTest(uses=uses):
                wizard = Use.with_user(self.cashier_a).create(
                    {"package_id": self.package.id, "uses": uses, "store_id": self.store_a.id}
                )
                self.assertRefused(UserError, wizard.action_confirm)
        # a service the card does not cover
        wizard = Use.with_user(self.cashier_a).create(
            {
                "package_id": self.package.id,
                "service_id": self.topup_product.id,
                "store_id": self.store_a.id,
            }
        )
        self.assertRefused(UserError, wizard.action_confirm, message="does not cover")
        # another store's cashier
        wizard = Use.with_user(self.cashier_b).create(
            {"package_id": self.package.id, "store_id": self.store_a.id}
        )
        self.assertRefused(AccessError, wizard.action_confirm)
        Refund = self.env["chain.count.card.refund.wizard"]
        self.assertRefused(
            AccessError,
            Refund.with_user(self.cashier_a).create,
            {
                "package_id": self.package.id,
                "journal_id": self.cash_journal.id,
                "store_id": self.store_a.id,
                "reason": "x",
            },
        )
        for store, journal, exception in (
            (self.store_b, self.cash_journal, AccessError),  # not manager_a's store
            (self.store_a, self.general_journal, UserError),
            (self.store_a, self.other_journal, UserError),
        ):
            with self.subTest(store=store.name, journal=journal.name):
                wizard = Refund.with_user(self.manager_a).create(
                    {
                        "package_id": self.package.id,
                        "journal_id": journal.id,
                        "store_id": store.id,
                        "reason": "x",
                    }
                )
                self.assertRefused(exception, wizard.action_confirm)


@tagged("post_install", "-at_install")
class TestSecurityWalletServices(WalletSecurityCase):
    """The private services themselves bound every amount (whoever calls them)."""

    def test_services_refuse_hostile_amounts(self):
        hq = self.member.with_user(self.hq_manager)
        calls = {
            "topup": lambda a: hq._chain_wallet_account(self.store_a)._topup(
                a, store=self.store_a, journal=self.cash_journal
            ),
            "pay": lambda a: hq._chain_wallet_account(self.store_a)._pay(
                a, store=self.store_a, counterpart_account=self.accounts["breakage"]
            ),
            "refund": lambda a: hq._chain_wallet_account(self.store_a)._refund(
                a, store=self.store_a, counterpart_account=self.accounts["breakage"]
            ),
            "withdraw": lambda a: hq._chain_wallet_account(self.store_a)._withdraw(
                a, self.cash_journal, "x", store=self.store_a
            ),
            "adjust principal": lambda a: hq._chain_wallet_account(self.store_a)._adjust(
                principal=a, reason="x", store=self.store_a
            ),
            "adjust bonus": lambda a: hq._chain_wallet_account(self.store_a)._adjust(
                principal=1, bonus=a, reason="x", store=self.store_a
            ),
            "transfer": lambda a: hq._chain_wallet_account(self.store_a)._transfer(
                self.member_2, a, "x", store=self.store_a
            ),
            "count card price": lambda a: hq.env["chain.count.card.package"]._sell(
                hq, self.haircut_card, store=self.store_a, price=a, journal=self.cash_journal
            ),
            "renewal price": lambda a: self.package.with_user(
                self.hq_manager
            )._chain_count_card_renew(10, a, store=self.store_a, journal=self.cash_journal),
        }
        for name, call in calls.items():
            for amount in ("abc", float("nan"), float("inf"), 1e12, None, [1]):
                if name in ("adjust bonus", "count card price") and amount is None:
                    continue  # no bonus part / the list price: valid calls
                with self.subTest(service=name, amount=amount):
                    self.assertRefused(UserError, call, amount)

    def test_topup_of_1e12_is_refused_everywhere(self):
        self.assertRefused(UserError, self.topup, 1e12, message="above the chain's limit")
        vals = self.order_vals(
            self.session_a, [(self.topup_product, 1, 1e12)], [(self.cash_method, 1e12)]
        )
        self.assertRefused(UserError, self.sync, vals)


@tagged("post_install", "-at_install")
class TestSecurityWalletImport(WalletSecurityCase):
    def do_import(self, content, user=None):
        wizard = (
            self.env["chain.wallet.import.wizard"]
            .with_user(user or self.hq_manager)
            .create(
                {
                    "file": base64.b64encode(content),
                    "filename": "old.csv",
                    "store_id": self.store_a.id,
                    "counterpart_account_id": self.accounts["breakage"].id,
                }
            )
        )
        return wizard.action_import()

    def test_gbk_file_from_chinese_excel_is_read(self):
        content = (
            "member,principal,bonus,备注\n" f"{self.member_2.mobile},80,5,老会员张三\n"
        ).encode("gbk")
        self.do_import(content)
        self.assertEqual(self.balance(self.member_2), (80, 5))

    def test_file_that_is_not_text_is_refused(self):
        for content in (
            bytes(range(256)) * 4,
            b"\xff\xfe\x00\x00garbage\x00\x81",
            b"member,principal,bonus\n\x00\x00\x00",
            b"",
        ):
            with self.subTest(content=content[:10]):
                self.assertRefused(UserError, self.do_import, content)

    def test_bad_rows_refuse_the_whole_file(self):
        content = (
            "member,principal,bonus\n"
            f"{self.member_2.mobile},80,0\n"
            f"{self.member.mobile},abc,0\n"
            f"{self.member.mobile},1e12,0\n"
            f"{self.member.mobile},NaN,0\n"
            "13999999999,10,0\n"
            f"{self.member.mobile},-500,0\n"
        ).encode()
        error = self.assertRefused(UserError, self.do_import, content)
        for line in ("Line 3", "Line 4", "Line 5", "Line 6", "Line 7"):
            self.assertIn(line, str(error))
        self.assertNotIn("Line 2:", str(error))
        self.assertEqual(self.balance(self.member_2), (0, 0), "nothing half-imported")

    def test_import_is_for_headquarters(self):
        content = f"member,principal,bonus\n{self.member_2.mobile},80,0\n".encode()
        for name in ("cashier_a", "manager_a", "merchant", "portal"):
            with self.subTest(role=name):
                self.assertRefused(AccessError, self.do_import, content, user=self.roles[name])


@tagged("post_install", "-at_install")
class TestSecurityWalletRpc(HttpCase):
    """Real JSON-RPC requests, as a logged-in cashier of the store."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.store = cls.env["chain.store"].create({"code": "T-RPC", "name": "RPC Store"})
        cls.cashier = new_test_user(
            cls.env,
            login="t_rpc_cashier",
            password="t_rpc_cashier_pw",
            groups="chain_member.group_chain_cashier",
        )
        cls.cashier.chain_store_ids = [Command.set(cls.store.ids)]
        cls.member = cls.env["res.partner"].create(
            {"name": "RPC Member", "is_member": True, "mobile": "13800138112"}
        )
        cls.journal = cls.env["account.journal"].create(
            {"name": "RPC cash", "code": "RPCC", "type": "cash", "company_id": cls.env.company.id}
        )

    def call_kw(self, model, method, args, kwargs=None):
        return self.url_open(
            "/web/dataset/call_kw",
            data=json.dumps(
                {
                    "jsonrpc": "2.0",
                    "method": "call",
                    "id": 1,
                    "params": {
                        "model": model,
                        "method": method,
                        "args": args,
                        "kwargs": kwargs or {},
                    },
                }
            ),
            headers={"Content-Type": "application/json"},
        )

    def ledger(self):
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT count(*) FROM chain_wallet_transaction WHERE partner_id = %s",
            [self.member.id],
        )
        return self.env.cr.fetchone()[0]

    def test_private_services_are_refused_over_rpc(self):
        account = self.env["chain.wallet.account"]._get_or_create(
            self.member, self.env.company.currency_id
        )
        self.authenticate("t_rpc_cashier", "t_rpc_cashier_pw")
        for model, method, args in (
            ("chain.wallet.account", "_topup", [[account.id], 1000]),
            ("chain.wallet.account", "_adjust", [[account.id], 1000]),
            ("chain.wallet.account", "_pay", [[account.id], 1000]),
            ("chain.wallet.account", "_set_pin", [[account.id], "2468"]),
            ("res.partner", "_chain_wallet_account", [[self.member.id]]),
            ("chain.count.card.package", "_sell", [[], self.member.id, 1]),
            ("res.partner", "_chain_wallet_pin_required", [[self.member.id]]),
            ("res.partner", "chain_wallet_pin_required", [[self.member.id]]),
        ):
            with self.subTest(model=model, method=method):
                response = self.call_kw(model, method, args)
                self.assertEqual(response.status_code, 200)
                body = response.json()
                self.assertIn("error", body, body)
        self.assertEqual(self.ledger(), 0)

    def test_protected_writes_and_hostile_till_calls_over_rpc(self):
        self.member.sudo()._chain_wallet_account(self.store)._topup(
            100, store=self.store, journal=self.journal
        )
        account = self.env["chain.wallet.account"]._find(self.member, self.env.company.currency_id)
        self.authenticate("t_rpc_cashier", "t_rpc_cashier_pw")
        body = self.call_kw(
            "chain.wallet.account",
            "write",
            [[account.id], {"principal": 1000000}],
            {"context": {"chain_card_operation": True}},
        ).json()
        self.assertIn("error", body)
        body = self.call_kw(
            "res.partner", "chain_wallet_authorize", [self.member.id, 1e12, "u-1", 0]
        ).json()
        self.assertFalse(body["result"]["ok"])
        body = self.call_kw(
            "res.partner", "chain_wallet_authorize", [self.member.id, "abc", "u-1", 0]
        ).json()
        self.assertFalse(body["result"]["ok"])
        self.assertEqual(self.ledger(), 1)
        account.invalidate_recordset()
        self.assertEqual(account.principal, 100)


@tagged("post_install", "-at_install")
class TestSecurityWalletPinRace(TransactionCase):
    """Parallel PIN guesses on one account, from separate cursors in separate threads, each
    committing, through Odoo's request retry loop (as test_wallet_concurrency does)."""

    PARAM = "chain_member.wallet_pin_max_failures"

    def setUp(self):
        super().setUp()
        self.tag = uuid.uuid4().hex[:6]
        self.registry_ = self.env.registry
        with self.registry_.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            store = env["chain.store"].create({"code": f"PR-{self.tag}", "name": "PIN race"})
            member = env["res.partner"].create(
                {
                    "name": f"Guessed Member {self.tag}",
                    "is_member": True,
                    "mobile": f"1391111{uuid.uuid4().int % 10000:04d}",
                }
            )
            account = env["chain.wallet.account"]._get_or_create(member, env.company.currency_id)
            account._store_pin("2468")
            Param = env["ir.config_parameter"]
            self.saved_param = Param.get_param(self.PARAM)
            Param.set_param(self.PARAM, "3")
            self.ids = {"store": store.id, "member": member.id, "account": account.id}
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        with self.registry_.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["ir.config_parameter"].set_param(self.PARAM, self.saved_param or False)
            cr.execute("DELETE FROM chain_wallet_account WHERE id = %s", [self.ids["account"]])
            cr.execute("UPDATE res_partner SET active = false WHERE id = %s", [self.ids["member"]])
            cr.execute("UPDATE chain_store SET active = false WHERE id = %s", [self.ids["store"]])

    def _guess(self, pin, env):
        account = env["chain.wallet.account"].browse(self.ids["account"])
        try:
            account._verify_pin(pin)
        except UserError as error:
            message = str(error.args[0])
            return "locked" if "locked after too many" in message else "wrong"
        return "right"

    def _run_concurrently(self, jobs, late=None):
        """Run ``jobs`` at once, each in its own thread, cursor and transaction; ``late`` (a job)
        takes its snapshot with the others but runs only once they all committed (a guess that
        was in flight while the others were counted). Return the outcomes, ``late``'s last."""
        everyone = [*jobs, late] if late else list(jobs)
        barrier = threading.Barrier(len(everyone))
        gate = threading.Event()
        outcomes = [None] * len(everyone)

        def worker(index, job, wait):
            threading.current_thread().dbname = self.registry_.db_name
            with self.registry_.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                cr.execute("SELECT pin_failures FROM chain_wallet_account LIMIT 1")  # snapshot
                barrier.wait(timeout=30)
                if wait:
                    gate.wait(timeout=120)
                try:
                    outcomes[index] = retrying(partial(job, env), env)
                except (errors.SerializationFailure, errors.LockNotAvailable):
                    cr.rollback()
                    outcomes[index] = "gave up"

        threads = [
            threading.Thread(target=worker, args=(i, job, late is not None and i == len(jobs)))
            for i, job in enumerate(everyone)
        ]
        saved_lock, Registry._lock = Registry._lock, DummyRLock()
        try:
            with mute_logger("odoo.service.model", "odoo.sql_db"):
                for thread in threads:
                    thread.start()
                for thread in threads[: len(jobs)]:
                    thread.join(timeout=180)
                gate.set()
                for thread in threads:
                    thread.join(timeout=180)
        finally:
            Registry._lock = saved_lock
        self.assertFalse(any(thread.is_alive() for thread in threads), "a guess hung")
        return outcomes

    def _failures(self):
        with self.registry_.cursor() as cr:
            cr.execute(
                "SELECT pin_failures, pin_locked_until IS NOT NULL FROM chain_wallet_account "
                "WHERE id = %s",
                [self.ids["account"]],
            )
            return cr.fetchone()

    def test_two_parallel_wrong_guesses_both_count(self):
        outcomes = self._run_concurrently(
            [partial(self._guess, "1111"), partial(self._guess, "2222")]
        )
        self.assertEqual(outcomes, ["wrong", "wrong"])
        self.assertEqual(self._failures(), (2, False))

    def test_parallel_guesses_cannot_pass_the_limit(self):
        """Five wrong guesses at once with a limit of three: three count, the PIN locks, the
        other two find it locked; and a right guess that took its snapshot before any of them
        counted is refused too. (Before the fix, that right guess, whose snapshot showed no
        failures, was neither counted nor refused: it got through although the limit was
        reached.)"""
        outcomes = self._run_concurrently(
            [partial(self._guess, pin) for pin in ("1111", "2222", "3333", "4444", "5555")],
            late=partial(self._guess, "2468"),
        )
        guesses, late = outcomes[:-1], outcomes[-1]
        self.assertEqual(sorted(guesses), ["locked", "locked", "wrong", "wrong", "wrong"])
        self.assertEqual(late, "locked", outcomes)
        self.assertEqual(self._failures(), (3, True))
