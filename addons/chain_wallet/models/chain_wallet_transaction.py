import logging

from odoo import _, api, fields, models, tools
from odoo.exceptions import UserError
from odoo.tools import SQL, float_repr, float_round

_logger = logging.getLogger(__name__)

WALLET_KINDS = [
    ("topup", "Top-up"),
    ("bonus", "Bonus"),
    ("payment", "Payment"),
    ("refund", "Refund of a payment"),
    ("withdrawal", "Withdrawal"),
    ("adjustment", "Adjustment"),
    ("transfer", "Card transfer"),
    ("expiry", "Expiry"),
]

# Columns written by _insert (the hot path of a payment inserts with one SQL statement).
INSERT_FIELDS = (
    "date",
    "partner_id",
    "account_id",
    "currency_id",
    "company_id",
    "store_id",
    "user_id",
    "kind",
    "principal",
    "bonus",
    "amount",
    "principal_after",
    "bonus_after",
    "balance_after",
    "bonus_points",
    "topup_rule_id",
    "pos_order_id",
    "pos_payment_id",
    "pos_session_id",
    "origin_id",
    "move_id",
    "idempotency_key",
    "reason",
)


def _decimal_places(rounding):
    """Decimal places of a currency rounding (0.01 -> 2)."""
    return max(0, len(f"{rounding:.10f}".rstrip("0").split(".")[1]))


# A payment at the till in ONE statement: lock the member's account row, check that the key is
# new and that the balance covers the amount, take the amount (principal/bonus in the spending
# order), append the ledger line, and return it with what the member event needs. ``{take_p}``
# and ``{take_b}`` are the spending-order expressions (chain.wallet.account._spend_expressions),
# ``{wait}`` is ``NOWAIT`` (under REPEATABLE READ a till that would wait for the row is doomed
# to a serialization failure anyway: it fails at once and its request is retried).
SPEND_QUERY = """
    WITH debit AS (
        UPDATE chain_wallet_account
           SET last_principal = -({take_p}), last_bonus = -({take_b}),
               principal = principal - ({take_p}), bonus = bonus - ({take_b}),
               write_uid = %(uid)s, write_date = %(now)s
         WHERE id = (SELECT id FROM chain_wallet_account
                      WHERE partner_id = %(partner)s AND currency_id = %(currency)s
                      FOR UPDATE {wait})
           AND principal + bonus >= %(a)s::numeric
           AND NOT EXISTS (SELECT 1 FROM chain_wallet_transaction WHERE idempotency_key = %(key)s)
        RETURNING id, last_principal, last_bonus, principal, bonus
    ), line AS (
        INSERT INTO chain_wallet_transaction (
            date, partner_id, account_id, currency_id, company_id, store_id, user_id, kind,
            principal, bonus, amount, principal_after, bonus_after, balance_after, bonus_points,
            pos_order_id, pos_payment_id, pos_session_id, idempotency_key,
            create_uid, create_date, write_uid, write_date)
        SELECT %(now)s, %(partner)s, d.id, %(currency)s, %(company)s, %(store)s, %(uid)s, %(kind)s,
               d.last_principal, d.last_bonus, d.last_principal + d.last_bonus,
               d.principal, d.bonus, d.principal + d.bonus, 0,
               %(order)s, %(payment)s, (SELECT session_id FROM pos_order WHERE id = %(order)s),
               %(key)s, %(uid)s, %(now)s, %(uid)s, %(now)s
          FROM debit d
        RETURNING id, account_id, principal, bonus, amount,
                  principal_after, bonus_after, balance_after
    )
    SELECT * FROM line
"""


