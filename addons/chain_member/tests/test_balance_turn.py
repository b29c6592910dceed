"""The members' turns (``res.partner._chain_wait_balance_turn``), on real cursors: who takes a
turn, what it locks, when it is released, and how long a till waits for it."""

import threading
from unittest.mock import patch

from psycopg2 import errors

from odoo import SUPERUSER_ID, api
from odoo.api import Transaction
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from ..tools import balance_turn as turn


@tagged("post_install", "-at_install")
class TestBalanceTurn(TransactionCase):
    def setUp(self):
        super().setUp()
        self.member_id = self.env.ref("base.partner_admin").id

    def _member(self, cr):
        # the test runner holds the registry lock: give the cursor its transaction directly
        cr.transaction = cr.transaction or Transaction(self.registry)
        return api.Environment(cr, SUPERUSER_ID, {})["res.partner"].browse(self.member_id)

    @staticmethod
    def _in_a_server_thread(check):
        """Run ``check`` in its own thread, as a request of a running server is (the test thread
        itself never queues), and re-raise what it raised."""
        failure = []

        def run():
            try:
                check()
            except BaseException as error:  # noqa: BLE001 - handed back to the test thread
                failure.append(error)

        thread = threading.Thread(target=run)
        thread.start()
        thread.join(timeout=60)
        if failure:
            raise failure[0]

    @staticmethod
    def _held_stripes(cr):
        cr.execute(
            """SELECT c.relname FROM pg_locks l
                 JOIN pg_class c ON c.oid = l.relation
                 JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE l.pid = pg_backend_pid() AND l.granted AND n.nspname = %s""",
            [turn.TURN_SCHEMA],
        )
        return [row[0] for row in cr.fetchall()]

    def test_a_fresh_transaction_takes_the_members_turn_until_it_ends(self):
        def check():
            stripe = f"stripe_{self.member_id % turn.TURN_STRIPES:03d}"
            with self.registry.cursor() as cr:
                member = self._member(cr)
                cr.execute("SELECT 1")  # an open transaction with a snapshot, nothing written
                self.assertTrue(member._chain_wait_balance_turn())
                self.assertEqual(self._held_stripes(cr), [stripe])
                queries = cr.sql_log_count
                self.assertTrue(member._chain_wait_balance_turn())
                self.assertEqual(cr.sql_log_count, queries, "held: asking again costs no query")
                cr.commit()  # pylint: disable=invalid-commit
                self.assertEqual(self._held_stripes(cr), [], "released at commit")
                self.assertTrue(member._chain_wait_balance_turn(), "a new transaction queues again")
                cr.rollback()
                self.assertEqual(self._held_stripes(cr), [], "released at rollback")

        self._in_a_server_thread(check)

    def test_a_transaction_that_wrote_does_not_queue(self):
        def check():
            with self.registry.cursor() as cr:
                member = self._member(cr)
                cr.execute("CREATE TEMPORARY TABLE chain_turn_probe (id int) ON COMMIT DROP")
                cr.execute("INSERT INTO chain_turn_probe VALUES (1)")
                self.assertFalse(member._chain_wait_balance_turn())
                self.assertEqual(self._held_stripes(cr), [])
                cr.execute("SELECT count(*) FROM chain_turn_probe")
                self.assertEqual(cr.fetchone()[0], 1, "what the transaction wrote is still there")
                cr.rollback()

        self._in_a_server_thread(check)

    def test_the_tests_own_cursor_never_queues(self):
        # the test thread runs every test in one transaction, behind savepoints: never restarted
        self.assertFalse(self.env["res.partner"].browse(self.member_id)._chain_wait_balance_turn())

    def test_a_till_that_waits_too_long_gets_a_retryable_failure(self):
        def check():
            with self.registry.cursor() as holder, self.registry.cursor() as waiter:
                self.assertTrue(self._member(holder)._chain_wait_balance_turn())
                with (
                    patch.object(turn, "TURN_TIMEOUT", "200ms"),
                    mute_logger("odoo.sql_db"),
                    self.assertRaises(errors.LockNotAvailable),
                ):
                    self._member(waiter)._chain_wait_balance_turn()
                waiter.rollback()
                holder.rollback()
                self.assertTrue(
                    self._member(waiter)._chain_wait_balance_turn(), "free once the holder ended"
                )
                waiter.rollback()

        self._in_a_server_thread(check)
