import logging

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models, modules
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from ..tools import lunar_birthday

_logger = logging.getLogger(__name__)

REGISTRATION_CHANNELS = [
    ("store", "In store (backend)"),
    ("pos", "At the till (POS)"),
    ("portal", "Member portal"),
    ("import", "Import"),
]
CONSENT_CHANNELS = REGISTRATION_CHANNELS + [("sms", "SMS reply")]
GENDERS = [("female", "Female"), ("male", "Male"), ("other", "Other")]
BIRTHDAY_CALENDARS = [("solar", "Solar (Gregorian)"), ("lunar", "Lunar (Chinese)")]

# What the till reads of a member (see _chain_till_summary), the lunar birthday included (the
# points part tells the birthday month).
TILL_SUMMARY_FIELDS = [
    "name",
    "member_code",
    "mobile",
    "member_tier_id",
    "birthday",
    "birthday_calendar",
    "birthday_lunar_month",
    "birthday_lunar_day",
    "birthday_lunar_leap",
]
# What the till checks of a card.
CARD_LOOKUP_FIELDS = ["number", "state", "expiry_date", "partner_id"]

# A portal QR code carries the card number behind this prefix.
CARD_QR_PREFIX = "CHM:"

# Consent fields: each consent keeps the date and channel it was given or withdrawn on.
CONSENTS = ("marketing_consent", "transactional_consent")

# What only the server's own operations write (registration, the order sync, the tier change
# wizard, the nightly review, the consent stamp, the anonymisation): a client's create or write
# carrying any of these is refused, whatever its context.
PROTECTED_MEMBER_FIELDS = frozenset(
    {
        "member_code",
        "member_tier_id",
        "member_tier_since",
        "member_tier_expiry",
        "member_total_spend",
        "member_last_purchase_date",
        "member_anonymised_date",
        "marketing_consent_date",
        "marketing_consent_channel",
        "transactional_consent_date",
        "transactional_consent_channel",
    }
)


