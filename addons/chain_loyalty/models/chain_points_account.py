from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL


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

    @api.model
    def _find(self, partner, turn=False):
        """The points account of ``partner``, or an empty recordset.

        :param turn: look it up as the first statement of the member's turn
            (``res.partner._chain_wait_balance_turn``), in the same round trip as the lock:
            the points services take the turn anyway, and a lookup before it would open the
            snapshot the turn then has to drop
        """
        query = SQL("SELECT id FROM chain_points_account WHERE partner_id = %s", partner.id)
        if turn:
            partner._chain_wait_balance_turn(then=query)
        else:
            self.env.cr.execute(query)
        row = self.env.cr.fetchone()
        return self.browse(row[0] if row else ())

    # ------------------------------------------------------------------------------------------
    # The points service (reached as ``member._chain_points_account()._earn(...)``). Every
    # method checks the caller's right in the store first (``res.partner._chain_points_prepare``),
    # as the caller (the account's environment); the ledger moves the balance in one guarded
    # statement.
    # ------------------------------------------------------------------------------------------
    def _service_store(self, operation, store):
        """The member of this account and the store of an operation (sudo), after the checks
        every service makes first: the caller's right for ``operation`` in the store, and
        members only."""
        self.ensure_one()
        partner = self.partner_id
        return partner, partner._chain_points_prepare(operation, store)

    def _earn(
        self,
        points,
        store=None,
        rule="purchase",
        key=None,
        pos_order=None,
        reason=None,
        details=None,
        expiry=None,
    ):
        """Credit ``points`` earned through ``rule`` in a new lot, expiring by the program (or on
        ``expiry``; False: never). Returns the move; an empty recordset when there is nothing to
        earn."""
        partner, store = self._service_store("earn", store)
        if points <= 0:
            return self.env["chain.points.move"]
        Move = self.env["chain.points.move"].sudo()
        move = Move._post_credit(
            partner,
            store,
            "earn",
            int(points),
            key or partner._chain_points_new_key(rule),
            rule=rule,
            values={
                "pos_order_id": pos_order.id if pos_order else False,
                "reason": reason or False,
                "details": details or False,
            },
            expiry=expiry,
        )
        partner._chain_points_event("points_earned", move, store)
        return move

    def _spend(self, points, store=None, key=None, pos_order=None, pos_payment=None, amount=0.0):
        """Pay with ``points`` at the till (the lots expiring first first). Refuses with a
        UserError when the balance is short."""
        partner, store = self._service_store("spend", store)
        move = (
            self.env["chain.points.move"]
            .sudo()
            ._post_debit(
                partner,
                store,
                "spend",
                int(points),
                key or partner._chain_points_new_key("spend"),
                values={
                    "pos_order_id": pos_order.id if pos_order else False,
                    "pos_payment_id": pos_payment.id if pos_payment else False,
                    "amount": amount,
                },
            )
        )
        partner._chain_points_event("points_redeemed", move, store)
        return move

    def _exchange(self, reward, store=None, qty=1, key=None, pos_order=None):
        """Exchange points for ``reward`` of the rewards catalogue (``qty`` times). A coupon
        reward issues an Odoo coupon (loyalty.card) to the member; a gift product reward is
        handed over at the till (its zero-priced order line carries the reward). Returns the
        move (its ``details`` name the coupon codes)."""
        partner, store = self._service_store("exchange", store)
        reward = reward.sudo()
        reward._check_available(partner, store, qty)
        key = key or partner._chain_points_new_key("exchange")
        Move = self.env["chain.points.move"].sudo()
        existing = Move._replayed(key, partner, "exchange")
        if existing:
            return existing
        coupons = reward._issue_coupons(partner, qty)
        move = Move._post_debit(
            partner,
            store,
            "exchange",
            reward.points_cost * qty,
            key,
            values={
                "reward_id": reward.id,
                "pos_order_id": pos_order.id if pos_order else False,
                "amount": reward.value * qty,
                "details": {"qty": qty, "coupons": coupons.mapped("code")}
                if coupons
                else {"qty": qty},
            },
        )
        partner._chain_points_event("points_redeemed", move, store)
        return move

    def _clawback(self, points, store, key, origins, pos_order=None, amount=0.0):
        """A refund takes back ``points`` the refunded sale earned (the moves ``origins``): from
        the sale's own lots first, then from the lots expiring first; what the member already
        spent is recorded as ``unrecovered`` (the balance never goes negative)."""
        partner, store = self._service_store("refund", store)
        lots = self.env["chain.points.lot"].sudo().search([("move_id", "in", origins.ids)])
        return (
            self.env["chain.points.move"]
            .sudo()
            ._post_debit(
                partner,
                store,
                "clawback",
                int(points),
                key,
                values={
                    "origin_id": origins[:1].id,
                    "pos_order_id": pos_order.id if pos_order else False,
                    "amount": amount,
                },
                partial=True,
                first_lots=lots.ids,
            )
        )

    def _return(self, points, store, key, origins, pos_order=None, pos_payment=None, amount=0.0):
        """A refund gives back ``points`` the refunded sale paid with (the moves ``origins``),
        into the lots they came from."""
        partner, store = self._service_store("refund", store)
        return (
            self.env["chain.points.move"]
            .sudo()
            ._post_return(
                partner,
                store,
                int(points),
                key,
                origins,
                values={
                    "pos_order_id": pos_order.id if pos_order else False,
                    "pos_payment_id": pos_payment.id if pos_payment else False,
                    "amount": amount,
                },
            )
        )
