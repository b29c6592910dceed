import math

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from odoo.addons.chain_member.tools.amounts import check_amount

PACKAGE_STATES = [
    ("active", "Active"),
    ("used_up", "Used up"),
    ("expired", "Expired"),
    ("refunded", "Refunded"),
]


# Moved only by the guarded statement of _move (the ledger's cache); zero at creation.
LEDGER_FIELDS = (
    "uses_total",
    "uses_remaining",
    "value_total",
    "value_remaining",
    "last_uses",
    "last_value",
)
# Never written through the ORM once the package exists, not even with sudo().
GUARDED_FIELDS = frozenset(
    {
        *LEDGER_FIELDS,
        "state",
        "partner_id",
        "product_id",
        "service_ids",
        "store_id",
        "company_id",
        "currency_id",
        "date_start",
        "date_expiry",
        "move_ids",
    }
)
# The largest number of uses one operation adds or takes.
MAX_USES = 10000


class ChainCountCardPackage(models.Model):
    """A member's count card (计次卡): so many uses of some services, valid until a date.

    Selling a count-card product creates one; each use at any store's till consumes one use; a
    renewal (续费) adds uses and value. ``uses_remaining`` and ``value_remaining`` are a cache of
    the package's ledger (``chain.count.card.move``) that moves only together with a ledger line,
    through one guarded SQL statement (see :meth:`_move`), exactly like the stored-value
    balance. ``value_remaining`` is the deferred revenue still owed in services: each use
    recognises its share (value / uses left).
    """

    _name = "chain.count.card.package"
    _description = "Count Card"
    _inherit = ["pos.load.mixin"]
    _order = "id desc"

    name = fields.Char(required=True, readonly=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Member",
        required=True,
        readonly=True,
        ondelete="restrict",
        index=True,
    )
    product_id = fields.Many2one(
        "product.product",
        string="Count-Card Product",
        required=True,
        readonly=True,
        ondelete="restrict",
    )
    service_ids = fields.Many2many(
        "product.product",
        "chain_count_card_package_service_rel",
        "package_id",
        "product_id",
        string="Services",
        readonly=True,
        help="The services a use of this card covers (empty: the card product itself).",
    )
    store_id = fields.Many2one(
        "chain.store", string="Sold At", required=True, readonly=True, ondelete="restrict"
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        readonly=True,
        help="The company that sold it holds its deferred revenue.",
    )
    currency_id = fields.Many2one("res.currency", required=True, readonly=True)
    date_start = fields.Date(required=True, readonly=True, default=fields.Date.context_today)
    date_expiry = fields.Date(string="Valid Until", readonly=True, index="btree_not_null")
    uses_total = fields.Integer(string="Uses Bought", readonly=True)
    uses_remaining = fields.Integer(readonly=True)
    value_total = fields.Monetary(string="Price Paid", readonly=True)
    value_remaining = fields.Monetary(
        string="Deferred Revenue Left",
        readonly=True,
        help="Value of the uses left, not yet recognised.",
    )
    last_uses = fields.Integer(readonly=True)
    last_value = fields.Monetary(readonly=True)
    state = fields.Selection(
        PACKAGE_STATES, required=True, readonly=True, default="active", index=True
    )
    move_ids = fields.One2many(
        "chain.count.card.move", "package_id", string="Ledger", readonly=True
    )

    _sql_constraints = [
        (
            "uses_not_negative",
            "CHECK(uses_remaining >= 0)",
            "A count card cannot have negative uses.",
        ),
        (
            "value_not_negative",
            "CHECK(value_remaining >= 0)",
            "A count card cannot have negative value.",
        ),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise AccessError(_("A count card is created by selling it, never directly."))
        if any(vals.get(name) for vals in vals_list for name in LEDGER_FIELDS):
            raise UserError(_("A count card's uses and value come from its ledger."))
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            raise AccessError(_("A count card changes only through its operations."))
        if GUARDED_FIELDS & set(vals):
            raise UserError(_("A count card changes only through its ledger."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(_("A count card cannot be deleted: refund it instead."))

    # ------------------------------------------------------------------------------------------
    # POS loading: nothing at start-up; the till reads the member's cards when it needs them.
    # ------------------------------------------------------------------------------------------
    @api.model
    def _load_pos_data_domain(self, data):
        return False

    @api.model
    def _load_pos_data_fields(self, config_id):
        return [
            "name",
            "partner_id",
            "product_id",
            "service_ids",
            "uses_remaining",
            "date_expiry",
            "state",
        ]

    def _till_values(self):
        return [
            {
                "id": package.id,
                "name": package.name,
                "uses_remaining": package.uses_remaining,
                "date_expiry": fields.Date.to_string(package.date_expiry)
                if package.date_expiry
                else "",
                "service_ids": (package.service_ids or package.product_id).ids,
            }
            for package in self
        ]

    # ------------------------------------------------------------------------------------------
    # Selling (a model method: the package does not exist yet)
    # ------------------------------------------------------------------------------------------
    @api.model
    def _sell(
        self,
        partner,
        product,
        store=None,
        qty=1,
        price=None,
        journal=None,
        key=None,
        pos_order_line=None,
    ):
        """Sell ``qty`` × the count-card ``product`` to the member ``partner``: a new package
        with the product's uses × qty, valid for its validity days. A backend sale passes the
        ``journal`` the money came in through; a POS sale its ``pos_order_line`` (the closing
        entry books it). The caller is this model's environment (its rights are checked, as
        for every count-card service). Returns the package."""
        partner.ensure_one()
        partner = partner.with_env(self.env)  # the caller's rights, not the partner's env
        store = partner._chain_wallet_prepare("count_card", store)
        template = product.product_tmpl_id
        if not template.chain_count_card or template.chain_count_card_uses <= 0:
            raise UserError(_("%(product)s is not a count card.", product=product.display_name))
        if (
            isinstance(qty, bool)
            or not isinstance(qty, (int, float))
            or not 0 < qty <= 1000
            or qty != int(qty)
        ):
            raise UserError(_("Sell a whole number of count cards, between 1 and 1,000."))
        qty = int(qty)
        if not journal and not pos_order_line:
            raise UserError(_("Say how the count card was paid: a cash or bank journal."))
        if journal:
            partner._chain_wallet_check_journal(journal, store.company_id)
        key = key or partner._chain_wallet_new_key("count-card-sale")
        Move = self.env["chain.count.card.move"].sudo()
        existing = Move._find_by_key(key)
        if existing:
            return existing.package_id
        company = store.company_id
        currency = company.currency_id
        value = currency.round(
            check_amount(
                self.env,
                product.lst_price * qty if price is None else price,
                _("The count card's price"),
            )
        )
        if value < 0:
            raise UserError(_("A count card cannot be sold for a negative price."))
        company._chain_wallet_accounts()
        today = fields.Date.context_today(self)
        days = template.chain_count_card_validity_days
        package = (
            self.env["chain.count.card.package"]
            .sudo()
            .create(
                {
                    "name": product.name,
                    "partner_id": partner.id,
                    "product_id": product.id,
                    "service_ids": [fields.Command.set(template.chain_count_card_service_ids.ids)],
                    "store_id": store.id,
                    "company_id": company.id,
                    "currency_id": currency.id,
                    "date_start": today,
                    "date_expiry": today + relativedelta(days=days) if days else False,
                    # explicit zeros: the guarded UPDATE computes on these columns (NULL would not)
                    "uses_total": 0,
                    "uses_remaining": 0,
                    "value_total": 0.0,
                    "value_remaining": 0.0,
                    "last_uses": 0,
                    "last_value": 0.0,
                }
            )
        )
        Move._post(
            package,
            "sale",
            store,
            key,
            "credit",
            uses=template.chain_count_card_uses * int(qty),
            value=value,
            values=package._pos_values(pos_order_line),
            bought=True,
            move_factory=None if pos_order_line else package._sale_factory(store, journal),
        )
        return package

    # ------------------------------------------------------------------------------------------
    # The service (see README.md, "Stored value")
    # ------------------------------------------------------------------------------------------
    def _chain_count_card_use(
        self, store=None, uses=1, service=None, key=None, pos_order_line=None
    ):
        """Consume ``uses`` (from any store of the chain) and recognise their value. A POS use
        (``pos_order_line``) is booked by the session's closing entry; a backend use now."""
        self.ensure_one()
        partner = self.partner_id
        store = partner._chain_wallet_prepare("count_card", store)
        uses = self._check_uses(uses)
        covered = self.service_ids or self.product_id
        if service and service not in covered:
            raise UserError(
                _(
                    "%(card)s does not cover %(service)s.",
                    card=self.name,
                    service=service.display_name,
                )
            )
        key = key or partner._chain_wallet_new_key("count-card-use")
        move_factory = None if pos_order_line else self._recognition_factory(store, service)
        line = (
            self.env["chain.count.card.move"]
            .sudo()
            ._post(
                self,
                "use",
                store,
                key,
                "use",
                uses=uses,
                values={
                    "service_id": (service or self.service_ids[:1] or self.product_id).id,
                    **self._pos_values(pos_order_line),
                },
                move_factory=move_factory,
            )
        )
        partner._chain_member_event(
            "count_card_used",
            values={
                "member_name": partner.name,
                "card_tail": partner._chain_wallet_card_tail(),
                "amount": uses,
                "balance": line.uses_after,
                "points": 0,
                "store": store.name,
                "date": fields.Date.to_string(fields.Date.context_today(self)),
            },
            store=store,
        )
        return line

    def _chain_count_card_return_use(self, origin, store=None, key=None, pos_order_line=None):
        """Give back the uses of ``origin`` (a use line), e.g. when its POS order is refunded,
        with the value it had recognised."""
        self.ensure_one()
        store = self.partner_id._chain_wallet_prepare("refund", store)
        origin.ensure_one()
        if origin.kind != "use" or origin.package_id != self:
            raise UserError(_("Only a use of this card can be given back."))
        key = key or self.partner_id._chain_wallet_new_key("count-card-return")
        return (
            self.env["chain.count.card.move"]
            .sudo()
            ._post(
                self,
                "return",
                store,
                key,
                "credit",
                uses=-origin.uses,
                value=-origin.amount,
                values={
                    "origin_id": origin.id,
                    "service_id": origin.service_id.id,
                    **self._pos_values(pos_order_line),
                },
                move_factory=None
                if pos_order_line
                else self._recognition_factory(store, origin.service_id),
            )
        )

    def _chain_count_card_renew(
        self, uses, amount, store=None, journal=None, key=None, pos_order_line=None, days=None
    ):
        """Add ``uses`` paid ``amount`` (续费); the validity restarts from today or the current
        expiry date, whichever is later, for ``days`` (default: the product's validity)."""
        self.ensure_one()
        store = self.partner_id._chain_wallet_prepare("count_card", store)
        if self.state not in ("active", "used_up"):
            raise UserError(
                _("%(card)s is %(state)s and cannot be renewed.", card=self.name, state=self.state)
            )
        uses = self._check_uses(uses)
        amount = check_amount(self.env, amount, _("The renewal price"))
        if amount < 0:
            raise UserError(_("A renewal adds uses for a price."))
        if not journal and not pos_order_line:
            raise UserError(_("Say how the renewal was paid: a cash or bank journal."))
        if journal:
            self._check_own_company(store)
            self.partner_id._chain_wallet_check_journal(journal, self.company_id)
        days = self.product_id.chain_count_card_validity_days if days is None else days
        expiry = False
        if days:
            start = max(
                fields.Date.context_today(self), self.date_expiry or fields.Date.context_today(self)
            )
            expiry = start + relativedelta(days=days)
        key = key or self.partner_id._chain_wallet_new_key("count-card-renew")
        return (
            self.env["chain.count.card.move"]
            .sudo()
            ._post(
                self,
                "renewal",
                store,
                key,
                "credit",
                uses=uses,
                value=self.currency_id.round(amount),
                values=self._pos_values(pos_order_line),
                expiry=expiry,
                bought=True,
                move_factory=None if pos_order_line else self._sale_factory(store, journal),
            )
        )

    def _chain_count_card_refund(self, journal, reason, store=None, key=None):
        """Refund the unused uses in cash, pro rata (store managers): the value still deferred."""
        self.ensure_one()
        partner = self.partner_id
        store = partner._chain_wallet_prepare("count_card_refund", store)
        partner._chain_wallet_require_reason(reason)
        if self.state != "active" or not self.uses_remaining:
            raise UserError(_("%(card)s has no uses left to refund.", card=self.name))
        if not journal:
            raise UserError(_("Say which cash or bank journal pays the refund."))
        self._check_own_company(store)
        partner._chain_wallet_check_journal(journal, self.company_id)
        before = {"uses": self.uses_remaining, "value": self.value_remaining}
        company = self.company_id

        def move_factory(uses, value):
            accounts = company._chain_wallet_accounts()
            return company._chain_wallet_post(
                _("Count card %(card)s refunded", card=self.name),
                [
                    (accounts["deferred"], -value, 0.0, partner, _("Unused uses refunded")),
                    (journal.default_account_id, 0.0, -value, partner, _("Refund paid")),
                ],
                journal=journal,
            )

        line = (
            self.env["chain.count.card.move"]
            .sudo()
            ._post(
                self,
                "refund",
                store,
                key or partner._chain_wallet_new_key("count-card-refund"),
                "close",
                final_state="refunded",
                values={"reason": reason},
                move_factory=move_factory,
            )
        )
        self.env["chain.operation.log"]._log_operation(
            "count_card_refund",
            self,
            before=before,
            after={"uses": 0, "value": 0, "refunded": line.amount},
            reason=reason,
            store=store,
        )
        return line

    def _chain_count_card_expire(self, store=None, key=None):
        """Expire the uses left (nightly job): their deferred value becomes income."""
        self.ensure_one()
        store = self.partner_id._chain_wallet_prepare("expire", store or self.store_id)
        company = self.company_id

        def move_factory(uses, value):
            accounts = company._chain_wallet_accounts()
            return company._chain_wallet_post(
                _("Count card %(card)s expired", card=self.name),
                [
                    (accounts["deferred"], -value, 0.0, self.partner_id, _("Expired uses")),
                    (accounts["breakage"], 0.0, -value, self.partner_id, _("Expired uses")),
                ],
            )

        return (
            self.env["chain.count.card.move"]
            .sudo()
            ._post(
                self,
                "expiry",
                store,
                key or f"count-card-expiry:{self.id}",
                "close",
                final_state="expired",
                values={"reason": _("Expired")},
                move_factory=move_factory,
            )
        )

    @api.model
    def _cron_expire_packages(self):
        """Nightly: expire the packages past their date. The warning before expiry is the
        member reminder type "Count card expiring" (lead days, stores and member message set
        by headquarters), raised by the reminder job: it is not sent from here."""
        today = fields.Date.context_today(self)
        expired = self.sudo().search([("state", "=", "active"), ("date_expiry", "<", today)])
        for package in expired:
            package.sudo()._chain_count_card_expire()
        return len(expired)

    # ------------------------------------------------------------------------------------------
    # The guard
    # ------------------------------------------------------------------------------------------
    def _move(self, mode, uses=0, value=0.0, expiry=None, final_state=None, bought=False):
        """Move the cached uses/value with one guarded statement; return ``(uses_delta,
        value_delta, uses_after, value_after, state)`` or None when the guard refused.

        ``use`` takes ``uses`` and their share of the value (value / uses left, the last use
        takes what is left); ``credit`` adds (``bought``: a renewal, counted in the totals);
        ``close`` takes everything left and sets ``final_state``."""
        self.ensure_one()
        params = {
            "id": self.id,
            "u": uses,
            "v": value,
            "today": fields.Date.context_today(self),
            "expiry": expiry,
            "final": final_state,
        }
        if mode == "use":
            take_u = "%(u)s"
            take_v = (
                "CASE WHEN uses_remaining = %(u)s THEN value_remaining "
                "ELSE ROUND(value_remaining * %(u)s / uses_remaining, 2) END"
            )
            state = "CASE WHEN uses_remaining = %(u)s THEN 'used_up' ELSE state END"
            guard = (
                "state = 'active' AND uses_remaining >= %(u)s "
                "AND (date_expiry IS NULL OR date_expiry >= %(today)s)"
            )
            extra = ""
        elif mode == "credit":
            take_u, take_v = "(-(%(u)s))", "(-(%(v)s::numeric))"
            state = (
                "CASE WHEN state = 'used_up' AND uses_remaining + %(u)s > 0 "
                "THEN 'active' ELSE state END"
            )
            guard = "state IN ('active', 'used_up') AND value_remaining + %(v)s::numeric >= 0"
            extra = ", date_expiry = COALESCE(%(expiry)s, date_expiry)" if expiry else ""
            if bought:
                extra += (
                    ", uses_total = uses_total + %(u)s, value_total = value_total + %(v)s::numeric"
                )
        elif mode == "close":
            take_u, take_v, state = "uses_remaining", "value_remaining", "%(final)s"
            guard = "state = 'active'"
            extra = ""
        else:
            raise ValueError(mode)
        # constant fragments; every value is a bound parameter
        query = f"""
            UPDATE chain_count_card_package
               SET last_uses = -({take_u}), last_value = -({take_v}), state = {state},
                   uses_remaining = uses_remaining - ({take_u}),
                   value_remaining = value_remaining - ({take_v}){extra},
                   write_date = now() at time zone 'UTC'
             WHERE id = %(id)s AND {guard}
            RETURNING last_uses, last_value, uses_remaining, value_remaining, state
        """
        self.env.cr.execute(query, params)
        row = self.env.cr.fetchone()
        self.invalidate_recordset()
        return row

    def _raise_refused(self, mode, uses):
        self.ensure_one()
        self.invalidate_recordset()
        today = fields.Date.context_today(self)
        if self.state == "active" and self.date_expiry and self.date_expiry < today:
            raise UserError(
                _("%(card)s expired on %(date)s.", card=self.name, date=self.date_expiry)
            )
        if self.state != "active" and mode != "credit":
            states = dict(self._fields["state"]._description_selection(self.env))
            raise UserError(_("%(card)s is %(state)s.", card=self.name, state=states[self.state]))
        if mode == "use":
            raise UserError(
                _(
                    "%(card)s has %(left)s uses left; %(uses)s cannot be used.",
                    card=self.name,
                    left=self.uses_remaining,
                    uses=uses,
                )
            )
        raise UserError(_("%(card)s cannot take this operation.", card=self.name))

    # ------------------------------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------------------------------
    @api.model
    def _check_uses(self, uses):
        """``uses`` as a whole number of uses between 1 and MAX_USES, else a UserError."""
        number = None
        if isinstance(uses, int) and not isinstance(uses, bool):
            number = uses
        elif isinstance(uses, (float, str)):
            try:
                value = float(uses)
            except ValueError:
                value = None
            if value is not None and math.isfinite(value) and value == int(value):
                number = int(value)
        if number is None:
            raise UserError(
                _("The number of uses must be a whole number; %(value)r is not one.", value=uses)
            )
        if not 0 < number <= MAX_USES:
            raise UserError(_("The number of uses must be between 1 and %(max)s.", max=MAX_USES))
        return number

    def _check_own_company(self, store):
        """Money for this card (a renewal, a refund) goes through the books of the company that
        sold it: only its stores take it in the backend."""
        self.ensure_one()
        if store.company_id != self.company_id:
            raise UserError(
                _(
                    "%(card)s was sold by %(company)s: renew or refund it in one of that "
                    "company's stores.",
                    card=self.name,
                    company=self.company_id.name,
                )
            )

    @staticmethod
    def _pos_values(pos_order_line):
        if not pos_order_line:
            return {}
        return {
            "pos_order_line_id": pos_order_line.id,
            "pos_order_id": pos_order_line.order_id.id,
            "pos_session_id": pos_order_line.order_id.session_id.id,
        }

    def _sale_factory(self, store, journal):
        company = self.company_id
        partner = self.partner_id

        def move_factory(uses, value):
            accounts = company._chain_wallet_accounts()
            return company._chain_wallet_post(
                _("Count card %(card)s sold", card=self.name),
                [
                    (journal.default_account_id, value, 0.0, partner, _("Count card paid")),
                    (accounts["deferred"], 0.0, value, partner, _("Count card deferred revenue")),
                ],
                journal=journal,
            )

        return move_factory

    def _recognition_factory(self, store, service):
        """Journal entry of a backend use (deferred revenue to the service's income) or of a
        use given back (the reverse)."""
        company = self.company_id
        partner = self.partner_id
        income = self._income_account(service)

        def move_factory(uses, value):
            deferred = company._chain_wallet_accounts()["deferred"]
            debit, credit = (deferred, income) if value < 0 else (income, deferred)
            return company._chain_wallet_post(
                _("Count card %(card)s used", card=self.name),
                [
                    (debit, abs(value), 0.0, partner, _("Count-card use")),
                    (credit, 0.0, abs(value), partner, _("Count-card use")),
                ],
            )

        return move_factory

    def _income_account(self, service):
        service = (service or self.service_ids[:1] or self.product_id).with_company(self.company_id)
        account = service.product_tmpl_id._get_product_accounts()["income"]
        if not account or account == self.company_id._chain_wallet_accounts()["deferred"]:
            account = (
                self.env["account.account"]
                .sudo()
                .search(
                    [("company_ids", "in", self.company_id.ids), ("account_type", "=", "income")],
                    limit=1,
                )
            )
        return account
