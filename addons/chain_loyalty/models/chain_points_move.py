import json
import logging

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .chain_points_lot import EARN_RULES

_logger = logging.getLogger(__name__)

MOVE_KINDS = [
    ("earn", "Earned"),
    ("return", "Given back (refund)"),
    ("spend", "Paid at the till"),
    ("exchange", "Exchanged for a reward"),
    ("expire", "Expired"),
    ("clawback", "Taken back (refund)"),
    ("adjust", "Adjusted"),
]
CREDIT_KINDS = ("earn", "return")
DEBIT_KINDS = ("spend", "exchange", "expire", "clawback")

# Columns written by _insert (the hot path of the order sync inserts with plain SQL).
MOVE_COLUMNS = (
    "date",
    "partner_id",
    "account_id",
    "store_id",
    "company_id",
    "user_id",
    "kind",
    "rule",
    "points",
    "unrecovered",
    "balance_after",
    "amount",
    "pos_order_id",
    "pos_payment_id",
    "origin_id",
    "reward_id",
    "adjustment_id",
    "idempotency_key",
    "reason",
    "details",
)


class ChainPointsMove(models.Model):
    """One movement of the append-only points ledger.

    A member's balance is the sum of their moves' ``points`` (positive: credited, negative:
    debited). Moves are written only by the points service of ``res.partner``
    (``chain_points_*``, see the README) and never changed or deleted: the ORM refuses it and a
    database trigger refuses it for raw SQL too. ``idempotency_key`` is unique: posting the same
    operation twice (a re-sent POS order, a double click) returns the first move.

    Credits open a lot (earn, positive adjustment) or give points back to the lots a payment
    took them from (return). Debits take points from lots, the lot expiring first first, and
    record which in ``allocation_ids``.
    """

    _name = "chain.points.move"
    _inherit = ["chain.ledger.mixin"]
    _description = "Points Move"
    _order = "id desc"
    _rec_name = "idempotency_key"

    date = fields.Datetime(required=True, readonly=True, index=True, default=fields.Datetime.now)
    partner_id = fields.Many2one(
        "res.partner", string="Member", required=True, readonly=True, ondelete="restrict"
    )
    account_id = fields.Many2one(
        "chain.points.account", required=True, readonly=True, ondelete="restrict"
    )
    store_id = fields.Many2one(
        "chain.store", required=True, readonly=True, ondelete="restrict", index=True
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    user_id = fields.Many2one("res.users", string="Operator", required=True, readonly=True)
    kind = fields.Selection(MOVE_KINDS, required=True, readonly=True, index=True)
    rule = fields.Selection(EARN_RULES, string="Earned Through", readonly=True)
    points = fields.Integer(
        readonly=True, help="Positive: credited to the member; negative: taken."
    )
    unrecovered = fields.Integer(
        readonly=True,
        help="Points a refund should have taken back but could not: the member had already "
        "spent them (the balance never goes negative).",
    )
    balance_after = fields.Integer(readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount = fields.Monetary(
        readonly=True, help="The money the points paid (till, rewards) or the refunded amount."
    )
    pos_order_id = fields.Many2one(
        "pos.order", string="POS Order", readonly=True, index="btree_not_null"
    )
    pos_payment_id = fields.Many2one("pos.payment", string="POS Payment", readonly=True)
    origin_id = fields.Many2one(
        "chain.points.move",
        readonly=True,
        index="btree_not_null",
        help="The move a clawback or a return reverses.",
    )
    reward_id = fields.Many2one("chain.points.reward", readonly=True)
    adjustment_id = fields.Many2one("chain.points.adjustment", readonly=True)
    lot_id = fields.Many2one("chain.points.lot", compute="_compute_lot_id", string="Lot Opened")
    allocation_ids = fields.One2many("chain.points.allocation", "move_id", readonly=True)
    reason = fields.Text(readonly=True)
    details = fields.Json(readonly=True)

    _sql_constraints = [
        ("unrecovered_positive", "CHECK(unrecovered >= 0)", "Unrecovered points are positive."),
    ]

    def init(self):
        result = super().init()
        self.env.cr.execute(
            """
            CREATE INDEX IF NOT EXISTS chain_points_move_partner_idx
                ON chain_points_move (partner_id, id);
            CREATE INDEX IF NOT EXISTS chain_points_move_store_date_idx
                ON chain_points_move (store_id, date);
            """
        )
        return result

    def _compute_lot_id(self):
        lots = self.env["chain.points.lot"].sudo().search([("move_id", "in", self.ids)])
        by_move = {lot.move_id.id: lot for lot in lots}
        for move in self:
            move.lot_id = by_move.get(move.id, False)

    @api.depends("kind", "points")
    def _compute_display_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for move in self:
            move.display_name = f"{kinds.get(move.kind, '')} {move.points:+d}"

    # ------------------------------------------------------------------------------------------
    # Posting (called by the res.partner service methods only)
    # ------------------------------------------------------------------------------------------
    @api.model
    def _replayed(self, key, partner, kind):
        """The move already posted under ``key`` (a replay), or an empty recordset."""
        existing = self._find_by_key(key)
        if existing:
            existing._check_same_operation(partner, kind)
        return existing

    @api.model
    def _post_credit(self, partner, store, kind, points, key, rule=False, values=None, expiry=None):
        """Credit ``points`` > 0 and open a lot for them (earn, positive adjustment). ``expiry``
        overrides the program's expiry date (False: never).

        The hot path of the order sync, so ONE statement: the idempotency check, the guarded
        upsert of the member's account, the move and its lot (each step feeds the next; when the
        key was already used nothing is written and the first move is returned)."""
        if points <= 0:
            raise UserError(_("Credit a positive number of points."))
        today = fields.Date.context_today(self)
        if expiry is None:
            expiry = self.env["chain.points.program"]._get_program()._expiry_date(today)
        values = dict(values or {}, rule=rule)
        vals = self._move_values(partner, store, kind, points, key, values)
        names = [name for name in MOVE_COLUMNS if name in vals]
        params = {f"m_{name}": vals[name] for name in names}
        params.update(
            key=key,
            partner=partner.id,
            points=points,
            uid=self.env.uid,
            now=vals["date"],
            date=today,
            expiry=expiry or None,
            rule=rule or "adjustment",
            store=store.id,
            company=store.company_id.id,
            order=vals.get("pos_order_id") or None,
        )
        columns = ", ".join(names)
        selected = ", ".join(f"%(m_{name})s::{self._fields[name].column_type[1]}" for name in names)
        partner._chain_wait_balance_turn()
        # Every fragment above comes from this model's own column names; values are parameters.
        self.env.cr.execute(
            f"""
            WITH existing AS (
                SELECT id FROM chain_points_move WHERE idempotency_key = %(key)s
            ), account AS (
                INSERT INTO chain_points_account (partner_id, balance, last_delta,
                    create_uid, create_date, write_uid, write_date)
                SELECT %(partner)s, %(points)s, %(points)s, %(uid)s, %(now)s, %(uid)s, %(now)s
                 WHERE NOT EXISTS (SELECT 1 FROM existing)
                ON CONFLICT (partner_id) DO UPDATE
                   SET balance = chain_points_account.balance + EXCLUDED.balance,
                       last_delta = EXCLUDED.balance,
                       write_uid = EXCLUDED.write_uid, write_date = EXCLUDED.write_date
                RETURNING id, balance
            ), move AS (
                INSERT INTO chain_points_move ({columns}, account_id, balance_after,
                    create_uid, create_date, write_uid, write_date)
                SELECT {selected}, account.id, account.balance,
                       %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM account
                RETURNING id
            ), lot AS (
                INSERT INTO chain_points_lot (partner_id, move_id, date, expiry_date, rule,
                    points, remaining, store_id, company_id, pos_order_id,
                    create_uid, create_date, write_uid, write_date)
                SELECT %(partner)s, move.id, %(date)s, %(expiry)s, %(rule)s, %(points)s,
                       %(points)s, %(store)s, %(company)s, %(order)s,
                       %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM move
            )
            SELECT (SELECT id FROM existing), (SELECT id FROM move), (SELECT balance FROM account)
            """,  # noqa: S608
            params,
        )
        existing_id, move_id, balance = self.env.cr.fetchone()
        if existing_id:
            existing = self.browse(existing_id)
            existing._check_same_operation(partner, kind)
            return existing
        move = self.browse(move_id)
        self._after_insert(move, partner, vals, points, balance)
        self.env["chain.points.lot"].invalidate_model()
        return move

    @api.model
    def _post_debit(
        self, partner, store, kind, points, key, values=None, partial=False, first_lots=()
    ):
        """Take ``points`` > 0, the lots ``first_lots`` first, then the lots that expire first.

        :param partial: take what the balance holds and record the rest as ``unrecovered``
            (refund clawbacks); otherwise refuse with a UserError when the balance is short.
        """
        partner._chain_wait_balance_turn()
        existing = self._replayed(key, partner, kind)
        if existing:
            return existing
        if points <= 0:
            raise UserError(_("Take a positive number of points."))
        Account = self.env["chain.points.account"]
        values = dict(values or {})
        if partial:
            account_id, taken, balance = Account._debit_up_to(partner, points)
            values["unrecovered"] = points - taken
            if not account_id:
                account_id = Account._credit(partner, 0)[0]
        else:
            row = Account._debit(partner, points)
            if row is None:
                self._raise_insufficient(partner, points)
            (account_id, balance), taken = row, points
        move = self._insert(partner, store, kind, -taken, balance, account_id, key, values)
        if taken:
            move._allocate_fifo(partner, taken, first_lots)
        return move

    @api.model
    def _post_return(self, partner, store, points, key, origins, values=None):
        """Give ``points`` > 0 back to the lots the debit moves ``origins`` took them from,
        the lots expiring last first. Refuse to give back more than ``origins`` took and
        earlier returns have not already given back."""
        partner._chain_wait_balance_turn()
        existing = self._replayed(key, partner, "return")
        if existing:
            return existing
        plan = origins._returnable_by_lot()
        available = sum(points_left for _lot, points_left in plan)
        if points > available:
            raise UserError(
                _(
                    "%(points)s points cannot be given back: the refunded order spent "
                    "%(available)s "
                    "points that have not been given back yet.",
                    points=points,
                    available=available,
                )
            )
        account_id, balance = self.env["chain.points.account"]._credit(partner, points)
        values = dict(values or {}, origin_id=origins[:1].id)
        move = self._insert(partner, store, "return", points, balance, account_id, key, values)
        allocations, left = [], points
        for lot_id, points_left in plan:
            if not left:
                break
            give = min(left, points_left)
            allocations.append((lot_id, -give))
            left -= give
        move._write_allocations(allocations)
        return move

    def _returnable_by_lot(self):
        """[(lot id, points)] these debit moves took and no return has given back yet, the lot
        expiring last first."""
        self.env.cr.execute(
            """
            SELECT a.lot_id, SUM(a.points)
              FROM chain_points_allocation a
              JOIN chain_points_move m ON m.id = a.move_id
              JOIN chain_points_lot l ON l.id = a.lot_id
             WHERE m.id IN %(ids)s OR (m.kind = 'return' AND m.origin_id IN %(ids)s)
             GROUP BY a.lot_id, l.expiry_date
            HAVING SUM(a.points) > 0
             ORDER BY l.expiry_date DESC NULLS FIRST, a.lot_id DESC
            """,
            {"ids": tuple(self.ids) or (0,)},
        )
        return self.env.cr.fetchall()

    def _allocate_fifo(self, partner, points, first_lots=()):
        """Take ``points`` from the member's open lots in one statement: the lots ``first_lots``
        first, then the lot expiring first (never-expiring lots last), then the oldest."""
        self.ensure_one()
        self.env.cr.execute(
            """
            WITH open AS (
                SELECT id, remaining,
                       SUM(remaining) OVER (
                           ORDER BY (id = ANY(%(first)s)) DESC, expiry_date NULLS LAST, id
                       ) AS upto
                  FROM chain_points_lot
                 WHERE partner_id = %(partner)s AND remaining > 0
            ), take AS (
                SELECT id, LEAST(remaining, %(points)s - (upto - remaining)) AS points
                  FROM open WHERE upto - remaining < %(points)s
            ), lots AS (
                UPDATE chain_points_lot l SET remaining = l.remaining - take.points
                  FROM take WHERE l.id = take.id
            )
            INSERT INTO chain_points_allocation (move_id, lot_id, points,
                create_uid, create_date, write_uid, write_date)
            SELECT %(move)s, id, points, %(uid)s, now() at time zone 'UTC',
                   %(uid)s, now() at time zone 'UTC' FROM take
            RETURNING points
            """,
            {
                "partner": partner.id,
                "points": points,
                "move": self.id,
                "first": list(first_lots),
                "uid": self.env.uid,
            },
        )
        taken = sum(row[0] for row in self.env.cr.fetchall())
        self.env["chain.points.lot"].invalidate_model(["remaining"])
        if taken != points:
            # The guard and the lots disagree: never book a debit the lots cannot explain.
            raise UserError(
                _(
                    "The points lots of %(member)s do not add up to the balance; the operation "
                    "was cancelled. Ask headquarters to check the points ledger.",
                    member=partner.display_name,
                )
            )

    def _write_allocations(self, allocations):
        """Append allocation lines [(lot id, points)] and move the lots' remaining points."""
        self.ensure_one()
        if not allocations:
            return
        self.env.cr.execute(
            """
            WITH given (lot_id, points) AS (
                SELECT * FROM unnest(%(lots)s::int[], %(points)s::int[])
            ),
            lots AS (
                UPDATE chain_points_lot l SET remaining = l.remaining - given.points
                  FROM given WHERE l.id = given.lot_id
            )
            INSERT INTO chain_points_allocation (move_id, lot_id, points,
                create_uid, create_date, write_uid, write_date)
            SELECT %(move)s, lot_id, points, %(uid)s, now() at time zone 'UTC',
                   %(uid)s, now() at time zone 'UTC' FROM given
            """,
            {
                "lots": [lot for lot, _points in allocations],
                "points": [points for _lot, points in allocations],
                "move": self.id,
                "uid": self.env.uid,
            },
        )
        self.env["chain.points.lot"].invalidate_model(["remaining"])

    @api.model
    def _move_values(self, partner, store, kind, points, key, values):
        vals = {
            "date": fields.Datetime.now(),
            "partner_id": partner.id,
            "store_id": store.id,
            "company_id": store.company_id.id,
            "user_id": self.env.uid,
            "kind": kind,
            "points": points,
            "idempotency_key": key,
            "unrecovered": 0,
            **values,
        }
        vals = {
            name: value for name, value in vals.items() if value is not None and value is not False
        }
        if "details" in vals:
            vals["details"] = json.dumps(vals["details"])
        return vals

    @api.model
    def _insert(self, partner, store, kind, points, balance, account_id, key, values):
        """Append one move with one SQL statement (moves are immutable)."""
        vals = self._move_values(
            partner,
            store,
            kind,
            points,
            key,
            dict(values, account_id=account_id, balance_after=balance),
        )
        names = [name for name in MOVE_COLUMNS if name in vals]
        columns = [*names, "create_uid", "create_date", "write_uid", "write_date"]
        params = [vals[name] for name in names]
        params += [self.env.uid, vals["date"], self.env.uid, vals["date"]]
        self.env.cr.execute(
            f"INSERT INTO chain_points_move ({', '.join(columns)}) "  # noqa: S608
            f"VALUES ({', '.join(['%s'] * len(columns))}) RETURNING id",
            params,
        )
        move = self.browse(self.env.cr.fetchone()[0])
        self._after_insert(move, partner, vals, points, balance)
        return move

    @api.model
    def _after_insert(self, move, partner, vals, points, balance):
        """Keep the caches true after an insert by SQL: what the move says is known, what it
        changed is invalidated."""
        cache = self.env.cache
        cache.update(move, self._fields["points"], [points])
        cache.update(move, self._fields["balance_after"], [balance])
        cache.update(move, self._fields["kind"], [vals["kind"]])
        partner.invalidate_recordset(
            ["points_balance", "points_value", "points_move_ids", "points_lot_ids"]
        )
        # the member's balance is now known: later reads in this transaction (the tier review of
        # the order, the receipt) need no query
        cache.update(partner, partner._fields["points_balance"], [balance])

    @api.model
    def _raise_insufficient(self, partner, points):
        balance = self.env["chain.points.account"]._balance_of([partner.id]).get(partner.id, 0)
        raise UserError(
            _(
                "Insufficient points: %(member)s has %(available)s points, %(points)s are needed.",
                member=partner.display_name,
                available=balance,
                points=points,
            )
        )

    # ------------------------------------------------------------------------------------------
    # Expiry (nightly)
    # ------------------------------------------------------------------------------------------
    @api.model
    def _expire_due(self, today, batch_size=1000):
        """Expire the remaining points of the lots whose expiry date is before ``today``, for up
        to ``batch_size`` members, set-based: one expire move per member and store of the lots,
        its allocations, the lots and the accounts, in one statement. Returns the number of
        members done."""
        self.env.cr.execute(
            """
            WITH members AS (
                SELECT DISTINCT partner_id FROM chain_points_lot
                 WHERE expiry_date < %(today)s AND remaining > 0
                 LIMIT %(batch)s
            ), due AS (
                SELECT l.id, l.partner_id, l.store_id, l.company_id, l.remaining
                  FROM chain_points_lot l JOIN members USING (partner_id)
                 WHERE l.expiry_date < %(today)s AND l.remaining > 0
            ), per_member AS (
                SELECT partner_id, store_id, company_id, SUM(remaining) AS points,
                       SUM(SUM(remaining)) OVER (PARTITION BY partner_id ORDER BY store_id)
                           AS running
                  FROM due GROUP BY partner_id, store_id, company_id
            ), accounts AS (
                UPDATE chain_points_account a
                   SET balance = a.balance - t.points, last_delta = -t.points,
                       write_uid = %(uid)s, write_date = now() at time zone 'UTC'
                  FROM (SELECT partner_id, SUM(points) AS points FROM per_member
                         GROUP BY partner_id) t
                 WHERE a.partner_id = t.partner_id
             RETURNING a.id, a.partner_id, a.balance + t.points AS before
            ), moves AS (
                INSERT INTO chain_points_move (date, partner_id, account_id, store_id, company_id,
                    user_id, kind, points, unrecovered, balance_after, idempotency_key,
                    create_uid, create_date, write_uid, write_date)
                SELECT now() at time zone 'UTC', p.partner_id, a.id, p.store_id, p.company_id,
                       %(uid)s, 'expire', -p.points, 0, a.before - p.running,
                       'expire:' || %(today)s || ':' || p.partner_id || ':' || p.store_id
                           || ':' || txid_current(),
                       %(uid)s, now() at time zone 'UTC', %(uid)s, now() at time zone 'UTC'
                  FROM per_member p JOIN accounts a ON a.partner_id = p.partner_id
                RETURNING id, partner_id, store_id
            ), allocations AS (
                INSERT INTO chain_points_allocation (move_id, lot_id, points,
                    create_uid, create_date, write_uid, write_date)
                SELECT m.id, d.id, d.remaining, %(uid)s, now() at time zone 'UTC',
                       %(uid)s, now() at time zone 'UTC'
                  FROM due d JOIN moves m
                    ON m.partner_id = d.partner_id AND m.store_id = d.store_id
            ), lots AS (
                UPDATE chain_points_lot l SET remaining = 0 FROM due WHERE l.id = due.id
            )
            SELECT COUNT(*) FROM members
            """,
            {"today": today, "batch": batch_size, "uid": self.env.uid},
        )
        return self.env.cr.fetchone()[0]

    # ------------------------------------------------------------------------------------------
    # Consistency
    # ------------------------------------------------------------------------------------------
    @api.model
    def _check_ledger_consistency(self):
        """Members whose cached balance differs from the sum of their moves or from the sum of
        their lots' remaining points, as [(partner id, balance, moves sum, lots sum)]; and lots
        whose remaining points differ from their points less their allocations. Both empty
        means the guard, the moves and the lots agree."""
        self.env.flush_all()
        self.env.cr.execute(
            """
            SELECT a.partner_id, a.balance, COALESCE(m.points, 0), COALESCE(l.remaining, 0)
              FROM chain_points_account a
              LEFT JOIN (SELECT account_id, SUM(points) AS points FROM chain_points_move
                          GROUP BY account_id) m ON m.account_id = a.id
              LEFT JOIN (SELECT partner_id, SUM(remaining) AS remaining FROM chain_points_lot
                          GROUP BY partner_id) l ON l.partner_id = a.partner_id
             WHERE a.balance <> COALESCE(m.points, 0) OR a.balance <> COALESCE(l.remaining, 0)
            """
        )
        accounts = self.env.cr.fetchall()
        self.env.cr.execute(
            """
            SELECT l.id, l.points, l.remaining, COALESCE(SUM(a.points), 0)
              FROM chain_points_lot l LEFT JOIN chain_points_allocation a ON a.lot_id = l.id
             GROUP BY l.id HAVING l.points - COALESCE(SUM(a.points), 0) <> l.remaining
            """
        )
        return accounts + self.env.cr.fetchall()

    @api.model
    def _cron_check_ledger_consistency(self):
        differences = self._check_ledger_consistency()
        if differences:
            _logger.error("Points accounts differ from their ledger: %s", differences[:20])
        return not differences
