from threading import current_thread

from psycopg2.extensions import TRANSACTION_STATUS_IDLE

from odoo import models
from odoo.sql_db import Cursor
from odoo.tools import SQL

# The members' turns are locks on the views of this schema: a member waits on the view of their
# stripe (partner id modulo TURN_STRIPES). Two members of one stripe share a turn: they are
# served one after the other, which costs a short wait, never a failure.
TURN_SCHEMA = "chain_member_turn"
TURN_STRIPES = 256
# How long a till waits for its turn before the request fails with LockNotAvailable (which
# Odoo retries like any other concurrency failure).
TURN_TIMEOUT = "15s"
# Per transaction (the cursor's post-commit data, cleared at commit and rollback): the stripes
# whose turn the transaction holds, or CANNOT_QUEUE once it has written without a turn.
BALANCE_TURNS = "chain_member.balance_turns"
CANNOT_QUEUE = "cannot queue"


def create_turn_views(cr):
    """The lock targets of the members' turns: empty views (no storage), created once."""
    cr.execute(
        "SELECT count(*) FROM pg_views WHERE schemaname = %s AND viewname LIKE 'stripe\\_%%'",
        [TURN_SCHEMA],
    )
    if cr.fetchone()[0] == TURN_STRIPES:
        return
    cr.execute(SQL("CREATE SCHEMA IF NOT EXISTS %s", SQL.identifier(TURN_SCHEMA)))
    for stripe in range(TURN_STRIPES):
        cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS SELECT 1 AS turn",
                SQL.identifier(TURN_SCHEMA, _stripe_view(stripe)),
            )
        )


def drop_turn_views(cr):
    cr.execute(SQL("DROP SCHEMA IF EXISTS %s CASCADE", SQL.identifier(TURN_SCHEMA)))


def _stripe_view(stripe):
    return f"stripe_{stripe:03d}"


class ResPartner(models.Model):
    _inherit = "res.partner"

    def init(self):
        result = super().init()
        create_turn_views(self.env.cr)
        return result

    def _chain_wait_balance_turn(self, then=None):
        """Queue the current transaction behind the other transactions that change these
        members' balances (stored value, count cards, points), on a fresh snapshot. Return
        whether the transaction holds their turn.

        Why: Odoo runs every transaction at REPEATABLE READ. A transaction whose snapshot was
        taken before another till committed a payment on the same balance fails on the
        guarded UPDATE, and Odoo retries the whole request after a random pause of up to 2 s
        (then 4 s, 8 s...). Waiting for the member's turn *before* the snapshot turns that
        into a wait in line of a few milliseconds: the guarded UPDATE then reads the latest
        balance and debits it or refuses at once. The guard does not depend on the turn: it
        stays correct for a transaction that did not take it.

        How: the transaction, which has written nothing, is rolled back (unless none is open
        yet); the new one starts with ``LOCK TABLE`` on the members' stripe views, the one
        lock PostgreSQL waits for without taking the snapshot; the next statement takes the
        snapshot, after the previous holder committed. The lock ends with the transaction.

        Only a transaction that has written nothing can be restarted; otherwise (a batch that
        already saved something, a test thread's shared transaction) this does nothing.
        Asking again for members whose turn the transaction holds costs nothing. Never call
        it inside ``cr.savepoint()``: the restart ends the whole transaction.

        :param then: an SQL statement to run as the first statement of the turn, in the same
            round trip as the lock: when the lock is granted, PostgreSQL runs it at once, with
            no round trip to the server process in between (the caller fetches its result). It
            runs in every case, turn or not.
        """
        stripes = self._chain_turn_stripes_to_lock()
        statements = []
        if stripes:
            views = SQL(", ").join(SQL.identifier(TURN_SCHEMA, _stripe_view(s)) for s in stripes)
            # the timeout covers the wait only
            statements.append(
                SQL(
                    "SET LOCAL lock_timeout = %s; LOCK TABLE %s IN EXCLUSIVE MODE; "
                    "SET LOCAL lock_timeout = DEFAULT",
                    TURN_TIMEOUT,
                    views,
                )
            )
        if then is not None:
            statements.append(then)
        if statements:
            self.env.cr.execute(SQL("; ").join(statements), log_exceptions=False)
        if stripes:
            self.env.cr.postcommit.data[BALANCE_TURNS] = frozenset(stripes)
        held = self.env.cr.postcommit.data.get(BALANCE_TURNS)
        return held not in (None, CANNOT_QUEUE) and self._chain_turn_stripes() <= held

    def _chain_turn_stripes(self):
        return {member % TURN_STRIPES for member in self.ids}

    def _chain_turn_stripes_to_lock(self):
        """The stripes this transaction must lock to hold these members' turn, sorted (the
        lock order), after restarting the transaction if it has to; empty when it holds them
        already or cannot queue."""
        cr = self.env.cr
        if not self or not isinstance(cr, Cursor) or getattr(current_thread(), "testing", False):
            return []  # a test thread shares one transaction (savepoints): never restart it
        held = cr.postcommit.data.get(BALANCE_TURNS)
        stripes = self._chain_turn_stripes()
        if held == CANNOT_QUEUE or (held and stripes <= held):
            return []
        if cr.connection.get_transaction_status() != TRANSACTION_STATUS_IDLE:
            # a transaction is open, and with it a snapshot: restart it if it wrote nothing
            if not self._chain_nothing_written():
                cr.postcommit.data[BALANCE_TURNS] = CANNOT_QUEUE
                return []
            cr.rollback()  # nothing was written: only the snapshot is dropped
        return sorted(stripes | (held or set()))

    def _chain_nothing_written(self):
        """Whether the current transaction has written nothing to the database (pending ORM
        writes are flushed first, so they count)."""
        self.env.flush_all()
        self.env.cr.execute("SELECT txid_current_if_assigned() IS NULL")
        return self.env.cr.fetchone()[0]
