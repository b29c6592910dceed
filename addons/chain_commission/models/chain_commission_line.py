import logging

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models, modules
from odoo.exceptions import AccessError, UserError

from odoo.addons.chain_member.tools.amounts import check_amount

from .chain_commission_rule import EVENT_TYPES

_logger = logging.getLogger(__name__)

LINE_KINDS = [
    ("sale", "Sale"),
    ("clawback", "Clawback"),
    ("adjustment", "Adjustment"),
]
# Columns written by _insert (one multi-row INSERT per order)
INSERT_FIELDS = (
    "date",
    "period",
    "employee_id",
    "store_id",
    "company_id",
    "currency_id",
    "user_id",
    "kind",
    "event_type",
    "pos_order_id",
    "pos_order_line_id",
    "product_id",
    "plan_id",
    "rule_id",
    "share",
    "qty",
    "base",
    "amount",
    "origin_id",
    "idempotency_key",
    "reason",
)


def month_start(date):
    return fields.Date.to_date(date).replace(day=1)


class ChainCommissionLine(models.Model):
    """One line of the append-only commission ledger: what one employee earned (or gave back)
    on one till line, or an adjustment.

    Lines are inserted only by the server (``_post_pos_orders`` when a chain till's order is
    paid, ``_post_adjustment`` for the adjustment wizard), never changed or deleted (ORM guard
    and database trigger, ``chain.append.only.mixin``). Each is keyed on the till line, the
    employee and the kind (``idempotency_key``, unique): an order is credited once however
    often it is synced or paid. ``period`` (the month it is settled in) is the month of the
    order, or the first month after it whose settlement of the employee and store is not
    already approved: a settled period is never rewritten."""

    _name = "chain.commission.line"
    _inherit = ["chain.ledger.mixin"]
    _description = "Commission Line"
    _order = "date desc, id desc"
    _rec_name = "idempotency_key"

    date = fields.Datetime(required=True, readonly=True, index=True)
    period = fields.Date(required=True, readonly=True, index=True, help="First day of the month.")
    employee_id = fields.Many2one(
        "hr.employee", required=True, readonly=True, ondelete="restrict", index=True
    )
    store_id = fields.Many2one(
        "chain.store", required=True, readonly=True, ondelete="restrict", index=True
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    currency_id = fields.Many2one("res.currency", required=True, readonly=True)
    user_id = fields.Many2one("res.users", string="Recorded By", readonly=True)
    kind = fields.Selection(LINE_KINDS, required=True, readonly=True, index=True)
    event_type = fields.Selection(EVENT_TYPES, readonly=True)
    pos_order_id = fields.Many2one(
        "pos.order", string="POS Order", readonly=True, index="btree_not_null"
    )
    pos_order_line_id = fields.Many2one(
        "pos.order.line", string="POS Order Line", readonly=True, index="btree_not_null"
    )
    product_id = fields.Many2one("product.product", readonly=True)
    plan_id = fields.Many2one("chain.commission.plan", readonly=True, ondelete="restrict")
    rule_id = fields.Many2one("chain.commission.rule", readonly=True, ondelete="restrict")
    share = fields.Float(string="Share (%)", digits=(6, 2), readonly=True)
    qty = fields.Float(string="Quantity", digits="Product Unit of Measure", readonly=True)
    base = fields.Monetary(readonly=True, help="The employee's share of the line's base.")
    amount = fields.Monetary(string="Commission", readonly=True)
    origin_id = fields.Many2one(
        "chain.commission.line", string="Clawed Back From", readonly=True, index="btree_not_null"
    )
    reason = fields.Text(readonly=True)
    settlement_ids = fields.Many2many(
        "chain.commission.settlement",
        "chain_commission_settlement_line_rel",
        "line_id",
        "settlement_id",
        string="Settled In",
        readonly=True,
    )
    settlement_id = fields.Many2one("chain.commission.settlement", compute="_compute_settlement_id")

    def _compute_settlement_id(self):
        for line in self:
            line.settlement_id = line.settlement_ids[:1]

    def _chain_same_operation(self, employee, kind):
        self.ensure_one()
        return self.employee_id == employee and self.kind == kind

    # ------------------------------------------------------------------------------------------
    # The server's services
    # ------------------------------------------------------------------------------------------
    @api.model
    def _post_pos_orders(self, orders):
        """Credit (and claw back) the commission of paid ``orders`` of chain tills, once per
        order. Orders of tills of no chain store are left alone, and so are orders whose
        payments do not cover them (whatever state the payload claimed)."""
        for order in orders.sudo():
            if (
                not order.config_id.chain_store_id
                or order.state not in ("paid", "done", "invoiced")
                or order.chain_commission_posted
                or not order._is_pos_order_paid()
            ):
                continue
            self.sudo()._post_pos_order(order)
        return True

    @api.model
    def _chain_defer_pos_orders(self, orders):
        """Mark paid ``orders`` of chain tills pending (one statement): the job posts their
        commission. Orders posted or pending already are left as they are."""
        todo = orders.sudo().filtered(
            lambda o: not o.chain_commission_posted and not o.chain_commission_pending
        )
        if todo:
            self.env.cr.execute(
                "UPDATE pos_order SET chain_commission_pending = true WHERE id IN %s",
                [tuple(todo.ids)],
            )
            self.env.cache.update(
                todo, todo._fields["chain_commission_pending"], [True] * len(todo)
            )
        return True

    @api.model
    def _cron_post_pending_pos_orders(self, batch_size=200, store_ids=None, commit=False):
        """Post the commission of the pending orders (``pos.order.chain_commission_pending``),
        oldest first, ``batch_size`` at a time; ``commit`` (the job): each batch committed
        (not in tests). Orders a running job holds are skipped (it posts them). An order
        whose posting fails is logged and stays pending (retried at the next run) without
        holding back the others; ``store_ids``: only the orders of those stores' tills (a
        settlement posts what is pending in its stores first). Return the orders posted."""
        auto_commit = commit and not modules.module.current_test
        store_filter = ""
        params = []
        if store_ids is not None:
            store_filter = (
                " AND config_id IN (SELECT id FROM pos_config WHERE chain_store_id = ANY(%s))"
            )
            params = [list(store_ids)]
        self.env["pos.order"].flush_model(["config_id", "chain_commission_pending"])
        posted_count, last_id = 0, 0
        while True:
            self.env.cr.execute(
                "SELECT id FROM pos_order WHERE chain_commission_pending AND id > %s"  # noqa: S608
                f"{store_filter} ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED",
                [last_id, *params, batch_size],
            )
            ids = [row[0] for row in self.env.cr.fetchall()]
            if not ids:
                break
            last_id = ids[-1]
            done = []
            for order in self.env["pos.order"].sudo().browse(ids):
                try:
                    with self.env.cr.savepoint():
                        self.sudo()._post_pos_orders(order)
                except Exception:
                    _logger.exception(
                        "The commission of %s could not be posted; it is retried at the next "
                        "run.",
                        order.name,
                    )
                    continue
                done.append(order.id)
            if done:
                self.env.cr.execute(
                    "UPDATE pos_order SET chain_commission_pending = NULL WHERE id IN %s",
                    [tuple(done)],
                )
            posted_count += len(done)
            if auto_commit:
                # the job's batches stand on their own: a later failure keeps what is posted
                self.env.cr.commit()  # pylint: disable=invalid-commit
            self.env.invalidate_all()
        return posted_count

    @api.model
    def _post_pos_order(self, order):
        store = order.config_id.chain_store_id
        plan = self.env["chain.commission.plan"]._chain_in_force(
            order.company_id, self._chain_local_date(order.date_order)
        )
        context = {"store": store, "order": order, "plan": plan, "totals": {}, "periods": {}}
        sale_lines = order.lines.filtered(
            lambda line: plan and not line.refunded_orderline_id and line.qty > 0
        )
        # the shares of every line at once, the default saved in one insert
        context["shares"] = sale_lines._chain_commission_shares(
            order._chain_commission_default_employee
        )
        vals_list = []
        for line in order.lines:
            if line.refunded_orderline_id:
                vals_list += self._chain_clawback_vals(line, context)
            elif line in sale_lines:
                vals_list += self._chain_sale_vals(line, context)
        if vals_list:
            # the lines and the order's flag in one statement
            self._insert(vals_list, posted_order_id=order.id)
        else:
            self.env.cr.execute(
                "UPDATE pos_order SET chain_commission_posted = true WHERE id = %s", (order.id,)
            )
        # the flag was set in SQL: the cache says so too (the sync's second call reads it)
        self.env.cache.update(order, order._fields["chain_commission_posted"], [True])
        order.invalidate_recordset(["chain_commission_line_ids"])

    @api.model
    def _post_adjustment(self, employee, store, amount, reason, date=None, key=None):
        """Append an adjustment of ``amount`` for ``employee`` in ``store`` (the caller's
        rights are checked here: store managers of the store, headquarters), logged. Posting
        again under ``key`` (the wizard's) returns the line already posted."""
        self._chain_check_manager(store)
        amount = check_amount(self.env, amount, _("The adjustment"))
        if not amount:
            raise UserError(_("An adjustment needs an amount."))
        if not (reason or "").strip():
            raise UserError(_("An adjustment needs a reason."))
        employee = employee.sudo()
        if not employee._chain_commission_serves(store, store.company_id):
            raise UserError(
                _(
                    "%(employee)s does not work in %(store)s.",
                    employee=employee.name,
                    store=store.display_name,
                )
            )
        now = fields.Datetime.now()
        day = fields.Date.to_date(date) if date else self._chain_local_date(now)
        currency = store.company_id.currency_id
        key = key or f"adjust:{employee.id}:{store.id}:{self.env.uid}:{now.isoformat()}"
        existing = self._find_by_key(key)
        if existing:
            existing._check_same_operation(employee, "adjustment")
            return existing
        line = self.sudo()._insert(
            [
                {
                    "date": now,
                    "period": self._chain_open_period(employee.id, store.id, day, {}),
                    "employee_id": employee.id,
                    "store_id": store.id,
                    "company_id": store.company_id.id,
                    "currency_id": currency.id,
                    "user_id": self.env.uid,
                    "kind": "adjustment",
                    "share": 100.0,
                    "amount": currency.round(amount),
                    "idempotency_key": key,
                    "reason": reason.strip(),
                }
            ]
        )
        self.env["chain.operation.log"]._log_operation(
            "commission_adjustment",
            line,
            after={"employee": employee.name, "amount": currency.round(amount)},
            reason=reason.strip(),
            store=store,
        )
        return line.with_env(self.env)

    # ------------------------------------------------------------------------------------------
    # What a paid line earns
    # ------------------------------------------------------------------------------------------
    @api.model
    def _chain_sale_vals(self, line, context):
        order = context["order"]
        return self._chain_earned_vals(
            context["shares"][line.id],
            context,
            self._chain_pos_source(line),
            event_type=line._chain_commission_event_type(),
            product=line.product_id,
            day=self._chain_local_date(order.date_order),
            qty=line.qty,
            base=lambda rule: line._chain_commission_base(
                rule, self._chain_stored_value_share(context) if rule.exclude_stored_value else 0.0
            ),
            discounted=line._chain_commission_discounted,
        )

    @api.model
    def _chain_stored_value_share(self, context):
        """The part of ``context["order"]`` paid from stored value or points, read once and
        only when a rule leaves it out of its base."""
        if "stored_value_share" not in context:
            context["stored_value_share"] = context["order"]._chain_commission_stored_value_share()
        return context["stored_value_share"]

    @api.model
    def _chain_earned_vals(
        self, shares, context, source, event_type, product, day, qty, base, discounted=None
    ):
        """The lines ``shares`` [(employee, share)] earn on one event of ``event_type`` (for
        ``product``, on ``day``, ``qty`` units) under ``context["plan"]``: the most specific
        rule per employee, on ``base(rule)`` (the event's whole base), unless the rule excludes
        discounted events and ``discounted()`` says it is one. ``source`` holds the link fields
        of the lines and the ``key`` their idempotency keys start with."""
        store, plan = context["store"], context["plan"]
        self._chain_prefetch_open_periods([emp.id for emp, _s in shares], store.id, context)
        vals_list = []
        Rule = self.env["chain.commission.rule"]
        if plan and any(spec.staff_level_id for spec in Rule._chain_rule_specs(plan.id)):
            # the staff level only (not every column of hr.employee), for every employee at once
            self.env["hr.employee"].browse([emp.id for emp, _share in shares]).fetch(
                ["chain_staff_level_id"]
            )
        for employee, share in shares:
            rule = Rule._chain_best(
                plan,
                event_type,
                product,
                lambda employee=employee: employee.chain_staff_level_id.id,
                store.id,
            )
            if not rule or (rule.exclude_discounted and discounted and discounted()):
                continue
            emp_base = base(rule) * share / 100.0
            emp_qty = qty * share / 100.0
            period = self._chain_open_period(employee.id, store.id, day, context["periods"])
            total_key = (employee.id, rule.id, period)
            if rule.compute_mode == "tiers" and total_key not in context["totals"]:
                # concurrent postings of this total queue (or replay): chain.commission.tier.turn
                self.env["chain.commission.tier.turn"]._take(*total_key)
                context["totals"][total_key] = self._chain_period_base(*total_key)
            before = context["totals"].get(total_key, 0.0)
            amount = Rule._chain_spec_amount(rule, emp_base, emp_qty, before)
            context["totals"][total_key] = before + emp_base
            vals_list.append(
                self._chain_line_vals(
                    source,
                    employee,
                    store,
                    kind="sale",
                    event_type=event_type,
                    period=period,
                    plan_id=rule.plan_id,
                    rule_id=rule.id,
                    share=share,
                    qty=emp_qty,
                    base=emp_base,
                    amount=amount,
                )
            )
        return vals_list

    @api.model
    def _chain_clawback_vals(self, line, context):
        """A refund line gives back, pro rata of the quantity refunded, what the refunded line
        earned: from the same employees, with the same shares, in the refund's period."""
        origin_line = line.refunded_orderline_id
        if not origin_line.qty or line.qty >= 0:
            return []
        ratio = min(1.0, -line.qty / origin_line.qty)
        origins = self.search(
            [("pos_order_line_id", "=", origin_line.id), ("kind", "=", "sale")], order="id"
        )
        return self._chain_given_back_vals(
            [(origin, ratio) for origin in origins],
            context,
            self._chain_pos_source(line),
            self._chain_local_date(context["order"].date_order),
        )

    @api.model
    def _chain_given_back_vals(self, origins, context, source, day, per_origin=False):
        """Clawbacks of ``origins`` [(sale line, ratio)]: each gives back ``ratio`` of what it
        earned, from its employee, with its share, in its store, in the first open period from
        ``day``. ``per_origin``: one source gives back several lines of one employee (the keys
        name the origin)."""
        vals_list = []
        for origin, ratio in origins:
            period = self._chain_open_period(
                origin.employee_id.id, origin.store_id.id, day, context["periods"]
            )
            vals_list.append(
                self._chain_line_vals(
                    source,
                    origin.employee_id,
                    origin.store_id,
                    origin=origin,
                    key_suffix=f":of:{origin.id}" if per_origin else "",
                    kind="clawback",
                    event_type=origin.event_type,
                    period=period,
                    plan_id=origin.plan_id.id,
                    rule_id=origin.rule_id.id,
                    share=origin.share,
                    qty=-origin.qty * ratio,
                    base=-origin.base * ratio,
                    amount=-origin.amount * ratio,
                )
            )
        return vals_list

    @api.model
    def _chain_left_to_give_back(self, origins):
        """{origin id: the part (0 to 1) of what the sale line earned not yet clawed back}
        (every kind of refund together: till, backend, bridges), by quantity."""
        self.flush_model(["origin_id", "qty", "kind"])
        self.env.cr.execute(
            """SELECT o.id, o.qty, coalesce(sum(c.qty), 0)
                 FROM chain_commission_line o
            LEFT JOIN chain_commission_line c ON c.origin_id = o.id AND c.kind = 'clawback'
                WHERE o.id = ANY(%s)
             GROUP BY o.id, o.qty""",
            (origins.ids,),
        )
        left = {}
        for origin_id, qty, clawed in self.env.cr.fetchall():
            left[origin_id] = max(0.0, 1.0 - (-clawed / qty)) if qty else 0.0
        return left

    @api.model
    def _chain_pos_source(self, line):
        """What the commission lines of the till line ``line`` link to."""
        return {
            "key": f"pos.line:{line.id}",
            "date": line.order_id.date_order,
            "pos_order_id": line.order_id.id,
            "pos_order_line_id": line.id,
            "product_id": line.product_id.id,
        }

    @api.model
    def _chain_line_vals(self, source, employee, store, origin=None, key_suffix="", **values):
        source = dict(source)
        key = source.pop("key")
        currency = store.company_id.currency_id
        return {
            **source,
            "employee_id": employee.id,
            "store_id": store.id,
            "company_id": store.company_id.id,
            "currency_id": currency.id,
            "user_id": self.env.uid,
            "origin_id": origin.id if origin else False,
            "idempotency_key": f"{key}:emp:{employee.id}:{values['kind']}{key_suffix}",
            **values,
            "base": currency.round(values["base"]),
            "amount": currency.round(values["amount"]),
        }

    # ------------------------------------------------------------------------------------------
    # Periods
    # ------------------------------------------------------------------------------------------
    @api.model
    def _chain_local_date(self, value):
        """The calendar day of ``value`` (UTC datetime) in the user's time zone."""
        return fields.Datetime.context_timestamp(self, value).date()

    @api.model
    def _chain_prefetch_open_periods(self, employee_ids, store_id, context):
        """Read the settled months of ``employee_ids`` in ``store_id`` in one query, for
        ``_chain_open_period`` (its ``cache`` is ``context["periods"]``)."""
        cache = context["periods"]
        missing = [emp for emp in employee_ids if (emp, store_id) not in cache]
        if not missing:
            return
        self.env["chain.commission.settlement"].flush_model(
            ["employee_id", "store_id", "period", "state"]
        )
        self.env.cr.execute(
            """SELECT employee_id, period FROM chain_commission_settlement
                WHERE employee_id = ANY(%s) AND store_id = %s
                  AND state IN ('approved', 'locked')""",
            (missing, store_id),
        )
        for emp in missing:
            cache[(emp, store_id)] = set()
        for emp, period in self.env.cr.fetchall():
            cache[(emp, store_id)].add(period)

    @api.model
    def _chain_open_period(self, employee_id, store_id, day, cache):
        """The month a line of ``day`` is settled in: its own month, or the first month after
        it whose settlement for the employee and store is not approved or locked yet."""
        key = (employee_id, store_id)
        if key not in cache:
            self.env["chain.commission.settlement"].flush_model(
                ["employee_id", "store_id", "period", "state"]
            )
            self.env.cr.execute(
                """SELECT period FROM chain_commission_settlement
                    WHERE employee_id = %s AND store_id = %s AND state IN ('approved', 'locked')""",
                key,
            )
            cache[key] = {row[0] for row in self.env.cr.fetchall()}
        period = month_start(day)
        while period in cache[key]:
            period += relativedelta(months=1)
        return period

    @api.model
    def _chain_period_base(self, employee_id, rule_id, period):
        """The employee's base under ``rule_id`` already recorded in ``period``."""
        self.env.cr.execute(
            """SELECT coalesce(sum(base), 0) FROM chain_commission_line
                WHERE employee_id = %s AND rule_id = %s AND period = %s""",
            (employee_id, rule_id, period),
        )
        return self.env.cr.fetchone()[0]

    # ------------------------------------------------------------------------------------------
    @api.model
    def _chain_insert_fields(self):
        """The columns ``_insert`` writes (bridges add their link fields)."""
        return INSERT_FIELDS

    @api.model
    def _insert(self, vals_list, posted_order_id=None):
        """Insert ``vals_list`` in one statement; a key already posted is skipped (the line of
        the first posting stays). ``posted_order_id``: the same statement marks that POS
        order's commission posted. Return the lines inserted."""
        if not vals_list:
            return self.browse()
        now = fields.Datetime.now()
        insert_fields = self._chain_insert_fields()
        columns = [*insert_fields, "create_uid", "create_date", "write_uid", "write_date"]
        rows, params = [], []
        for vals in vals_list:
            rows.append(f"({', '.join(['%s'] * len(columns))})")
            params += [
                self._fields[name].convert_to_column(vals.get(name), self)
                if vals.get(name) is not None
                else None
                for name in insert_fields
            ]
            params += [self.env.uid, now, self.env.uid, now]
        query = (
            f"INSERT INTO chain_commission_line ({', '.join(columns)}) "  # noqa: S608
            f"VALUES {', '.join(rows)} ON CONFLICT (idempotency_key) DO NOTHING RETURNING id"
        )
        if posted_order_id:
            query = (
                f"WITH inserted AS ({query}), posted AS ("  # noqa: S608
                "UPDATE pos_order SET chain_commission_posted = true WHERE id = %s) "
                "SELECT id FROM inserted"
            )
            params.append(posted_order_id)
        self.env.cr.execute(query, params)
        lines = self.browse([row[0] for row in self.env.cr.fetchall()])
        if lines:
            self._chain_invalidate_inverses(vals_list)
        return lines

    @api.model
    def _chain_invalidate_inverses(self, vals_list):
        """After an insert in SQL: drop the cached one2many lists of the records the new
        lines point to (``pos.order.chain_commission_line_ids``, the bridges' own), which the
        ORM would otherwise still hold without them."""
        for name in self._chain_insert_fields():
            field = self._fields[name]
            if field.type != "many2one":
                continue
            ids = {vals[name] for vals in vals_list if vals.get(name)}
            for inverse in self.pool.field_inverses[field] if ids else ():
                self.env[inverse.model_name].browse(ids).invalidate_recordset([inverse.name])

    @api.model
    def _chain_check_manager(self, store):
        """AccessError unless the caller manages ``store`` (headquarters: every store)."""
        if self.env.su:
            return True
        if not self.env.user._has_group("chain_member.group_chain_store_manager"):
            raise AccessError(_("Only a store manager or headquarters may do this."))
        return self.env["res.users"]._chain_check_works_in(store)
