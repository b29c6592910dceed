"""The lock targets of the members' turns on their balances (empty views, one per stripe of
members, in a schema of their own) and the turn's settings. The turn itself is
``res.partner._chain_wait_balance_turn`` (models/res_partner.py)."""

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
                SQL.identifier(TURN_SCHEMA, stripe_view(stripe)),
            )
        )


def drop_turn_views(cr):
    cr.execute(SQL("DROP SCHEMA IF EXISTS %s CASCADE", SQL.identifier(TURN_SCHEMA)))


def stripe_view(stripe):
    return f"stripe_{stripe:03d}"