class ResPartner(models.Model):
    _inherit = "res.partner"

    is_member = fields.Boolean(
        string="Is a Member",
        index=True,
        copy=False,
        help="A member of the chain's membership programme, served in every store.",
    )
    member_code = fields.Char(
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="Chain-wide member number, given at registration.",
    )
    home_store_id = fields.Many2one(
        "chain.store",
        index="btree_not_null",
        help="The store where the member registered.",
    )
    member_registration_channel = fields.Selection(
        REGISTRATION_CHANNELS, string="Registered Through", copy=False
    )
    member_since = fields.Date(copy=False)
    gender = fields.Selection(GENDERS)
    birthday = fields.Date(help="Date of birth (solar calendar).")
    birthday_calendar = fields.Selection(
        BIRTHDAY_CALENDARS,
        default="solar",
        help="The calendar the member celebrates the birthday in.",
    )
    birthday_lunar_month = fields.Integer(string="Lunar Birth Month")
    birthday_lunar_day = fields.Integer(string="Lunar Birth Day")
    birthday_lunar_leap = fields.Boolean(
        string="Leap Month", help="Born in the leap (闰) month of the lunar year."
    )
    marketing_consent = fields.Boolean(
        help="The member agreed to receive promotions and campaigns."
    )
    marketing_consent_date = fields.Datetime(readonly=True, copy=False)
    marketing_consent_channel = fields.Selection(CONSENT_CHANNELS, readonly=True, copy=False)
    transactional_consent = fields.Boolean(
        default=True,
        help="The member agreed to receive messages about their own transactions "
        "(top-ups, payments, points, card changes).",
    )
    transactional_consent_date = fields.Datetime(readonly=True, copy=False)
    transactional_consent_channel = fields.Selection(CONSENT_CHANNELS, readonly=True, copy=False)
    member_tier_id = fields.Many2one(
        "chain.member.tier", string="Tier", index="btree_not_null", tracking=True, copy=False
    )
    member_tier_since = fields.Date(string="In Tier Since", readonly=True, copy=False)
    member_tier_expiry = fields.Date(
        string="Tier Valid Until",
        readonly=True,
        copy=False,
        help="After this date (and the tier's grace period) the nightly review keeps the tier "
        "if the member still qualifies, else moves the member down.",
    )
    member_tier_history_ids = fields.One2many(
        "chain.member.tier.history", "partner_id", string="Tier History"
    )
    member_card_ids = fields.One2many("chain.member.card", "partner_id", string="Member Cards")
    member_card_id = fields.Many2one(
        "chain.member.card",
        string="Active Card",
        compute="_compute_member_card_id",
        help="The member's active card, if any.",
    )
    member_card_count = fields.Integer(compute="_compute_member_card_id")
    birthday_month = fields.Integer(
        compute="_compute_birthday_month",
        store=True,
        index="btree_not_null",
        help="Month of the birthday (the lunar month for a lunar birthday), for filters.",
    )
    chain_birthday_this_month = fields.Boolean(
        string="Birthday This Month",
        compute="_compute_chain_birthday_this_month",
        search="_search_chain_birthday_this_month",
        help="An active member who celebrates the birthday in this solar month (a lunar "
        "birthday in the solar month it falls in this year).",
    )
    member_last_purchase_date = fields.Datetime(
        string="Last Purchase", readonly=True, copy=False, index="btree_not_null"
    )
    member_total_spend = fields.Monetary(
        string="Lifetime Spend", readonly=True, copy=False, currency_field="member_currency_id"
    )
    member_currency_id = fields.Many2one("res.currency", compute="_compute_member_currency_id")
    member_reminder_count = fields.Integer(
        string="Open Reminders",
        compute="_compute_member_reminder_count",
        groups="chain_member.group_chain_cashier",
        help="Reminders about the member still to follow up (those the user's stores see).",
    )

    _sql_constraints = [
        (
            "member_code_unique",
            "unique(member_code)",
            "This member code is already used by another member.",
        ),
    ]

    @api.depends("member_card_ids.state")
    def _compute_member_card_id(self):
        for partner in self:
            cards = partner.member_card_ids
            partner.member_card_id = cards.filtered(lambda card: card.state == "active")[:1]
            partner.member_card_count = len(cards)

    @api.depends(
        "birthday",
        "birthday_calendar",
        "birthday_lunar_month",
        "birthday_lunar_day",
        "birthday_lunar_leap",
    )
    def _compute_birthday_month(self):
        for partner in self:
            birthday = partner._chain_birthday()
            partner.birthday_month = birthday.month if birthday else False

    @api.depends_context("tz")
    def _compute_chain_birthday_this_month(self):
        today = fields.Date.context_today(self)
        for partner in self:
            partner.chain_birthday_this_month = (
                partner.is_member
                and partner.active
                and partner._chain_birthday_in_scope(today, "month")
            )

    def _search_chain_birthday_this_month(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Unsupported search on 'Birthday This Month'."))
        today = fields.Date.context_today(self)
        first = today.replace(day=1)
        last = first + relativedelta(months=1, days=-1)
        members = SQL(
            "(SELECT c.partner_id FROM (%s) AS c)", self._chain_birthday_query(first, last)
        )
        return [("id", "in" if (operator == "=") == value else "not in", members)]

    @api.depends_context("uid")
    def _compute_member_reminder_count(self):
        counts = dict(
            self.env["chain.member.reminder"]._read_group(
                [("partner_id", "in", self.ids), ("state", "=", "new")],
                ["partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.member_reminder_count = counts.get(partner, 0)

    def _compute_member_currency_id(self):
        self.member_currency_id = self.env.company.currency_id

    @api.constrains("birthday_calendar", "birthday_lunar_month", "birthday_lunar_day")
    def _check_lunar_birthday(self):
        for partner in self.filtered(lambda p: p.birthday_calendar == "lunar"):
            if not lunar_birthday.is_valid_lunar(
                partner.birthday_lunar_month, partner.birthday_lunar_day
            ):
                raise ValidationError(
                    _(
                        "A lunar birthday needs a month from 1 to 12 and a day from 1 to 30 "
                        "(member %(name)s).",
                        name=partner.display_name,
                    )
                )

    def init(self):
        # The till's everyday identity: one active member per normalised mobile number, found by
        # an exact index lookup.
        self.env.cr.execute(
            "CREATE UNIQUE INDEX IF NOT EXISTS res_partner_member_mobile_unique "
            "ON res_partner (mobile) WHERE is_member AND active AND mobile IS NOT NULL"
        )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._chain_check_client_vals(vals)
        for vals in vals_list:
            self._stamp_consents(vals)
            if vals.get("is_member"):
                self._prepare_member_vals(vals)
        partners = super().create(vals_list)
        for partner in partners.filtered("is_member"):
            partner._chain_member_event(
                "registration",
                {"member_name": partner.name, "date": fields.Date.to_string(partner.member_since)},
                store=partner.home_store_id,
            )
        return partners

    def write(self, vals):
        self._chain_check_client_vals(vals)
        self._stamp_consents(vals)
        if vals.get("is_member") or ("mobile" in vals and any(self.mapped("is_member"))):
            for partner in self:
                partner_vals = dict(vals)
                if partner.is_member or vals.get("is_member"):
                    self._prepare_member_vals(partner_vals, partner)
                super(ResPartner, partner).write(partner_vals)
            return True
        return super().write(vals)

    @api.model
    def _chain_check_client_vals(self, vals):
        """Refuse a client's values for the fields only the server's operations write."""
        if self.env.su:
            return
        protected = sorted(PROTECTED_MEMBER_FIELDS.intersection(vals))
        if protected:
            labels = ", ".join(
                self._fields[name].get_description(self.env)["string"] for name in protected
            )
            raise UserError(
                _(
                    "%(fields)s of a member change only through the membership operations "
                    "(registration, purchases, the tier change), never by editing the record.",
                    fields=labels,
                )
            )

    @api.model
    def chain_register_member(self, vals, channel="store", store=None):
        """Register a member and return it: the one door for the backend, the POS, the portal
        and imports. ``vals`` needs at least ``name`` and ``mobile``; the mobile is normalised
        and must not belong to another active member."""
        if not (vals.get("mobile") or "").strip():
            raise UserError(_("A member needs a mobile number."))
        if not (vals.get("name") or "").strip():
            raise UserError(_("A member needs a name."))
        store = store or self.env.user._chain_default_store()
        # a member is registered in a store of the caller's (headquarters: any store)
        self.env["res.users"]._chain_check_works_in(store)
        if vals.get("home_store_id") and vals["home_store_id"] != store.id:
            self.env["res.users"]._chain_check_works_in(
                self.env["chain.store"].browse(vals["home_store_id"]).exists()
            )
        values = {
            **vals,
            "is_member": True,
            "member_registration_channel": channel,
            "home_store_id": vals.get("home_store_id") or store.id,
        }
        return self.with_context(chain_consent_channel=channel).create(values)

    @api.model
    def _prepare_member_vals(self, vals, partner=None):
        """Complete and validate the values of a member being created or written: normalised
        mobile (unique among active members), member code, member since, channel."""
        mobile = vals.get("mobile", partner.mobile if partner else False)
        if not mobile:
            raise UserError(_("A member needs a mobile number."))
        country = self._chain_phone_country(vals, partner)
        normalised = self._phone_format(number=mobile, country=country, raise_exception=False)
        if not normalised:
            raise UserError(
                _(
                    "%(mobile)s is not a valid mobile number for %(country)s.",
                    mobile=mobile,
                    country=country.name,
                )
            )
        self._check_mobile_free(normalised, partner)
        vals["mobile"] = normalised
        if not (partner and partner.member_code) and not vals.get("member_code"):
            vals["member_code"] = self.env["ir.sequence"].sudo().next_by_code("chain.member.code")
        if not (partner and partner.member_since):
            vals.setdefault("member_since", fields.Date.context_today(self))
        if not (partner and partner.member_registration_channel):
            vals.setdefault(
                "member_registration_channel",
                "import" if self.env.context.get("import_file") else "store",
            )
        if not (partner and partner.home_store_id) and not vals.get("home_store_id"):
            vals["home_store_id"] = self.env.user._chain_default_store().id

    @api.model
    def _chain_phone_country(self, vals, partner=None):
        country_id = vals.get("country_id") or (partner.country_id.id if partner else False)
        return (
            self.env["res.country"].browse(country_id)
            if country_id
            else self.env.company.chain_phone_country_id or self.env.ref("base.cn")
        )

    @api.model
    def _check_mobile_free(self, mobile, partner=None):
        domain = [("mobile", "=", mobile), ("is_member", "=", True)]
        if partner:
            domain.append(("id", "!=", partner.id))
        other = self.sudo().search(domain, limit=1)
        if other:
            raise ValidationError(
                _(
                    "The mobile number %(mobile)s already belongs to member %(name)s "
                    "(%(code)s).",
                    mobile=mobile,
                    name=other.name,
                    code=other.member_code or "-",
                )
            )

    @api.model
    def _stamp_consents(self, vals):
        """Record when and through which channel a consent was given or withdrawn."""
        channel = self.env.context.get("chain_consent_channel", "store")
        for consent in CONSENTS:
            if consent in vals:
                vals.setdefault(f"{consent}_date", fields.Datetime.now())
                vals.setdefault(f"{consent}_channel", channel)

    def _chain_member_event(self, event, values=None, store=None):
        """Extension hook: a member event happened (registration, card_issued, topup, ...).

        Every addon of the suite calls it for the events listed in chain_member's README;
        chain_sms overrides it to notify the member. Here it only leaves a trace in the log
        at debug level, so that the event flow can be followed without any notifier.
        """
        _logger.debug("member event %s for %s at %s: %s", event, self.ids, store, values)

    @api.model
    def _chain_member_event_listened(self):
        """Whether an addon listens to member events (overrides ``_chain_member_event``):
        otherwise the facts an event carries need not be gathered."""
        return type(self)._chain_member_event is not ResPartner._chain_member_event

    @api.model
    def _chain_member_events(self, event, events):
        """Extension hook, batch form of :meth:`_chain_member_event` for the nightly jobs:
        ``events`` is a list of (member, values, store), one per member. Here one call of
        ``_chain_member_event`` per member; a notifier overrides it to handle the batch at
        once (e.g. one ``sms.sms`` create for the whole list). When no addon listens to
        ``_chain_member_event`` (only this module's trace), one trace for the batch."""
        if not self._chain_member_event_listened():
            _logger.debug("member event %s for %s members", event, len(events))
            return
        for partner, values, store in events:
            partner._chain_member_event(event, values, store=store)

    # ------------------------------------------------------------------------------------------
    # At the till
    # ------------------------------------------------------------------------------------------
    @api.model
    def chain_lookup_member(self, token):
        """Find the member behind what the cashier swiped, scanned or typed: a card number, a
        portal QR, a member code or a mobile number. Every branch is one exact match on an
        index that also loads what the till shows (record rules apply). Returns the member's
        till summary, or ``{"error": message}``."""
        token = (token or "").strip()
        if not token:
            return {"error": _("Swipe a card or type a mobile number.")}
        card = self._chain_find_card(token)
        if card:
            try:
                card._check_usable()
            except UserError as error:
                return {
                    "error": str(error),
                    "partner_id": card.partner_id.id,
                    "card_state": card.state,
                }
            return card.partner_id._chain_till_summary(card)
        partner, card = self._chain_find_member_and_card(token, with_summary=True)
        if not partner:
            return {"error": _("No member found for %(token)s.", token=token)}
        return partner._chain_till_summary(card)

    @api.model
    def _chain_find_card(self, token):
        """The card numbered ``token`` (or behind a portal QR), with what the till checks."""
        number = token.removeprefix(CARD_QR_PREFIX)
        Card = self.env["chain.member.card"]
        if not number.isdigit():
            return Card
        return Card.search_fetch([("number", "=", number)], CARD_LOOKUP_FIELDS, limit=1)

    @api.model
    def _chain_find_member(self, token):
        """The member whose member code or (normalised) mobile is ``token``."""
        return self._chain_find_member_and_card(token)[0]

    @api.model
    def _chain_find_member_and_card(self, token, with_summary=False):
        """(member, active card) for a member code or a mobile number, read by one statement
        that also puts the till's fields and the card in cache (record rules apply). With
        ``with_summary``, the same statement reads the columns of ``_chain_till_columns`` for
        the ``_chain_till_summary`` called next (the lookup's only statement)."""
        Card = self.env["chain.member.card"]
        if token.upper().startswith("M") and token[1:].isdigit():
            domain = [("member_code", "=", token.upper()), ("is_member", "=", True)]
        else:
            mobile = self._phone_format(
                number=token, country=self.env.company.chain_phone_country_id, raise_exception=False
            )
            if not mobile:
                return self.browse(), Card
            domain = [("mobile", "=", mobile), ("is_member", "=", True)]
        Card.check_access("read")
        Card.flush_model(CARD_LOOKUP_FIELDS)
        query = self._search(domain, limit=1, order="id")
        card_term = SQL(
            "(SELECT json_build_array(c.id, c.number, c.state, c.expiry_date) "
            "FROM chain_member_card c WHERE c.partner_id = %s AND c.state = 'active' "
            "ORDER BY c.id DESC LIMIT 1)",
            SQL.identifier(self._table, "id"),
        )
        columns = (
            self._chain_till_columns(SQL.identifier(self._table, "id")) if with_summary else {}
        )
        if columns:
            self._chain_flush_till()
        found = self._chain_fetch_till(query, [card_term, *columns.values()])
        if not found:
            return self.browse(), Card
        partner, (card_row, *extra) = found
        if columns:
            self._chain_prefetched_till()[partner.id] = dict(zip(columns, extra, strict=True))
        return partner, partner._chain_cache_card(card_row)

    def _chain_prefetched_till(self):
        """{member id: values of _chain_till_columns} read by the lookup's statement, taken
        by the ``_chain_till_summary`` that follows it (transaction-local)."""
        return self.env.cr.cache.setdefault("chain_till_prefetched", {})

    @api.model
    def _chain_flush_till(self):
        """Extension hook: flush the models whose tables ``_chain_till_columns`` reads."""
        self.env["ir.config_parameter"].flush_model()

    def _chain_cache_card(self, card_row):
        """The card of ``[id, number, state, expiry date]`` read with the member (or an
        empty recordset), its fields put in cache."""
        Card = self.env["chain.member.card"]
        if not card_row:
            return Card
        card = Card.browse(card_row[0])
        values = {
            "number": card_row[1],
            "state": card_row[2],
            "expiry_date": fields.Date.to_date(card_row[3]),
            "partner_id": self.id,
        }
        for name, value in values.items():
            self.env.cache.insert_missing(card, Card._fields[name], [value])
        return card

    def _chain_fetch_till(self, query, extra_columns):
        """Run ``query`` (a ``_search`` of res.partner: access rights and record rules
        applied) selecting the till's fields, which go in cache, and ``extra_columns`` (SQL
        terms). Returns (partner, [extra values]) of the first row, or None."""
        fields_ = [self._fields[name] for name in TILL_SUMMARY_FIELDS]
        terms = [SQL.identifier(self._table, "id")]
        terms += [self._field_to_sql(self._table, field.name, query) for field in fields_]
        rows = self.env.execute_query(query.select(*terms, *extra_columns))
        if not rows:
            return None
        row = rows[0]
        partner = self.browse(row[0])
        for field, value in zip(fields_, row[1 : 1 + len(fields_)], strict=True):
            self.env.cache.insert_missing(partner, field, [value])
        return partner, list(row[1 + len(fields_) :])

    @api.model
    def _chain_till_columns(self, partner):
        """Extension hook: {summary key: SQL term} added to the till summary by the statement
        that reads the member (``_chain_till_summary``, or the lookup itself). Each term is a
        scalar subquery on an index about the member whose id is the SQL term ``partner``.
        chain_wallet adds the stored value and the count cards, chain_loyalty the points."""
        return {}

    def _chain_till_summary(self, card):
        """What the till shows about a member, read in one statement: the member's fields,
        then every column of ``_chain_till_columns`` (record rules apply). Extension hook:
        chain_loyalty adds the points. The POS reads these keys (chain_loyalty's member
        panel): keep them."""
        self.ensure_one()
        extra = self._chain_prefetched_till().pop(self.id, None)
        if extra is None:
            self._chain_flush_till()
            columns = self._chain_till_columns(SQL("%s", self.id))
            query = self.with_context(active_test=False)._search([("id", "=", self.id)])
            found = self._chain_fetch_till(query, columns.values())
            if not found:
                self.fetch(TILL_SUMMARY_FIELDS)  # raises the access (or missing record) error
            extra = dict(zip(columns, found[1], strict=True)) if found else {}
        tier_name, tier_discount = self.env["chain.member.tier"]._chain_till_info(
            self.member_tier_id.id, self.env.lang or "en_US"
        )
        return {
            "partner_id": self.id,
            "name": self.name,
            "member_code": self.member_code,
            "mobile": self.mobile,
            "tier": tier_name,
            "tier_discount": tier_discount,
            "card_number": card.number if card else "",
            "card_state": card.state if card else "",
            "birthday_today": self._chain_birthday_on(fields.Date.context_today(self)),
            **extra,
        }

    def _chain_check_card_usable(self, card_number=False):
        """Raise a UserError if the card given (or the member's active card) cannot be used."""
        self.ensure_one()
        if card_number:
            card = self._chain_find_card(card_number)
            if not card or card.partner_id != self:
                raise UserError(
                    _(
                        "Card %(number)s is not a card of %(name)s.",
                        number=card_number,
                        name=self.name,
                    )
                )
            return card._check_usable()
        return True

    def _chain_check_cancellable(self, card):
        """Extension point: may ``card`` be cancelled? The stored-value part refuses while the
        member still has a balance to refund."""
        return True

    # ------------------------------------------------------------------------------------------
    # Birthdays: the one rule (tools/lunar_birthday.py); every addon asks these helpers
    # ------------------------------------------------------------------------------------------
    def _chain_birthday(self):
        """The birthday the member celebrates (``lunar_birthday.Birthday``: solar, or lunar
        with month, day and leap flag), or None."""
        self.ensure_one()
        return lunar_birthday.birthday_of(
            self.birthday_calendar,
            self.birthday,
            self.birthday_lunar_month,
            self.birthday_lunar_day,
            self.birthday_lunar_leap,
        )

    def _chain_birthday_on(self, day):
        """Whether the member's birthday (solar or lunar, with the fallbacks) is celebrated on
        ``day``."""
        return lunar_birthday.is_birthday(self._chain_birthday(), day)

    def _chain_birthday_in_scope(self, day, scope="day"):
        """Whether ``day`` is the member's birthday (``scope`` "day") or in the birthday month
        ("month": the solar month of ``day`` holds a birthday of the member that solar year;
        for a lunar birthday, the solar month it falls in). The scopes of the points program
        and the member promotions."""
        return lunar_birthday.in_birthday_scope(self._chain_birthday(), day, scope)

    def _chain_birthdays_between(self, date_from, date_to):
        """The days from ``date_from`` to ``date_to`` (both included) the member celebrates the
        birthday on, in order."""
        return lunar_birthday.birthdays_between(self._chain_birthday(), date_from, date_to)

    def _chain_birthdays_in_year(self, year):
        """The days of solar year ``year`` the member celebrates the birthday on (a lunar
        birthday: none, one or two)."""
        return lunar_birthday.birthdays_in_year(self._chain_birthday(), year)

    def _chain_birthday_in_month(self, year, month):
        """The day of that solar month the member celebrates the birthday on, or False."""
        return lunar_birthday.birthday_in_month(self._chain_birthday(), year, month) or False

    def _chain_next_birthday(self, on_or_after):
        """The first day on or after ``on_or_after`` the member celebrates the birthday on, or
        False."""
        return lunar_birthday.next_birthday(self._chain_birthday(), on_or_after) or False

    @api.model
    def _chain_birthday_query(self, date_from, date_to, changed_since=None):
        """SQL of the members' birthdays celebrated from ``date_from`` to ``date_to`` (rows
        ``partner_id, due_date, event_values``), of members changed since ``changed_since``
        when given: the set-based form of the rule for the nightly jobs (reminders, SMS
        greetings, segments)."""
        return lunar_birthday.birthday_sql(date_from, date_to, changed_since)

    # ------------------------------------------------------------------------------------------
    # Tiers
    # ------------------------------------------------------------------------------------------
    def _chain_rolling_spend(self, months):
        """What the member spent at the chain's tills over the last ``months`` months."""
        self.ensure_one()
        since = fields.Datetime.now() - relativedelta(months=months)
        self.env["pos.order"].flush_model(
            ["partner_id", "state", "amount_total", "chain_member_spend", "date_order"]
        )
        # chain_member_spend: the order total without stored-value top-ups
        self.env.cr.execute(
            """
            SELECT COALESCE(SUM(chain_member_spend), 0) FROM pos_order
             WHERE partner_id = %s AND state IN ('paid', 'done', 'invoiced') AND date_order >= %s
            """,
            [self.id, since],
        )
        return self.env.cr.fetchone()[0]

    def _chain_tier_points(self):
        """Extension point: the points the tiers count (chain_loyalty gives the balance)."""
        return 0

    def _chain_qualifying_tier(self):
        self.ensure_one()
        points = self._chain_tier_points()
        spend_by_months = {}
        best = self.env["chain.member.tier"]
        for tier in self.env["chain.member.tier"].search([]):
            months = tier.spend_months
            if months not in spend_by_months:
                spend_by_months[months] = self._chain_rolling_spend(months)
            if tier._qualifies(spend_by_months[months], points):
                best = tier
        return best

    def _chain_evaluate_tier(self, store=None, pos_order=None):
        """Upgrade at once when the member qualifies for a higher tier (after a purchase, a
        top-up...). Downgrades happen only in the nightly review."""
        for partner in self.filtered("is_member"):
            best = partner._chain_qualifying_tier()
            if best and (
                not partner.member_tier_id or best.sequence > partner.member_tier_id.sequence
            ):
                kind = "upgrade" if partner.member_tier_id else "initial"
                partner._chain_set_tier(best, kind, store=store, pos_order=pos_order)

    def _chain_set_tier(self, tier, kind, reason=None, store=None, pos_order=None):
        self.ensure_one()
        today = fields.Date.context_today(self)
        old = self.member_tier_id
        expiry = (
            today + relativedelta(months=tier.validity_months) if tier.validity_months else False
        )
        super().write(
            {"member_tier_id": tier.id, "member_tier_since": today, "member_tier_expiry": expiry}
        )
        self.env["chain.member.tier.history"].sudo().create(
            {
                "partner_id": self.id,
                "old_tier_id": old.id,
                "new_tier_id": tier.id,
                "kind": kind,
                "reason": reason,
                "store_id": store.id if store else False,
                "pos_order_id": pos_order.id if pos_order else False,
            }
        )
        if tier.sequence > old.sequence or not old:
            self._chain_member_event(
                "tier_upgrade",
                {"member_name": self.name, "date": fields.Date.to_string(today)},
                store=store,
            )
        return True

    @api.model
    def _cron_review_tiers(self, batch_size=5000):
        """Nightly: members whose tier has run out (validity + grace) keep it if they still
        qualify, else move to the tier they qualify for. Only those members are read, in
        batches committed one by one."""
        today = fields.Date.context_today(self)
        self.env.flush_all()
        query = """
            SELECT p.id FROM res_partner p JOIN chain_member_tier t ON t.id = p.member_tier_id
             WHERE p.is_member AND p.active AND p.member_tier_expiry IS NOT NULL
               AND p.member_tier_expiry + t.grace_days < %s
             ORDER BY p.id LIMIT %s
        """
        reviewed = 0
        while True:
            self.env.cr.execute(query, [today, batch_size])
            ids = [row[0] for row in self.env.cr.fetchall()]
            if not ids:
                return reviewed
            for partner in self.browse(ids):
                best = partner._chain_qualifying_tier()
                if best == partner.member_tier_id:
                    partner._chain_set_tier(best, "renewal")
                elif best:
                    partner._chain_set_tier(
                        best,
                        "downgrade"
                        if best.sequence < partner.member_tier_id.sequence
                        else "upgrade",
                    )
                else:
                    old = partner.member_tier_id
                    super(ResPartner, partner).write(
                        {
                            "member_tier_id": False,
                            "member_tier_since": False,
                            "member_tier_expiry": False,
                        }
                    )
                    self.env["chain.member.tier.history"].sudo().create(
                        {"partner_id": partner.id, "old_tier_id": old.id, "kind": "downgrade"}
                    )
            reviewed += len(ids)
            self._chain_commit_batch()

    def _chain_commit_batch(self):
        """Commit a nightly batch (not inside tests, which run in one transaction)."""
        if not modules.module.current_test:
            self.env.cr.commit()  # pylint: disable=invalid-commit
        self.env.invalidate_all()

    # ------------------------------------------------------------------------------------------
    # Smart buttons
    # ------------------------------------------------------------------------------------------
    def action_chain_view_cards(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "chain_member.chain_member_card_action"
        )
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {"default_partner_id": self.id}
        return action

    def action_chain_view_reminders(self):
        """The member's reminders (open first), from the Member 360 form."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "chain_member.chain_member_reminder_action_today"
        )
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {"search_default_filter_open": 1}
        action["display_name"] = _("Reminders of %(name)s", name=self.display_name)
        return action

    def action_chain_view_tier_history(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "chain_member.chain_member_tier_history_action"
        )
        action["domain"] = [("partner_id", "=", self.id)]
        return action

    # ------------------------------------------------------------------------------------------
    # Demo data
    # ------------------------------------------------------------------------------------------
    @api.model
    def _demo_create_members(self):
        """A few dozen demo members across the stores, with tiers, solar and lunar birthdays
        and cards (deterministic: the same members at every install)."""
        surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
        given = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "洋", "艳", "勇", "军", "杰", "娟"]
        stores = [
            self.env.ref(f"chain_member.{xmlid}")
            for xmlid in ("store_direct_1", "store_direct_2", "store_franchise", "store_hq")
        ]
        tiers = [
            self.env.ref(f"chain_member.tier_{key}")
            for key in ("regular", "regular", "silver", "gold", "diamond")
        ]
        for index in range(36):
            xmlid = f"chain_member.demo_member_{index:02d}"
            if self.env.ref(xmlid, raise_if_not_found=False):
                continue
            lunar = index % 5 == 0
            vals = {
                "name": surnames[index % len(surnames)] + given[index % len(given)],
                "mobile": f"+86 139 {1000 + index:04d} {2000 + index * 7:04d}",
                "gender": ("female", "male")[index % 2],
                "birthday_calendar": "lunar" if lunar else "solar",
                "marketing_consent": index % 3 != 0,
                "home_store_id": stores[index % len(stores)].id,
                "lang": "zh_CN" if self.env["res.lang"]._lang_get("zh_CN") else "en_US",
            }
            if lunar:
                vals.update(birthday_lunar_month=1 + index % 12, birthday_lunar_day=1 + index % 29)
            else:
                vals["birthday"] = f"{1970 + index % 35}-{1 + index % 12:02d}-{1 + index % 28:02d}"
            member = self.chain_register_member(vals, channel="store", store=stores[index % 4])
            tier = tiers[index % len(tiers)]
            member._chain_set_tier(tier, "initial", reason="Demo data")
            card = self.env["chain.member.card"].create(
                {
                    "partner_id": member.id,
                    "kind": ("magstripe", "electronic")[index % 2],
                    "store_id": stores[index % 4].id,
                }
            )
            card._activate(store=stores[index % 4])
            self.env["ir.model.data"]._update_xmlids(
                [{"xml_id": xmlid, "record": member, "noupdate": True}]
            )