class ChainWalletTransaction(models.Model):
    """One line of the append-only stored-value ledger.

    A member's balance is the sum of their lines' ``amount`` (principal + bonus). Lines are
    written only by the service methods of ``res.partner`` (``chain_wallet_*``, see
    README.md) and never changed or deleted: the ORM refuses it and a database trigger
    refuses it for raw SQL too. ``amount`` is positive for money credited to the member and
    negative for money taken. ``idempotency_key`` is unique: posting the same operation twice
    (a re-sent POS order, a double click) returns the first line and changes nothing.
    """

    _name = "chain.wallet.transaction"
    _inherit = ["chain.ledger.mixin"]
    _description = "Stored-Value Transaction"
    _order = "id desc"
    _rec_name = "idempotency_key"

    date = fields.Datetime(required=True, readonly=True, index=True, default=fields.Datetime.now)
    partner_id = fields.Many2one(
        "res.partner", string="Member", required=True, readonly=True, ondelete="restrict"
    )
    account_id = fields.Many2one(
        "chain.wallet.account", required=True, readonly=True, ondelete="restrict", index=True
    )
    currency_id = fields.Many2one("res.currency", required=True, readonly=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        readonly=True,
        index=True,
        help="The company of the store where the line happened: its books carry the liability.",
    )
    store_id = fields.Many2one(
        "chain.store", required=True, readonly=True, ondelete="restrict", index=True
    )
    user_id = fields.Many2one("res.users", string="Operator", required=True, readonly=True)
    kind = fields.Selection(WALLET_KINDS, required=True, readonly=True, index=True)
    principal = fields.Monetary(readonly=True, help="Change of the principal (money paid in).")
    bonus = fields.Monetary(readonly=True, help="Change of the bonus.")
    amount = fields.Monetary(readonly=True, help="Principal + bonus: positive credits the member.")
    principal_after = fields.Monetary(readonly=True)
    bonus_after = fields.Monetary(readonly=True)
    balance_after = fields.Monetary(readonly=True)
    bonus_points = fields.Float(readonly=True, help="Loyalty points granted with a top-up.")
    topup_rule_id = fields.Many2one("chain.topup.rule", readonly=True, ondelete="restrict")
    pos_order_id = fields.Many2one(
        "pos.order", string="POS Order", readonly=True, index="btree_not_null"
    )
    pos_payment_id = fields.Many2one("pos.payment", string="POS Payment", readonly=True)
    pos_session_id = fields.Many2one(
        "pos.session", string="POS Session", readonly=True, index="btree_not_null"
    )
    origin_id = fields.Many2one(
        "chain.wallet.transaction",
        readonly=True,
        index="btree_not_null",
        help="The payment a refund gives back, or the other side of a card transfer.",
    )
    move_id = fields.Many2one(
        "account.move",
        string="Journal Entry",
        readonly=True,
        help="The entry of a backend operation. POS lines are booked by their session's closing "
        "entry (see Posted Entry).",
    )
    posted_move_id = fields.Many2one(
        "account.move", string="Posted Entry", compute="_compute_posted_move_id"
    )
    reason = fields.Text(readonly=True)

    _sql_constraints = [
        (
            "amount_parts",
            "CHECK(amount = principal + bonus)",
            "The amount is principal plus bonus.",
        ),
    ]

    def init(self):
        result = super().init()
        self.env.cr.execute(
            """
            CREATE INDEX IF NOT EXISTS chain_wallet_transaction_partner_id_idx
                ON chain_wallet_transaction (partner_id, id);
            CREATE INDEX IF NOT EXISTS chain_wallet_transaction_store_date_idx
                ON chain_wallet_transaction (store_id, date);
            """
        )
        return result

    @api.depends("move_id", "pos_session_id.move_id")
    def _compute_posted_move_id(self):
        for line in self:
            line.posted_move_id = line.move_id or line.pos_session_id.sudo().move_id

    @api.depends("kind", "amount")
    def _compute_display_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for line in self:
            line.display_name = f"{kinds.get(line.kind, '')} #{line.id}"

    # ------------------------------------------------------------------------------------------
    # Posting (called by the res.partner service methods only)
    # ------------------------------------------------------------------------------------------
    @api.model
    def _post(
        self,
        partner,
        kind,
        store,
        key,
        mode,
        amount=0.0,
        principal=0.0,
        bonus=0.0,
        values=None,
        move_factory=None,
        key_checked=False,
    ):
        """Move ``partner``'s balance and append the ledger line that explains it, both in the
        current transaction. Idempotent: a second call with the same ``key`` returns the first
        line. Raise UserError when the balance does not allow the movement.

        :param mode: see ``chain.wallet.account._move``
        :param values: other columns of the line (pos_order_id, move_id, reason, ...)
        :param move_factory: called with the principal and bonus deltas once the balance moved;
            returns the journal entry of the line
        :param key_checked: the caller already made sure ``key`` is new in this transaction
        """
        partner._chain_wait_balance_turn()
        existing = self.browse() if key_checked else self._find_by_key(key)
        if existing:
            existing._check_same_operation(partner, kind)
            return existing
        # store -> company, currency, rounding: cached, so that the guarded UPDATE comes right
        # after the key check (a short window between the snapshot and the lock)
        company_id, currency_id, rounding, _name = self.env["res.partner"]._chain_wallet_store_info(
            store.id
        )
        Account = self.env["chain.wallet.account"].sudo()
        if mode == "credit":
            Account._get_or_create(partner, self.env["res.currency"].browse(currency_id))
        digits = _decimal_places(rounding)
        exact = [
            float_repr(float_round(x, precision_rounding=rounding), digits)
            for x in (amount, principal, bonus)
        ]
        row = Account._move(partner.id, currency_id, mode, *exact, spend_order=self._spend_order())
        if row is None:
            account = Account._find(partner, self.env["res.currency"].browse(currency_id))
            self._raise_insufficient(partner, account, mode, amount, principal, bonus)
        account_id, *amounts = row
        principal_delta, bonus_delta, principal_after, bonus_after = (
            float_round(value, precision_rounding=rounding) for value in amounts
        )
        if move_factory:
            values = dict(values or {}, move_id=move_factory(principal_delta, bonus_delta).id)
        vals = {
            "date": fields.Datetime.now(),
            "partner_id": partner.id,
            "account_id": account_id,
            "currency_id": currency_id,
            "company_id": company_id,
            "store_id": store.id,
            "user_id": self.env.uid,
            "kind": kind,
            "principal": principal_delta,
            "bonus": bonus_delta,
            "amount": float_round(principal_delta + bonus_delta, precision_rounding=rounding),
            "principal_after": principal_after,
            "bonus_after": bonus_after,
            "balance_after": float_round(
                principal_after + bonus_after, precision_rounding=rounding
            ),
            "bonus_points": 0.0,
            "idempotency_key": key,
            **(values or {}),
        }
        line = self._insert(vals, digits)
        # The line was inserted in SQL: give the cache what we know of it (the event hook reads
        # it) and forget what the cache knew about its neighbours.
        for name in (
            "kind",
            "principal",
            "bonus",
            "amount",
            "balance_after",
            "bonus_points",
            "idempotency_key",
        ):
            self.env.cache.update(line, self._fields[name], [vals[name]])
        partner.invalidate_recordset(
            ["wallet_balance", "wallet_principal", "wallet_bonus", "wallet_transaction_count"]
        )
        self.env["chain.wallet.account"].browse(account_id).invalidate_recordset(
            ["transaction_ids"]
        )
        if vals.get("pos_order_id"):
            self.env["pos.order"].browse(vals["pos_order_id"]).invalidate_recordset(
                ["chain_wallet_transaction_ids"]
            )
        return line

    @api.model
    def _post_spend(self, partner, kind, store, key, amount, pos_order=None, pos_payment=None):
        """The hot path of a payment at the till: SPEND_QUERY, one statement, then the caller's
        commit. Idempotent on ``key``; raise UserError when the balance is short. Returns
        ``(line, created)``, created being False when the line already existed."""
        company_id, currency_id, rounding, digits, query = self._spend_setup(store.id)
        if pos_order:
            pos_order.flush_recordset(["session_id"])
        params = {
            "uid": self.env.uid,
            "now": fields.Datetime.now(),
            "partner": partner.id,
            "currency": currency_id,
            "company": company_id,
            "store": store.id,
            "kind": kind,
            "key": key,
            "a": float_repr(float_round(amount, precision_rounding=rounding), digits),
            "order": pos_order.id if pos_order else None,
            "payment": pos_payment.id if pos_payment else None,
        }
        # The member's turn, with the debit as its first statement (one round trip, and as late
        # as possible: the turn is held until commit). A lock or serialization failure is
        # expected here under contention: no "bad query" log.
        partner._chain_wait_balance_turn(then=SQL(query, **params))
        row = self.env.cr.fetchone()
        if not row:
            existing = self._find_by_key(key)
            if existing:
                existing._check_same_operation(partner, kind)
                return existing, False
            account = (
                self.env["chain.wallet.account"]
                .sudo()
                ._find(partner, self.env["res.currency"].browse(currency_id))
            )
            self._raise_insufficient(partner, account, "spend", amount, 0.0, 0.0)
        (
            line_id,
            account_id,
            principal,
            bonus,
            total,
            principal_after,
            bonus_after,
            balance_after,
        ) = row
        line = self.browse(line_id)
        cached = {
            "kind": kind,
            "principal": principal,
            "bonus": bonus,
            "amount": total,
            "balance_after": balance_after,
            "principal_after": principal_after,
            "bonus_after": bonus_after,
            "bonus_points": 0.0,
            "idempotency_key": key,
        }
        for name, value in cached.items():
            self.env.cache.update(line, self._fields[name], [value])
        partner.invalidate_recordset(
            ["wallet_balance", "wallet_principal", "wallet_bonus", "wallet_transaction_count"]
        )
        account = self.env["chain.wallet.account"].browse(account_id)
        account.invalidate_recordset(
            ["principal", "bonus", "last_principal", "last_bonus", "transaction_ids"]
        )
        if pos_order:
            pos_order.invalidate_recordset(["chain_wallet_transaction_ids"])
        return line, True

    @api.model
    def _insert(self, vals, digits=2):
        """Insert one ledger line with one SQL statement (no ORM create: lines are immutable and
        this is the hot path of every payment). Amounts go in as exact decimal strings."""
        names = [name for name in INSERT_FIELDS if name in vals]
        columns = [*names, "create_uid", "create_date", "write_uid", "write_date"]
        values = [
            float_repr(vals[name], digits)
            if self._fields[name].type == "monetary"
            else self._fields[name].convert_to_column(vals[name], self)
            for name in names
        ]
        now = fields.Datetime.now()
        values += [self.env.uid, now, self.env.uid, now]
        placeholders = ["%s"] * len(columns)
        if vals.get("pos_order_id") and "pos_session_id" not in vals:
            # the order's session, read by the INSERT itself (no extra round trip)
            self.env["pos.order"].flush_model(["session_id"])
            columns.append("pos_session_id")
            placeholders.append("(SELECT session_id FROM pos_order WHERE id = %s)")
            values.append(vals["pos_order_id"])
        placeholders = ", ".join(placeholders)
        self.env.cr.execute(
            f"INSERT INTO chain_wallet_transaction ({', '.join(columns)}) "  # noqa: S608
            f"VALUES ({placeholders}) RETURNING id",
            values,
        )
        return self.browse(self.env.cr.fetchone()[0])

    @api.model
    @tools.ormcache("store_id")
    def _spend_setup(self, store_id):
        """What a payment in ``store_id`` needs besides its own figures, cached so that the hot
        path reads nothing: the store's company and currency, the currency's rounding and
        decimal places, and the payment statement in the chain's spending order. The registry
        cache it lives in is cleared when a store changes company and when a setting changes."""
        company_id, currency_id, rounding, _name = self.env["res.partner"]._chain_wallet_store_info(
            store_id
        )
        take_p, take_b = self.env["chain.wallet.account"]._spend_expressions(self._spend_order())
        query = SPEND_QUERY.format(take_p=take_p, take_b=take_b, wait="NOWAIT")
        return company_id, currency_id, rounding, _decimal_places(rounding), query

    @api.model
    def _spend_order(self):
        return (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("chain_member.wallet_spend_order", "principal_first")
        )

    @api.model
    def _raise_insufficient(self, partner, account, mode, amount, principal, bonus):
        currency = self.env.company.currency_id
        if mode == "withdraw":
            raise UserError(
                _(
                    "%(member)s has %(available)s of principal; %(amount)s cannot be withdrawn.",
                    member=partner.display_name,
                    available=currency.format(account.principal if account else 0.0),
                    amount=currency.format(principal),
                )
            )
        needed = amount if mode == "spend" else principal + bonus
        raise UserError(
            _(
                "Insufficient stored value: %(member)s has %(available)s, %(amount)s is needed.",
                member=partner.display_name,
                available=currency.format(account.balance if account else 0.0),
                amount=currency.format(needed),
            )
        )

    # ------------------------------------------------------------------------------------------
    # Consistency
    # ------------------------------------------------------------------------------------------
    @api.model
    def _check_ledger_consistency(self):
        """Return the accounts whose cached principal/bonus differ from the sum of their ledger
        lines, as a list of (account id, cached principal, cached bonus, ledger principal, ledger
        bonus). Empty means the guard and the ledger agree."""
        self.env.flush_all()
        self.env.cr.execute(
            """
            SELECT a.id, a.principal, a.bonus, coalesce(l.principal, 0), coalesce(l.bonus, 0)
              FROM chain_wallet_account a
              LEFT JOIN (SELECT account_id, sum(principal) AS principal, sum(bonus) AS bonus
                           FROM chain_wallet_transaction GROUP BY account_id) l
                     ON l.account_id = a.id
             WHERE a.principal <> coalesce(l.principal, 0) OR a.bonus <> coalesce(l.bonus, 0)
            """
        )
        return self.env.cr.fetchall()

    @api.model
    def _cron_check_ledger_consistency(self):
        differences = self._check_ledger_consistency()
        if differences:
            _logger.error("Stored-value accounts differ from their ledger: %s", differences[:20])
        return not differences

    def action_open_document(self):
        self.ensure_one()
        target = self.pos_order_id or self.posted_move_id
        if not target:
            return False
        return {
            "type": "ir.actions.act_window",
            "res_model": target._name,
            "res_id": target.id,
            "views": [(False, "form")],
        }
