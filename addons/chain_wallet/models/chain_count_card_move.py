from odoo import api, fields, models

MOVE_KINDS = [
    ("sale", "Sale"),
    ("renewal", "Renewal"),
    ("use", "Use"),
    ("return", "Use given back"),
    ("refund", "Refund of unused uses"),
    ("expiry", "Expiry"),
]
INSERT_FIELDS = (
    "date",
    "package_id",
    "partner_id",
    "company_id",
    "currency_id",
    "store_id",
    "user_id",
    "kind",
    "uses",
    "amount",
    "uses_after",
    "value_after",
    "service_id",
    "pos_order_id",
    "pos_order_line_id",
    "pos_session_id",
    "origin_id",
    "move_id",
    "idempotency_key",
    "reason",
)


class ChainCountCardMove(models.Model):
    """One line of the append-only count-card ledger: uses and deferred value added (sale,
    renewal, use given back) or taken (use, refund, expiry). Written only by the count-card
    service (``chain.count.card.package`` / ``res.partner.chain_count_card_sell``), never
    changed or deleted (ORM guard and database trigger); ``idempotency_key`` is unique."""

    _name = "chain.count.card.move"
    _inherit = ["chain.ledger.mixin"]
    _description = "Count-Card Ledger Line"
    _order = "id desc"
    _rec_name = "idempotency_key"

    date = fields.Datetime(required=True, readonly=True, index=True, default=fields.Datetime.now)
    package_id = fields.Many2one(
        "chain.count.card.package",
        string="Count Card",
        required=True,
        readonly=True,
        ondelete="restrict",
        index=True,
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Member",
        required=True,
        readonly=True,
        ondelete="restrict",
        index=True,
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    currency_id = fields.Many2one("res.currency", required=True, readonly=True)
    store_id = fields.Many2one(
        "chain.store", required=True, readonly=True, ondelete="restrict", index=True
    )
    user_id = fields.Many2one("res.users", string="Operator", required=True, readonly=True)
    kind = fields.Selection(MOVE_KINDS, required=True, readonly=True, index=True)
    uses = fields.Integer(readonly=True, help="Uses added (positive) or taken (negative).")
    amount = fields.Monetary(
        string="Value",
        readonly=True,
        help="Deferred revenue added (positive) or recognised/refunded (negative).",
    )
    uses_after = fields.Integer(string="Uses Left", readonly=True)
    value_after = fields.Monetary(string="Value Left", readonly=True)
    service_id = fields.Many2one("product.product", readonly=True)
    pos_order_id = fields.Many2one(
        "pos.order", string="POS Order", readonly=True, index="btree_not_null"
    )
    pos_order_line_id = fields.Many2one("pos.order.line", string="POS Order Line", readonly=True)
    pos_session_id = fields.Many2one(
        "pos.session", string="POS Session", readonly=True, index="btree_not_null"
    )
    origin_id = fields.Many2one("chain.count.card.move", readonly=True)
    move_id = fields.Many2one("account.move", string="Journal Entry", readonly=True)
    reason = fields.Text(readonly=True)

    def _chain_same_operation(self, package, kind):
        """A count-card key names one operation on one card."""
        self.ensure_one()
        return self.package_id == package and self.kind == kind

    def init(self):
        result = super().init()
        self.env.cr.execute(
            """
            CREATE INDEX IF NOT EXISTS chain_count_card_move_store_date_idx
                ON chain_count_card_move (store_id, date);
            """
        )
        return result

    @api.model
    def _post(
        self,
        package,
        kind,
        store,
        key,
        mode,
        uses=0,
        value=0.0,
        values=None,
        move_factory=None,
        expiry=None,
        final_state=None,
        bought=False,
    ):
        """Move ``package``'s uses/value and append the line, in this transaction; idempotent
        on ``key``. Raise UserError when the card does not allow it."""
        package.partner_id._chain_wait_balance_turn()
        existing = self._find_by_key(key)
        if existing:
            existing._check_same_operation(package, kind)
            return existing
        package = package.sudo()
        row = package._move(
            mode, uses=uses, value=value, expiry=expiry, final_state=final_state, bought=bought
        )
        if row is None:
            package._raise_refused(mode, uses)
        currency = package.currency_id
        uses_delta, value_delta, uses_after, value_after, _state = row
        value_delta, value_after = currency.round(value_delta), currency.round(value_after)
        if move_factory:
            values = dict(values or {}, move_id=move_factory(uses_delta, value_delta).id)
        vals = {
            "date": fields.Datetime.now(),
            "package_id": package.id,
            "partner_id": package.partner_id.id,
            "company_id": package.company_id.id,
            "currency_id": currency.id,
            "store_id": store.id,
            "user_id": self.env.uid,
            "kind": kind,
            "uses": uses_delta,
            "amount": value_delta,
            "uses_after": uses_after,
            "value_after": value_after,
            "idempotency_key": key,
            **(values or {}),
        }
        names = [name for name in INSERT_FIELDS if name in vals]
        columns = [*names, "create_uid", "create_date", "write_uid", "write_date"]
        now = fields.Datetime.now()
        params = [self._fields[name].convert_to_column(vals[name], self) for name in names]
        params += [self.env.uid, now, self.env.uid, now]
        self.env.cr.execute(
            f"INSERT INTO chain_count_card_move ({', '.join(columns)}) "  # noqa: S608
            f"VALUES ({', '.join(['%s'] * len(columns))}) RETURNING id",
            params,
        )
        line = self.browse(self.env.cr.fetchone()[0])
        # inserted in SQL: forget what the cache knew about its neighbours
        package.invalidate_recordset(["move_ids"])
        if vals.get("pos_order_id"):
            self.env["pos.order"].browse(vals["pos_order_id"]).invalidate_recordset(
                ["chain_count_card_move_ids"]
            )
        package.partner_id.invalidate_recordset(["count_card_active_count"])
        return line

    @api.model
    def _check_ledger_consistency(self):
        """Packages whose cached uses/value differ from their ledger (empty: all agree)."""
        self.env.flush_all()
        self.env.cr.execute(
            """
            SELECT p.id, p.uses_remaining, p.value_remaining,
                   coalesce(l.uses, 0), coalesce(l.value, 0)
              FROM chain_count_card_package p
              LEFT JOIN (SELECT package_id, sum(uses) AS uses, sum(amount) AS value
                           FROM chain_count_card_move GROUP BY package_id) l ON l.package_id = p.id
             WHERE p.uses_remaining <> coalesce(l.uses, 0)
                OR p.value_remaining <> coalesce(l.value, 0)
            """
        )
        return self.env.cr.fetchall()
