"""Real concurrent transactions on one balance: separate cursors in separate threads, each
committing, the way two tills in two stores hit the server at the same moment.

The data these tests need is committed (other transactions must see it), so each test cleans it
up afterwards; the ledger's append-only trigger is lifted for that cleanup only.
"""

import copy
import threading
import uuid
from functools import partial

from psycopg2 import errors

from odoo import SUPERUSER_ID, Command, api, fields
from odoo.exceptions import UserError
from odoo.modules.registry import DummyRLock, Registry
from odoo.service.model import retrying
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestWalletConcurrency(TransactionCase):
    def setUp(self):
        super().setUp()
        self.tag = uuid.uuid4().hex[:6]
        self.registry_ = self.env.registry
        with self.registry_.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            company = env.company
            store_a = env["chain.store"].create(
                {"code": f"CC-A-{self.tag}", "name": "Concurrency A"}
            )
            store_b = env["chain.store"].create(
                {"code": f"CC-B-{self.tag}", "name": "Concurrency B"}
            )
            member = env["res.partner"].create(
                {
                    "name": f"Busy Member {self.tag}",
                    "is_member": True,
                    "mobile": f"1390000{uuid.uuid4().int % 10000:04d}",
                }
            )
            self.ids = {
                "company": company.id,
                "store_a": store_a.id,
                "store_b": store_b.id,
                "member": member.id,
                "counterpart": company._chain_wallet_accounts()["breakage"].id,
                "sessions": [],
                "configs": [],
            }
            # the opening balance: 100 of principal (internal posting, no journal entry)
            env["chain.wallet.transaction"]._post(
                member, "adjustment", store_a, f"test:{self.tag}:open", "credit", principal=100
            )
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        with self.registry_.cursor() as cr:
            cr.execute("SET LOCAL chain.allow_ledger_rewrite = 'on'")
            member, sessions = self.ids["member"], tuple(self.ids["sessions"]) or (0,)
            cr.execute(
                "SELECT DISTINCT move_id FROM chain_wallet_transaction "
                "WHERE partner_id = %s AND move_id IS NOT NULL",
                [member],
            )
            moves = tuple(row[0] for row in cr.fetchall()) or (0,)
            cr.execute("DELETE FROM chain_wallet_transaction WHERE partner_id = %s", [member])
            cr.execute("DELETE FROM chain_wallet_account WHERE partner_id = %s", [member])
            cr.execute("DELETE FROM account_move_line WHERE move_id IN %s", [moves])
            cr.execute("DELETE FROM account_move WHERE id IN %s", [moves])
            cr.execute("DELETE FROM pos_payment WHERE session_id IN %s", [sessions])
            cr.execute(
                "DELETE FROM pos_order_line WHERE order_id IN "
                "(SELECT id FROM pos_order WHERE session_id IN %s)",
                [sessions],
            )
            cr.execute("DELETE FROM pos_order WHERE session_id IN %s", [sessions])
            cr.execute("DELETE FROM pos_session WHERE id IN %s", [sessions])
            cr.execute(
                "UPDATE pos_config SET active = false WHERE id IN %s",
                [tuple(self.ids["configs"]) or (0,)],
            )
            cr.execute(
                "DELETE FROM res_partner_category WHERE name->>'en_US' LIKE %s", [f"%{self.tag}"]
            )
            cr.execute("UPDATE res_partner SET active = false WHERE id = %s", [member])
            cr.execute(
                "UPDATE chain_store SET active = false WHERE id IN %s",
                [(self.ids["store_a"], self.ids["store_b"])],
            )

    # ------------------------------------------------------------------------------------------
    def _run_concurrently(self, jobs):
        """Run each job (a function of an env) in its own thread, cursor and transaction, all
        released at the same moment, through Odoo's request retry loop; return their outcomes."""
        barrier = threading.Barrier(len(jobs))
        outcomes = [None] * len(jobs)
        attempts = [0] * len(jobs)

        def worker(index, job):
            threading.current_thread().dbname = self.registry_.db_name
            with self.registry_.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                cr.execute("SELECT 1")  # take the transaction's snapshot before the race
                barrier.wait(timeout=30)

                def attempt():
                    attempts[index] += 1
                    return job(env)

                try:
                    outcomes[index] = ("ok", retrying(attempt, env))
                except UserError as error:
                    cr.rollback()  # as Odoo does for a request that fails
                    outcomes[index] = ("refused", str(error))
                except (errors.SerializationFailure, errors.LockNotAvailable) as error:
                    cr.rollback()
                    outcomes[index] = ("gave up", str(error))

        threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
        # The test runner holds the registry lock for the whole run, and Odoo looks the
        # registry up (Registry(db)) whenever an environment is made or reset. Worker threads
        # of a real server never wait on that lock; lift it while the tills run.
        saved_lock, Registry._lock = Registry._lock, DummyRLock()
        try:
            with mute_logger("odoo.service.model", "odoo.sql_db"):
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join(timeout=120)
        finally:
            Registry._lock = saved_lock
        self.assertFalse(any(thread.is_alive() for thread in threads), "a till hung")
        return outcomes, attempts

    def _state(self):
        with self.registry_.cursor() as cr:
            cr.execute(
                "SELECT principal, bonus FROM chain_wallet_account WHERE partner_id = %s",
                [self.ids["member"]],
            )
            principal, bonus = cr.fetchone()
            cr.execute(
                "SELECT coalesce(sum(amount), 0), count(*) FROM chain_wallet_transaction "
                "WHERE partner_id = %s",
                [self.ids["member"]],
            )
            ledger, lines = cr.fetchone()
        return principal + bonus, ledger, lines

    def _pay(self, store_key, amount, key, env):
        member = env["res.partner"].browse(self.ids["member"])
        store = env["chain.store"].browse(self.ids[store_key])
        return (
            member._chain_wallet_account(store)
            ._pay(
                amount,
                store=store,
                key=key,
                counterpart_account=env["account.account"].browse(self.ids["counterpart"]),
            )
            .id
        )

    # ------------------------------------------------------------------------------------------
    def test_two_tills_pay_the_whole_balance_at_once(self):
        outcomes, attempts = self._run_concurrently(
            [
                partial(self._pay, "store_a", 100, f"test:{self.tag}:till-a"),
                partial(self._pay, "store_b", 100, f"test:{self.tag}:till-b"),
            ]
        )
        kinds = sorted(outcome[0] for outcome in outcomes)
        self.assertEqual(kinds, ["ok", "refused"], outcomes)
        refused = next(outcome[1] for outcome in outcomes if outcome[0] == "refused")
        self.assertIn("Insufficient stored value", refused)
        self.assertEqual(
            attempts, [1, 1], "the second till waited for its turn: it was never failed and retried"
        )
        balance, ledger, lines = self._state()
        self.assertEqual((balance, ledger, lines), (0, 0, 2))

    def _write_then_pay(self, store_key, amount, key, env):
        """A payment in a transaction that already wrote something (here a partner tag): it
        cannot be queued, so only the guarded debit and Odoo's retry protect the balance."""
        env["res.partner.category"].create({"name": f"{key} {self.tag}"})
        env.flush_all()
        return self._pay(store_key, amount, key, env)

    def test_the_guard_holds_for_transactions_that_cannot_wait_their_turn(self):
        outcomes, attempts = self._run_concurrently(
            [
                partial(self._write_then_pay, "store_a", 100, f"test:{self.tag}:guard-a"),
                partial(self._write_then_pay, "store_b", 100, f"test:{self.tag}:guard-b"),
            ]
        )
        self.assertEqual(sorted(outcome[0] for outcome in outcomes), ["ok", "refused"], outcomes)
        self.assertGreaterEqual(
            max(attempts), 2, "the loser was retried after the serialization failure"
        )
        balance, ledger, lines = self._state()
        self.assertEqual((balance, ledger, lines), (0, 0, 2))

    def test_eight_tills_never_overdraw_or_lose_an_update(self):
        jobs = [
            partial(self._pay, f"store_{'ab'[i % 2]}", 30, f"test:{self.tag}:till-{i}")
            for i in range(8)
        ]
        outcomes, attempts = self._run_concurrently(jobs)
        paid = [outcome for outcome in outcomes if outcome[0] == "ok"]
        # served one after the other: the first three are paid, the others see 10 left
        self.assertEqual(len(paid), 3, outcomes)
        self.assertEqual(attempts, [1] * 8, "no till was failed and retried")
        balance, ledger, lines = self._state()
        self.assertEqual(balance, 100 - 30 * len(paid))
        self.assertEqual(ledger, balance)
        self.assertEqual(lines, 1 + len(paid))
        self.assertGreaterEqual(balance, 0)

    # ------------------------------------------------------------------------------------------
    def _open_till(self, store_key, name):
        with self.registry_.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            company = env["res.company"].browse(self.ids["company"])
            journal = env["account.journal"].create(
                {
                    "name": f"{name} {self.tag}",
                    "code": f"K{uuid.uuid4().hex[:4]}",
                    "type": "cash",
                    "company_id": company.id,
                }
            )
            cash = env["pos.payment.method"].create(
                {"name": f"{name} cash", "journal_id": journal.id}
            )
            config = env["pos.config"].create(
                {
                    "name": f"{name} {self.tag}",
                    "chain_store_id": self.ids[store_key],
                    "payment_method_ids": [Command.set(cash.ids)],
                }
            )
            config.open_ui()
            session = config.current_session_id
            session.set_opening_control(0, None)
            wallet = config.payment_method_ids.filtered("chain_wallet")
            self.ids["sessions"].append(session.id)
            self.ids["configs"].append(config.id)
            return session.id, wallet.id, config.pricelist_id.id

    def _order(self, till, amount, order_uuid=None):
        session_id, wallet_id, pricelist_id = till
        order_uuid = order_uuid or str(uuid.uuid4())
        with self.registry_.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            product = env.ref(
                "chain_wallet.product_wallet_topup"
            ).id  # any product; priced by the order
            service = (
                env["product.product"]
                .search([("type", "=", "service"), ("chain_wallet_topup", "=", False)], limit=1)
                .id
                or product
            )
        return {
            "uuid": order_uuid,
            "name": f"Order {order_uuid[:8]}",
            "session_id": session_id,
            "partner_id": self.ids["member"],
            "pricelist_id": pricelist_id,
            "fiscal_position_id": False,
            "amount_paid": amount,
            "amount_total": amount,
            "amount_tax": 0.0,
            "amount_return": 0.0,
            "lines": [
                Command.create(
                    {
                        "product_id": service,
                        "qty": 1,
                        "price_unit": amount,
                        "price_subtotal": amount,
                        "price_subtotal_incl": amount,
                        "discount": 0.0,
                        "tax_ids": [Command.set([])],
                        "uuid": str(uuid.uuid4()),
                    }
                )
            ],
            "payment_ids": [
                Command.create(
                    {
                        "amount": amount,
                        "payment_method_id": wallet_id,
                        "uuid": str(uuid.uuid4()),
                        "payment_date": fields.Datetime.to_string(fields.Datetime.now()),
                    }
                )
            ],
            "state": "paid",
            "sequence_number": 1,
            "user_id": SUPERUSER_ID,
            "date_order": fields.Datetime.to_string(fields.Datetime.now()),
            "to_invoice": False,
            "last_order_preparation_change": "{}",
        }

    @staticmethod
    def _sync(vals, env):
        orders = env["pos.order"].sync_from_ui([copy.deepcopy(vals)])["pos.order"]
        return [order["id"] for order in orders]

    def test_two_tills_sync_orders_paid_from_the_same_balance(self):
        till_a, till_b = self._open_till("store_a", "Till A"), self._open_till("store_b", "Till B")
        outcomes, attempts = self._run_concurrently(
            [
                partial(self._sync, self._order(till_a, 100)),
                partial(self._sync, self._order(till_b, 100)),
            ]
        )
        self.assertEqual(sorted(outcome[0] for outcome in outcomes), ["ok", "refused"], outcomes)
        self.assertEqual(attempts, [1, 1], "the second sync waited for the member's turn")
        balance, ledger, lines = self._state()
        self.assertEqual((balance, ledger, lines), (0, 0, 2))
        with self.registry_.cursor() as cr:
            cr.execute(
                "SELECT count(*) FROM pos_order WHERE session_id IN %s",
                [tuple(self.ids["sessions"])],
            )
            self.assertEqual(cr.fetchone()[0], 1, "the refused order is not saved")

    def test_the_same_order_sent_twice_at_once_is_saved_once(self):
        till = self._open_till("store_a", "Till A")
        vals = self._order(till, 60)
        outcomes, _attempts = self._run_concurrently(
            [partial(self._sync, vals), partial(self._sync, vals)]
        )
        self.assertEqual([outcome[0] for outcome in outcomes], ["ok", "ok"], outcomes)
        balance, ledger, lines = self._state()
        self.assertEqual((balance, ledger, lines), (40, 40, 2))
        with self.registry_.cursor() as cr:
            cr.execute("SELECT count(*) FROM pos_order WHERE uuid = %s", [vals["uuid"]])
            self.assertEqual(cr.fetchone()[0], 1)
