from odoo import _, api, fields, models
from odoo.exceptions import UserError


class ChainPointsAccount(models.Model):
    """The balance guard of one member's points (chain-wide: one row per member).

    The balance is derived: it is the sum of the member's ledger moves (``chain.points.move``),
    which also equals the sum of the remaining points of the member's lots. This row caches that
    sum so that a movement can check and change it with ONE conditional SQL statement
    (:meth:`_apply`), in the transaction that appends the ledger move. Under Odoo's REPEATABLE
    READ isolation, a concurrent movement of the same member makes that statement fail with a
    serialization error, and Odoo retries the whole request with a fresh snapshot; so the lots
    a movement reads are never stale. The ``CHECK`` constraint makes a negative balance
    impossible even for raw SQL. ``_check_ledger_consistency`` of the move model proves the
    cache equals the ledger.
    """

    _name = "chain.points.account"
    _description = "Points Account"
    _order = "id desc"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner", string="Member", required=True, readonly=True, ondelete="restrict"
    )
    balance = fields.Integer(readonly=True)
    # The change made by the last guarded statement (a clawback takes what it can).
    last_delta = fields.Integer(readonly=True)

    _sql_constraints = [
        ("partner_unique", "unique(partner_id)", "A member has one points account."),
        ("balance_not_negative", "CHECK(balance >= 0)", "A points balance cannot be negative."),
    ]

    def write(self, vals):
        if {"balance", "partner_id", "last_delta"} & set(vals):
            raise UserError(_("A points balance changes only through its ledger."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(_("A points account cannot be deleted."))

    # ------------------------------------------------------------------------------------------
    # The guard: one statement per movement
    # ------------------------------------------------------------------------------------------
    @api.model
    def _credit(self, partner, points):
        """Add ``points`` (>= 0) to the member's balance, creating the account when missing.
        Returns ``(account id, balance after)``."""
        self.env.cr.execute(
            """
            INSERT INTO chain_points_account (partner_id, balance, last_delta,
                create_uid, create_date, write_uid, write_date)
            VALUES (%(partner)s, %(points)s, %(points)s, %(uid)s, now() at time zone 'UTC',
                    %(uid)s, now() at time zone 'UTC')
            ON CONFLICT (partner_id) DO UPDATE
               SET balance = chain_points_account.balance + EXCLUDED.balance,
                   last_delta = EXCLUDED.balance,
                   write_uid = EXCLUDED.write_uid, write_date = EXCLUDED.write_date
            RETURNING id, balance
            """,
            {"partner": partner.id, "points": points, "uid": self.env.uid},
        )
        return self.env.cr.fetchone()

    @api.model
    def _debit(self, partner, points):
        """Take exactly ``points`` (> 0) when the balance allows it. Returns ``(account id,
        balance after)``, or None when the balance is short."""
        self.env.cr.execute(
            """
            UPDATE chain_points_account
               SET balance = balance - %(points)s, last_delta = -%(points)s,
                   write_uid = %(uid)s, write_date = now() at time zone 'UTC'
             WHERE partner_id = %(partner)s AND balance >= %(points)s
            RETURNING id, balance
            """,
            {"partner": partner.id, "points": points, "uid": self.env.uid},
        )
        return self.env.cr.fetchone()

    @api.model
    def _debit_up_to(self, partner, points):
        """Take up to ``points`` (> 0): as much as the balance holds. Returns ``(account id,
        points taken, balance after)``; (False, 0, 0) when the member has no account."""
        # The SET expressions read the row as it was before the statement.
        self.env.cr.execute(
            """
            UPDATE chain_points_account
               SET last_delta = -LEAST(balance, %(points)s),
                   balance = balance - LEAST(balance, %(points)s),
                   write_uid = %(uid)s, write_date = now() at time zone 'UTC'
             WHERE partner_id = %(partner)s
            RETURNING id, -last_delta, balance
            """,
            {"partner": partner.id, "points": points, "uid": self.env.uid},
        )
        return self.env.cr.fetchone() or (False, 0, 0)

    @api.model
    def _balance_of(self, partner_ids):
        """{partner id: balance} read in one query."""
        ids = [pid for pid in partner_ids if isinstance(pid, int)]
        if not ids:
            return {}
        self.env.cr.execute(
            "SELECT partner_id, balance FROM chain_points_account WHERE partner_id IN %s",
            (tuple(ids),),
        )
        return dict(self.env.cr.fetchall())
