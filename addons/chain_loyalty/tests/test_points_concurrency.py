"""Real concurrent transactions on one member's points: separate cursors in separate threads,
each committing, the way two tills in two stores hit the server at the same moment.

The data these tests need is committed (other transactions must see it), so each test cleans it
up afterwards; the ledger's append-only trigger is lifted for that cleanup only.
"""

import random
import threading
import time
import uuid
from functools import partial

from psycopg2 import errors

from odoo import SUPERUSER_ID, api
from odoo.api import Transaction
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestPointsConcurrency(TransactionCase):
    def setUp(self):
        super().setUp()
        self.tag = uuid.uuid4().hex[:6]
        self.registry_ = self.env.registry
        with self.registry_.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            store_a = env["chain.store"].create({"code": f"PC-A-{self.tag}", "name": "Points A"})
            store_b = env["chain.store"].create({"code": f"PC-B-{self.tag}", "name": "Points B"})
            member = env["res.partner"].create(
                {
                    "name": f"Busy Member {self.tag}",
                    "is_member": True,
                    "mobile": f"1390001{uuid.uuid4().int % 10000:04d}",
                }
            )
            self.ids = {"store_a": store_a.id, "store_b": store_b.id, "member": member.id}
            member._chain_points_account()._earn(100, store=store_a, key=f"test:{self.tag}:open")
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        with self.registry_.cursor() as cr:
            cr.execute("SET LOCAL chain.allow_ledger_rewrite = 'on'")
            member = self.ids["member"]
            cr.execute(
                "DELETE FROM chain_points_allocation WHERE move_id IN "
                "(SELECT id FROM chain_points_move WHERE partner_id = %s)",
                [member],
            )
            cr.execute("DELETE FROM chain_points_lot WHERE partner_id = %s", [member])
            cr.execute("DELETE FROM chain_points_move WHERE partner_id = %s", [member])
            cr.execute("DELETE FROM chain_points_account WHERE partner_id = %s", [member])
            cr.execute(
                "DELETE FROM res_partner_category WHERE name->>'en_US' LIKE %s", [f"%{self.tag}"]
            )
            cr.execute("UPDATE res_partner SET active = false WHERE id = %s", [member])
            cr.execute(
                "UPDATE chain_store SET active = false WHERE id IN %s",
                [(self.ids["store_a"], self.ids["store_b"])],
            )

    def _run_concurrently(self, jobs):
        """Run each job (a function of an env) in its own thread, cursor and transaction, all
        released at the same moment, through Odoo's request retry loop; return their outcomes
        and the number of attempts each took."""
        barrier = threading.Barrier(len(jobs))
        outcomes = [None] * len(jobs)
        attempts = [0] * len(jobs)

        def worker(index, job):
            threading.current_thread().dbname = self.registry_.db_name
            with self.registry_.cursor() as cr:
                # The test runner holds the registry class lock: give the cursor its transaction
                # on the known registry rather than let Environment look the registry up.
                cr.transaction = Transaction(self.registry_)
                env = api.Environment(cr, SUPERUSER_ID, {})
                cr.execute("SELECT 1")  # take the transaction's snapshot before the race
                barrier.wait(timeout=30)

                try:
                    outcomes[index] = ("ok", self._retrying(job, env, attempts, index))
                except UserError as error:
                    cr.rollback()
                    outcomes[index] = ("refused", str(error))
                except errors.SerializationFailure as error:
                    cr.rollback()
                    outcomes[index] = ("gave up", str(error))

        threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
        with mute_logger("odoo.service.model", "odoo.sql_db"):
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=120)
        self.assertFalse(any(thread.is_alive() for thread in threads), "a till hung")
        return outcomes, attempts

    @staticmethod
    def _retrying(job, env, attempts, index, tries=5):
        """Odoo's request retry loop (odoo.service.model.retrying): roll back and run again on
        a serialization failure. (Odoo's own helper resets the environment through the registry
        lock, which the test runner holds.)"""
        for tryno in range(1, tries + 1):
            attempts[index] += 1
            try:
                result = job(env)
                env.cr.flush()
                env.cr.commit()
                return result
            except errors.SerializationFailure:
                env.cr.rollback()
                env.invalidate_all()
                if tryno == tries:
                    raise
                time.sleep(random.uniform(0.0, 0.1 * 2**tryno))
        return None

    def _state(self):
        with self.registry_.cursor() as cr:
            member = self.ids["member"]
            cr.execute("SELECT balance FROM chain_points_account WHERE partner_id = %s", [member])
            balance = cr.fetchone()[0]
            cr.execute(
                "SELECT COALESCE(SUM(points), 0), COUNT(*) FROM chain_points_move "
                "WHERE partner_id = %s",
                [member],
            )
            ledger, moves = cr.fetchone()
            cr.execute(
                "SELECT COALESCE(SUM(remaining), 0) FROM chain_points_lot WHERE partner_id = %s",
                [member],
            )
            lots = cr.fetchone()[0]
        return balance, ledger, lots, moves

    def _spend(self, store_key, points, key, env):
        member = env["res.partner"].browse(self.ids["member"])
        return (
            member._chain_points_account()
            ._spend(points, store=env["chain.store"].browse(self.ids[store_key]), key=key)
            .id
        )

    def _earn(self, store_key, points, key, env):
        member = env["res.partner"].browse(self.ids["member"])
        return (
            member._chain_points_account()
            ._earn(points, store=env["chain.store"].browse(self.ids[store_key]), key=key)
            .id
        )

    def test_two_tills_spend_the_whole_balance_at_once(self):
        outcomes, attempts = self._run_concurrently(
            [
                partial(self._spend, "store_a", 100, f"test:{self.tag}:a"),
                partial(self._spend, "store_b", 100, f"test:{self.tag}:b"),
            ]
        )
        self.assertEqual(sorted(outcome[0] for outcome in outcomes), ["ok", "refused"], outcomes)
        self.assertEqual(attempts, [1, 1], "the second till waited for the member's turn")
        self.assertEqual(self._state(), (0, 0, 0, 2))

    def _write_then_spend(self, store_key, points, key, env):
        """A spend in a transaction that already wrote something (a partner tag): it cannot
        wait for the member's turn, so only the guarded debit and the retry protect it."""
        env["res.partner.category"].create({"name": f"{key} {self.tag}"})
        env.flush_all()
        return self._spend(store_key, points, key, env)

    def test_the_guard_holds_for_transactions_that_cannot_wait_their_turn(self):
        outcomes, attempts = self._run_concurrently(
            [
                partial(self._write_then_spend, "store_a", 100, f"test:{self.tag}:guard-a"),
                partial(self._write_then_spend, "store_b", 100, f"test:{self.tag}:guard-b"),
            ]
        )
        self.assertEqual(sorted(outcome[0] for outcome in outcomes), ["ok", "refused"], outcomes)
        self.assertGreaterEqual(
            max(attempts), 2, "the loser was retried after the serialization failure"
        )
        self.assertEqual(self._state(), (0, 0, 0, 2))

    def test_concurrent_earnings_and_spendings_lose_nothing(self):
        jobs = [partial(self._earn, "store_a", 10, f"test:{self.tag}:earn-{i}") for i in range(4)]
        jobs += [
            partial(self._spend, "store_b", 30, f"test:{self.tag}:spend-{i}") for i in range(4)
        ]
        outcomes, _attempts = self._run_concurrently(jobs)
        earned = sum(10 for outcome in outcomes[:4] if outcome[0] == "ok")
        spent = sum(30 for outcome in outcomes[4:] if outcome[0] == "ok")
        self.assertEqual(earned, 40, outcomes)
        balance, ledger, lots, _moves = self._state()
        self.assertEqual(balance, 100 + earned - spent)
        self.assertEqual((ledger, lots), (balance, balance))
        self.assertGreaterEqual(balance, 0)
