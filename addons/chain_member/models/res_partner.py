import json
import logging
from threading import current_thread

import phonenumbers
import psycopg2
from dateutil.relativedelta import relativedelta
from psycopg2.extensions import TRANSACTION_STATUS_IDLE
from werkzeug.urls import url_encode

from odoo import _, api, fields, models, modules, tools
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression
from odoo.sql_db import Cursor
from odoo.tools import SQL, consteq, html2plaintext
from odoo.tools.misc import hmac

from odoo.addons.auth_signup.models.res_users import SignupError

from ..tools import lunar_birthday
from ..tools.balance_turn import (
    BALANCE_TURNS,
    CANNOT_QUEUE,
    TURN_SCHEMA,
    TURN_STRIPES,
    TURN_TIMEOUT,
    create_turn_views,
    stripe_view,
)

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

# What an alliance merchant's till never receives about a member (see _chain_merchant_till).
MERCHANT_HIDDEN_FIELDS = (
    "street",
    "city",
    "state_id",
    "country_id",
    "vat",
    "phone",
    "zip",
    "mobile",
    "email",
    "barcode",
    "parent_name",
    "contact_address",
)

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

# What a member may change about themselves in the portal (everything else goes through a store:
# the mobile is the member's identity at the till and changes only after a check at the desk).
PORTAL_PROFILE_FIELDS = (
    "name",
    "gender",
    "birthday_calendar",
    "birthday",
    "birthday_lunar_month",
    "birthday_lunar_day",
    "birthday_lunar_leap",
    "marketing_consent",
    "transactional_consent",
)
PORTAL_CONSENTS = ("marketing_consent", "transactional_consent")
PORTAL_LIST_LIMIT = 10
MIN_PASSWORD_LENGTH = 8

# Fields never exported: secrets (tokens, PIN hashes) carry a ``groups`` restriction and are
# skipped too, see _chain_privacy_exportable_fields.
EXPORT_SKIPPED_TYPES = ("binary", "one2many")
EXPORT_SKIPPED_FIELDS = ("write_uid", "write_date")
# Credentials are never exported, whatever the model calls them.
EXPORT_SECRET_PARTS = ("token", "password", "secret", "_hash", "_salt")

# Personal data cleared from the partner (and its contacts) when a member is anonymised.
ANONYMISED_FIELDS = (
    "email",
    "phone",
    "mobile",
    "street",
    "street2",
    "zip",
    "city",
    "state_id",
    "country_id",
    "vat",
    "website",
    "comment",
    "function",
    "title",
    "ref",
    "company_name",
    "barcode",
    "image_1920",
    "gender",
    "birthday",
    "birthday_lunar_month",
    "birthday_lunar_day",
    "birthday_lunar_leap",
    "marketing_consent",
    "transactional_consent",
)
SCRUBBED = "[anonymised]"


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
        create_turn_views(self.env.cr)
        # The till's everyday identity: one active member per normalised mobile number, found by
        # an exact index lookup.
        self.env.cr.execute(
            "CREATE UNIQUE INDEX IF NOT EXISTS res_partner_member_mobile_unique "
            "ON res_partner (mobile) WHERE is_member AND active AND mobile IS NOT NULL"
        )
        # The till's prefix search (see _chain_prefix_search): index range scans only.
        self.env.cr.execute(
            """
            CREATE INDEX IF NOT EXISTS res_partner_chain_member_mobile_prefix
                ON res_partner (mobile text_pattern_ops) WHERE is_member AND active;
            CREATE INDEX IF NOT EXISTS res_partner_chain_member_code_prefix
                ON res_partner (member_code text_pattern_ops) WHERE member_code IS NOT NULL;
            CREATE INDEX IF NOT EXISTS res_partner_chain_member_name_prefix
                ON res_partner (lower(name) text_pattern_ops) WHERE is_member AND active;
            """
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

    # ==========================================================================================
    # The member portal
    # The member portal: what a member sees of themselves and may change, and self-signup.
    #
    # Portal users have no right on ``res.partner`` beyond reading their own contact, so the portal
    # controller calls these methods on ``sudo()`` of the member's own partner; each method works
    # on that one record and only on the fields listed in ``PORTAL_PROFILE_FIELDS``.
    # ==========================================================================================
    # ------------------------------------------------------------------------------------------
    # The member page (/my/member)
    # ------------------------------------------------------------------------------------------
    def _chain_portal_values(self):
        """Everything the member page shows, as plain values (extension point: the balance and
        points addons add their entries with ``super()``)."""
        self.ensure_one()
        card = self.member_card_id
        return {
            "member": self,
            "card": card,
            "card_number_display": self._chain_portal_group_digits(card.number),
            "card_qr_url": self._chain_portal_barcode_url("QR", CARD_QR_PREFIX + card.number)
            if card
            else False,
            "card_barcode_url": self._chain_portal_barcode_url("Code128", card.number)
            if card
            else False,
            "blocked_cards": self.member_card_ids.filtered(
                lambda c: c.state in ("lost", "expired")
            ),
            "tier_progress": self._chain_portal_tier_progress(),
            "birthday_text": self._chain_portal_birthday_text(),
            "balances": self._chain_portal_balances(),
            "tier_history": self.member_tier_history_ids[:PORTAL_LIST_LIMIT],
            "pos_orders": self._chain_portal_pos_orders(),
        }

    def _chain_portal_tier_progress(self):
        """Where the member stands against the next tier: the spend (and points) the next tier
        counts, over its own rolling period, against its thresholds."""
        self.ensure_one()
        current = self.member_tier_id
        tiers = self.env["chain.member.tier"].search([])
        higher = tiers.filtered(lambda tier: tier.sequence > current.sequence) if current else tiers
        next_tier = higher[:1]
        progress = {
            "current": current,
            "next": next_tier,
            "expiry": self.member_tier_expiry,
            "spend": 0.0,
            "spend_needed": 0.0,
            "points": 0,
            "points_needed": 0,
            "percent": 100 if current else 0,
            "currency": self.member_currency_id,
        }
        if not next_tier:
            return progress
        counted = next_tier._chain_counted_figures()
        percents = []
        if "spend" in counted:
            spend = self._chain_rolling_spend(next_tier.spend_months)
            needed = max(next_tier.spend_threshold - spend, 0.0)
            progress.update(
                spend=spend,
                spend_months=next_tier.spend_months,
                spend_needed=needed,
                spend_text=_(
                    "You spent %(amount)s in the last %(months)s months.",
                    amount=self._chain_portal_amount(spend),
                    months=next_tier.spend_months,
                ),
                spend_needed_text=needed
                and _(
                    "%(amount)s more to reach %(tier)s.",
                    amount=self._chain_portal_amount(needed),
                    tier=next_tier.name,
                ),
            )
            percents.append(self._chain_portal_percent(spend, next_tier.spend_threshold))
        self._chain_portal_tier_progress_more(next_tier, counted, progress, percents)
        progress.update(
            counts_spend="spend" in counted,
            counts_points="points" in counted,
            percent=(min(percents) if next_tier._chain_needs_every_figure() else max(percents))
            if percents
            else 0,
        )
        return progress

    def _chain_portal_tier_progress_more(self, next_tier, counted, progress, percents):
        """Extension hook: add to ``progress`` (and its percentage to ``percents``) the figures
        other than spend that ``next_tier`` counts (chain_loyalty: the points)."""

    def _chain_portal_balances(self):
        """The balance tiles of the member page, as ``{"key", "label", "value"}`` dicts, where
        ``value`` is already formatted. Extension point: chain_wallet adds the stored value,
        chain_loyalty the points."""
        self.ensure_one()
        balances = []
        return balances

    def _chain_portal_pos_orders(self, limit=PORTAL_LIST_LIMIT):
        self.ensure_one()
        return self.env["pos.order"].search(
            [("partner_id", "=", self.id), ("state", "!=", "cancel")],
            order="date_order desc, id desc",
            limit=limit,
        )

    # ------------------------------------------------------------------------------------------
    # Electronic card
    # ------------------------------------------------------------------------------------------
    def _chain_portal_issue_card(self):
        """Give a member without an active card an electronic card (the portal QR), issued by
        their home store, and return it."""
        self.ensure_one()
        self._chain_portal_check_member()
        if self.member_card_id:
            raise UserError(_("You already have the active card %s.", self.member_card_id.number))
        store = self.home_store_id or self.env["chain.store"].get_headquarters()
        Card = self.env["chain.member.card"]
        try:
            with self.env.cr.savepoint():
                card = Card.create(
                    {
                        "partner_id": self.id,
                        "kind": "electronic",
                        "store_id": store.id,
                        "expiry_date": Card._default_expiry_date(),
                    }
                )
                card._activate(reason=_("Requested in the member portal"), store=store)
        except psycopg2.errors.UniqueViolation as error:
            # a second request of the same member won the race: its card is the active one
            raise UserError(_("You already have an active card.")) from error
        return card

    # ------------------------------------------------------------------------------------------
    # Profile and consents
    # ------------------------------------------------------------------------------------------
    def _chain_portal_profile_form(self):
        """The profile form's initial values, as the form posts them."""
        self.ensure_one()
        return {
            "name": self.name,
            "gender": self.gender or "",
            "birthday_calendar": self.birthday_calendar or "solar",
            "birthday": fields.Date.to_string(self.birthday) or "",
            "birthday_lunar_month": self.birthday_lunar_month or "",
            "birthday_lunar_day": self.birthday_lunar_day or "",
            "birthday_lunar_leap": self.birthday_lunar_leap,
            "marketing_consent": self.marketing_consent,
            "transactional_consent": self.transactional_consent,
        }

    def _chain_portal_update_profile(self, data):
        """Apply the member's profile form (a dict of strings as posted). Only the fields of
        ``PORTAL_PROFILE_FIELDS`` are read; a consent is written (and so stamped with the date
        and the 'portal' channel) only when it changes. Raises ValidationError on bad input."""
        self.ensure_one()
        self._chain_portal_check_member()
        vals = self._chain_portal_profile_vals(data)
        for consent in PORTAL_CONSENTS:
            if vals[consent] == self[consent]:
                del vals[consent]
        changed = {name: value for name, value in vals.items() if self[name] != value}
        if changed:
            self.with_context(chain_consent_channel="portal").write(changed)
        return changed

    @api.model
    def _chain_portal_profile_vals(self, data):
        name = (data.get("name") or "").strip()
        if not name:
            raise ValidationError(_("Please enter your name."))
        if len(name) > 128:
            raise ValidationError(_("Your name is too long (128 characters at most)."))
        gender = data.get("gender") or False
        if gender and gender not in dict(GENDERS):
            raise ValidationError(_("Please choose a gender from the list."))
        calendar = data.get("birthday_calendar") or "solar"
        if calendar not in ("solar", "lunar"):
            raise ValidationError(_("Please choose the solar or the lunar calendar."))
        vals = {
            "name": name,
            "gender": gender,
            "birthday_calendar": calendar,
            "birthday": self._chain_portal_parse_birthday(data.get("birthday")),
            "birthday_lunar_month": 0,
            "birthday_lunar_day": 0,
            "birthday_lunar_leap": False,
            "marketing_consent": bool(data.get("marketing_consent")),
            "transactional_consent": bool(data.get("transactional_consent")),
        }
        if calendar == "lunar":
            month = self._chain_portal_int(data.get("birthday_lunar_month"))
            day = self._chain_portal_int(data.get("birthday_lunar_day"))
            if not lunar_birthday.is_valid_lunar(month, day):
                raise ValidationError(
                    _("A lunar birthday needs a month from 1 to 12 and a day from 1 to 30.")
                )
            vals.update(
                birthday_lunar_month=month,
                birthday_lunar_day=day,
                birthday_lunar_leap=bool(data.get("birthday_lunar_leap")),
            )
        return vals

    @api.model
    def _chain_portal_parse_birthday(self, value):
        if not value:
            return False
        try:
            birthday = fields.Date.to_date(value)
        except ValueError as error:
            raise ValidationError(_("Please enter your birthday as a date.")) from error
        today = fields.Date.context_today(self)
        if birthday > today or birthday.year < 1900:
            raise ValidationError(_("Please enter a real date of birth."))
        return birthday

    # ------------------------------------------------------------------------------------------
    # Self-signup (/member/signup)
    # ------------------------------------------------------------------------------------------
    @api.model
    def _chain_portal_signup_stores(self):
        """The stores a member signing up may choose as home store."""
        return self.env["chain.store"].search([("kind", "in", ("direct", "franchise"))])

    @api.model
    def _chain_portal_signup(self, data):
        """Register a member from the signup form and give them a portal user whose login is
        their normalised mobile number. Returns ``(member, login)``. Call it on ``sudo()``.

        The steps, each a method an addon can extend:

        1. :meth:`_chain_portal_signup_check` validates the form;
        2. :meth:`_chain_portal_signup_verify` proves the visitor holds the mobile number (no-op
           here; chain_sms overrides it to check a one-time code sent by SMS, read from
           ``data["sms_code"]``);
        3. ``chain_register_member(..., channel="portal")`` registers the member;
        4. the portal user is created from the portal template user (auth_signup);
        5. the member gets an electronic card, so that the QR is there at the first visit.
        """
        values = self._chain_portal_signup_check(data)
        self._chain_portal_signup_verify(values, data)
        store = values.pop("store")
        password = values.pop("password")
        # all or nothing: a member without an account (or the reverse) is never left behind
        with self.env.cr.savepoint():
            member = self.chain_register_member(values, channel="portal", store=store or None)
            try:
                user = self.env["res.users"]._signup_create_user(
                    {
                        "login": member.mobile,
                        "partner_id": member.id,
                        "password": password,
                        **({"email": member.email} if member.email else {}),
                    }
                )
            except SignupError as error:
                raise UserError(
                    _("An account already exists for this mobile number: please sign in.")
                ) from error
            member._chain_portal_issue_card()
        return member, user.login

    @api.model
    def _chain_portal_signup_check(self, data):
        name = (data.get("name") or "").strip()
        mobile = (data.get("mobile") or "").strip()
        email = (data.get("email") or "").strip()
        password = data.get("password") or ""
        if not name or not mobile:
            raise UserError(_("Please enter your name and your mobile number."))
        if len(name) > 128:
            raise UserError(_("Your name is too long (128 characters at most)."))
        if email and not tools.single_email_re.match(email):
            raise UserError(_("%s is not a valid email address.", email))
        if len(password) < MIN_PASSWORD_LENGTH:
            raise UserError(_("Choose a password of at least %s characters.", MIN_PASSWORD_LENGTH))
        if password != data.get("confirm_password"):
            raise UserError(_("The two passwords are not the same."))
        if not data.get("transactional_consent"):
            raise UserError(
                _("Please agree to receive messages about your membership (needed for the card).")
            )
        mobile = self._phone_format(
            number=mobile, country=self._chain_phone_country({}), raise_exception=False
        )
        if not mobile:
            raise UserError(_("Please enter a valid mobile number."))
        self._chain_portal_check_mobile_free(mobile)
        store = self.env["chain.store"]
        if data.get("home_store_id"):
            store = self._chain_portal_signup_stores().filtered(
                lambda s: s.id == self._chain_portal_int(data["home_store_id"])
            )
            if not store:
                raise UserError(_("Please choose a store from the list."))
        values = {
            "name": name,
            "mobile": mobile,
            "marketing_consent": bool(data.get("marketing_consent")),
            "transactional_consent": True,
            "store": store,
            "password": password,
        }
        if email:
            values["email"] = email
        lang = self.env["res.lang"]._lang_get(self.env.context.get("lang") or "")
        if lang:
            values["lang"] = lang.code
        return values

    @api.model
    def _chain_portal_signup_verify(self, values, data):
        """Extension hook: prove the visitor holds ``values["mobile"]`` (normalised, e.g.
        +8613800138000) before anything is written; raise a UserError to refuse. chain_sms
        checks here the one-time code it sent (``data["sms_code"]``), e.g. with
        ``chain.sms.verification.check_code(values["mobile"], "signup", data.get("sms_code"))``."""
        return True

    @api.model
    def _chain_portal_check_mobile_free(self, mobile):
        """Refuse a (normalised) mobile number that already belongs to a member, naming the
        member the way a public page may: initials only, never the full name, the member code
        or the card (the backend and the till get the full name from
        ``chain_register_member``)."""
        existing = self.sudo().search([("mobile", "=", mobile), ("is_member", "=", True)], limit=1)
        if existing:
            raise ValidationError(
                _(
                    "The mobile number %(mobile)s already belongs to member %(name)s. If this is "
                    "you, sign in with this number, or ask at any of our stores to open your "
                    "online account.",
                    mobile=existing.mobile,
                    name=self._chain_portal_mask_name(existing.name),
                )
            )

    # ------------------------------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------------------------------
    def _chain_portal_check_member(self):
        if not self.is_member:
            raise UserError(_("This page is for members of the chain."))

    @api.model
    def _chain_portal_barcode_url(self, barcode_type, value):
        size = (
            {"width": 240, "height": 240} if barcode_type == "QR" else {"width": 480, "height": 90}
        )
        return "/report/barcode/?" + url_encode(
            {"barcode_type": barcode_type, "value": value, **size}
        )

    def _chain_portal_amount(self, amount):
        return tools.format_amount(self.env, amount, self.member_currency_id)

    def _chain_portal_birthday_text(self):
        """The birthday as the member page shows it: the solar date of birth, or the lunar
        birthday in words with the solar date it is next celebrated on (the chain's rule,
        ``_chain_next_birthday``)."""
        self.ensure_one()
        birthday = self._chain_birthday()
        if birthday and birthday.lunar:
            values = {"month": birthday.month, "day": birthday.day}
            if birthday.leap:
                text = _("Lunar calendar: leap month %(month)s, day %(day)s", **values)
            else:
                text = _("Lunar calendar: month %(month)s, day %(day)s", **values)
            upcoming = self._chain_next_birthday(fields.Date.context_today(self))
            if upcoming:
                text = _(
                    "%(birthday)s (next celebrated on %(date)s)",
                    birthday=text,
                    date=tools.format_date(self.env, upcoming),
                )
            return text
        return tools.format_date(self.env, self.birthday) if self.birthday else ""

    @staticmethod
    def _chain_portal_group_digits(number):
        number = number or ""
        return " ".join(number[i : i + 4] for i in range(0, len(number), 4))

    @staticmethod
    def _chain_portal_mask_name(name):
        """'Li Lei' -> 'L* L**', '王小明' -> '王**': enough for the member to recognise the
        account, not enough to learn who owns a number."""
        return " ".join(word[:1] + "*" * (len(word) - 1) for word in (name or "").split())

    @staticmethod
    def _chain_portal_percent(value, threshold):
        if threshold <= 0:
            return 100
        return max(0, min(100, int(value * 100 / threshold)))

    @staticmethod
    def _chain_portal_int(value):
        try:
            return int(value or 0)
        except (TypeError, ValueError):
            return 0

    # ==========================================================================================
    # Privacy requests
    # Privacy requests of a member, for headquarters only: export everything held on the
    # member, and anonymise the member while every ledger keeps its rows and amounts.
    # ==========================================================================================
    member_anonymised_date = fields.Datetime(
        string="Anonymised On",
        readonly=True,
        copy=False,
        help="The member's personal data was removed on request on this date.",
    )

    # ------------------------------------------------------------------------------------------
    # Export
    # ------------------------------------------------------------------------------------------
    def chain_privacy_export(self, reason=None):
        """Everything the database holds on this member, as a JSON-serialisable dict: every
        field of the partner, its portal users, its lines in every ``chain.*`` model (cards,
        tier history, stored value, count cards... found through their ``partner_id``), its
        POS orders, the operation log lines about any of these and its chatter. Headquarters
        only; logged as ``member_export`` (the log line holds counts, not the data)."""
        self.ensure_one()
        self._chain_privacy_check_hq()
        member = self.sudo().with_context(active_test=False)
        related = member._chain_privacy_related_records()
        data = {
            "exported_at": fields.Datetime.to_string(fields.Datetime.now()),
            "member": member._chain_privacy_serialise(member)[0],
            "portal_users": [
                {
                    "login": user.login,
                    "active": user.active,
                    "created": fields.Datetime.to_string(user.create_date),
                    "last_login": fields.Datetime.to_string(user.login_date),
                }
                for user in member.user_ids
            ],
            "records": {
                model: member._chain_privacy_serialise(records)
                for model, records in related.items()
            },
            "pos_orders": member._chain_privacy_pos_orders(),
            "operation_log": member._chain_privacy_serialise(
                member._chain_privacy_log_lines(related)
            ),
            "messages": member._chain_privacy_messages(),
        }
        counts = {model: len(rows) for model, rows in data["records"].items()}
        counts.update(
            pos_orders=len(data["pos_orders"]),
            operation_log=len(data["operation_log"]),
            messages=len(data["messages"]),
        )
        self.env["chain.operation.log"]._log_operation(
            "member_export", self, after={"sections": counts}, reason=reason
        )
        return data

    def chain_privacy_export_file(self, reason=None):
        """The export as a JSON file: ``(filename, bytes)``."""
        self.ensure_one()
        data = self.chain_privacy_export(reason=reason)
        content = json.dumps(data, ensure_ascii=False, indent=1, default=str).encode()
        day = fields.Date.to_string(fields.Date.context_today(self))
        return f"member_{self.sudo().member_code or self.id}_{day}.json", content

    # ------------------------------------------------------------------------------------------
    # Anonymise
    # ------------------------------------------------------------------------------------------
    def chain_privacy_anonymise(self, reason, store=None):
        """Remove the member's identity on request, keeping every row that carries an amount.

        The partner keeps its id (so orders, stored value, count cards, points and accounting
        still sum the same) but loses name, contact data, address, birthday and consents; it
        stops being a member and is archived. Its cards are cancelled (numbers kept), its portal
        users archived with their login replaced, its chatter deleted, the contact copies on its
        POS orders cleared, and its name and contact data scrubbed from the operation log lines
        about it. Refused while stored value or count-card uses are left (pay them out or
        expire them first: an anonymous member can no longer be paid). Headquarters only;
        logged as ``member_anonymise`` without any personal data."""
        self.ensure_one()
        self._chain_privacy_check_hq()
        if not (reason or "").strip():
            raise UserError(_("Say why the member is anonymised (e.g. the member's request)."))
        member = self.sudo().with_context(tracking_disable=True)
        member._chain_check_anonymisable()
        identity = member._chain_privacy_identity()
        related = member._chain_privacy_related_records()
        counts = {
            "cards_cancelled": member._chain_anonymise_cards(store),
            "users_archived": member._chain_anonymise_users(),
            "messages_deleted": member._chain_anonymise_messages(),
            "pos_orders_cleared": member._chain_anonymise_pos_orders(),
        }
        member._chain_anonymise_notes(identity)
        member._chain_anonymise_partner()
        counts["log_lines_scrubbed"] = member._chain_anonymise_log(related, identity)
        self.env["chain.operation.log"]._log_operation(
            "member_anonymise",
            self,
            after=counts,
            reason=self._chain_privacy_scrub(reason, identity),
            store=store,
        )
        return counts

    def _chain_check_anonymisable(self):
        """Raise a UserError when the member cannot be anonymised (extension point)."""
        self.ensure_one()
        if self.member_anonymised_date:
            raise UserError(_("This member was already anonymised."))
        if not self.is_member:
            raise UserError(_("%s is not a member.", self.display_name))
        if self.user_ids.filtered(lambda user: not user.share):
            raise UserError(
                _(
                    "%s is also a user of the backend: remove that user's access first.",
                    self.display_name,
                )
            )
        owed = self._chain_privacy_owed()
        if owed:
            raise UserError(
                _(
                    "%(name)s still has %(what)s. Pay it out, refund or expire it before "
                    "anonymising: afterwards nobody can tell who it belongs to.",
                    name=self.display_name,
                    what=", ".join(owed),
                )
            )

    def _chain_privacy_owed(self):
        """Extension hook: what the chain still owes the member, as labels (chain_wallet: the
        stored value, count-card uses); a member owed something is not anonymised."""
        self.ensure_one()
        return []

    def _chain_anonymise_cards(self, store):
        cards = self.member_card_ids.filtered(
            lambda card: card.state in ("draft", "active", "lost", "expired")
        )
        for card in cards:
            card._cancel(_("Member anonymised on request"), store=store)
        return len(cards)

    def _chain_anonymise_users(self):
        users = self.user_ids
        for user in users:
            user.write({"login": f"anonymised-{user.id}", "active": False})
        if users:
            self.env["res.device.log"].search([("user_id", "in", users.ids)]).unlink()
        return len(users)

    def _chain_anonymise_messages(self):
        messages = self.env["mail.message"].search(
            [("model", "=", "res.partner"), ("res_id", "=", self.id)]
        )
        count = len(messages)
        messages.unlink()
        self.activity_ids.unlink()
        authored = self.env["mail.message"].search([("author_id", "=", self.id)])
        authored.write({"email_from": False})
        if "sms.sms" in self.env:
            self.env["sms.sms"].search([("partner_id", "=", self.id)]).unlink()
        return count

    def _chain_anonymise_pos_orders(self):
        """POS orders keep the customer and every amount; only their copy of the contact
        details goes."""
        Order = self.env["pos.order"]
        Order.flush_model(["email", "mobile"])
        self.env.cr.execute(
            """UPDATE pos_order SET email = NULL, mobile = NULL
                WHERE partner_id = %s AND (email IS NOT NULL OR mobile IS NOT NULL)""",
            [self.id],
        )
        Order.invalidate_model(["email", "mobile"])
        return self.env.cr.rowcount

    def _chain_anonymise_notes(self, identity):
        """Free-text notes of the member's own records (tier changes, card blocks) may name the
        member: scrub them. Ledger lines are append-only and keep their text (see README)."""
        for records, name in (
            (self.member_tier_history_ids, "reason"),
            (self.member_card_ids, "blocked_reason"),
        ):
            for record in records.filtered(name):
                scrubbed = self._chain_privacy_scrub(record[name], identity)
                if scrubbed != record[name]:
                    record.sudo().write({name: scrubbed})

    def _chain_anonymise_partner(self):
        # two writes: a member cannot lose its mobile, so it stops being a member first
        self.write({"is_member": False})
        name = _("Anonymised member %s", self.member_code or self.id)
        vals = self._chain_anonymised_vals()
        # the anonymisation stamp is a protected field: written by this operation only
        self.sudo().with_context(chain_consent_channel="store").write(
            {
                **vals,
                "name": name,
                "birthday_calendar": "solar",
                "active": False,
                "member_anonymised_date": fields.Datetime.now(),
            }
        )
        for contact in self.with_context(active_test=False).child_ids.with_context(
            active_test=True
        ):
            contact.write({**vals, "name": _("Anonymised contact"), "active": False})

    def _chain_anonymised_vals(self):
        vals = {}
        for name in ANONYMISED_FIELDS:
            field = self._fields.get(name)
            if field:
                vals[name] = 0 if field.type == "integer" else False
        return vals

    def _chain_anonymise_log(self, related, identity):
        """Scrub the member's identity from the operation log lines about the member or its
        records: the one sanctioned rewrite of the append-only log, for this transaction only."""
        lines = self._chain_privacy_log_lines(related)
        if not lines or not identity:
            return 0
        Log = self.env["chain.operation.log"]
        Log.flush_model()
        cr = self.env.cr
        cr.execute("SET LOCAL chain.allow_log_rewrite = 'on'")
        try:
            for text in identity:
                in_json = json.dumps(text, ensure_ascii=False)[1:-1]
                cr.execute(
                    """
                    UPDATE chain_operation_log
                       SET record_name = replace(record_name, %(text)s, %(new)s),
                           reason = replace(reason, %(text)s, %(new)s),
                           values_before = replace(values_before::text, %(json)s, %(new)s)::jsonb,
                           values_after = replace(values_after::text, %(json)s, %(new)s)::jsonb
                     WHERE id IN %(ids)s
                    """,
                    {"text": text, "json": in_json, "new": SCRUBBED, "ids": tuple(lines.ids)},
                )
            cr.execute(
                """UPDATE chain_operation_log SET record_name = %s
                    WHERE res_model = 'res.partner' AND res_id = %s""",
                [self.display_name, self.id],
            )
        finally:
            cr.execute("SET LOCAL chain.allow_log_rewrite = 'off'")
        Log.invalidate_model()
        return len(lines)

    # ------------------------------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------------------------------
    def _chain_privacy_check_hq(self):
        if not self.env.su and not self.env.user.has_group("chain_member.group_chain_hq_manager"):
            raise AccessError(
                _("Only a headquarters manager can export or anonymise a member's data.")
            )

    @api.model
    def _chain_privacy_models(self):
        """The models holding lines of a member: every ``chain.*`` model with a stored
        ``partner_id`` to res.partner (extension point for models named otherwise)."""
        names = []
        for name in sorted(self.env.registry):
            Model = self.env[name]
            field = Model._fields.get("partner_id")
            if (
                name.startswith("chain.")
                and not Model._transient
                and not Model._abstract
                and field
                and field.store
                and field.type == "many2one"
                and field.comodel_name == "res.partner"
            ):
                names.append(name)
        return names

    def _chain_privacy_related_records(self):
        related = {}
        for name in self._chain_privacy_models():
            records = self.env[name].search([("partner_id", "=", self.id)], order="id")
            if records:
                related[name] = records
        return related

    def _chain_privacy_log_lines(self, related):
        domain = [("res_model", "=", "res.partner"), ("res_id", "=", self.id)]
        for model, records in related.items():
            domain = expression.OR(
                [domain, [("res_model", "=", model), ("res_id", "in", records.ids)]]
            )
        return self.env["chain.operation.log"].search(domain, order="id")

    def _chain_privacy_pos_orders(self):
        orders = self.env["pos.order"].search([("partner_id", "=", self.id)], order="id")
        rows = []
        for order, values in zip(orders, self._chain_privacy_serialise(orders), strict=True):
            values["lines"] = self._chain_privacy_serialise(order.lines)
            values["payments"] = self._chain_privacy_serialise(order.payment_ids)
            rows.append(values)
        return rows

    def _chain_privacy_messages(self):
        messages = self.env["mail.message"].search(
            [("model", "=", "res.partner"), ("res_id", "=", self.id)], order="id"
        )
        return [
            {
                "date": fields.Datetime.to_string(message.date),
                "type": message.message_type,
                "author": message.author_id.display_name or message.email_from or "",
                "subject": message.subject or "",
                "body": html2plaintext(message.body or ""),
                "changes": [
                    {
                        "field": tracking.field_id.field_description,
                        "old": tracking._format_display_value(tracking.field_id.ttype, False)[0],
                        "new": tracking._format_display_value(tracking.field_id.ttype, True)[0],
                    }
                    for tracking in message.tracking_value_ids
                ],
            }
            for message in messages
        ]

    @api.model
    def _chain_privacy_exportable_fields(self, model):
        return [
            name
            for name, field in self.env[model]._fields.items()
            if field.store
            and field.type not in EXPORT_SKIPPED_TYPES
            and not field.groups
            and name not in EXPORT_SKIPPED_FIELDS
            and not any(part in name for part in EXPORT_SECRET_PARTS)
        ]

    @api.model
    def _chain_privacy_serialise(self, records):
        """Records as plain dicts: stored fields, relations by id and name."""
        names = self._chain_privacy_exportable_fields(records._name)
        rows = []
        for record in records:
            row = {}
            for name in names:
                field, value = records._fields[name], record[name]
                if field.type == "many2one":
                    row[name] = {"id": value.id, "name": value.display_name} if value else None
                elif field.type == "many2many":
                    row[name] = value.mapped("display_name")
                elif field.type in ("date", "datetime"):
                    row[name] = value.isoformat() if value else None
                else:
                    row[name] = value
            rows.append(row)
        return rows

    def _chain_privacy_identity(self):
        """The strings that identify the member (to scrub from free text), longest first."""
        texts = {
            self.name,
            self.display_name,
            self.mobile,
            self.phone,
            self.email,
            *self.user_ids.mapped("login"),
        }
        for number in (self.mobile, self.phone):
            texts.add(self._chain_privacy_national_number(number))
        return sorted((t for t in texts if t and len(t) >= 2), key=len, reverse=True)

    @api.model
    def _chain_privacy_national_number(self, number):
        """'+8613800138000' -> '13800138000': the way people write their own number."""
        if not number:
            return False
        try:
            return str(phonenumbers.parse(number, None).national_number)
        except phonenumbers.NumberParseException:
            return False

    @api.model
    def _chain_privacy_scrub(self, text, identity):
        for secret in identity:
            text = text.replace(secret, SCRUBBED)
        return text

    # ==========================================================================================
    # Members' turns on their balances
    # ==========================================================================================
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
            views = SQL(", ").join(SQL.identifier(TURN_SCHEMA, stripe_view(s)) for s in stripes)
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

    # ------------------------------------------------------------------------------------------
    # At the till: the cashier's member experience (search, panel, quick registration, lookup)
    # ------------------------------------------------------------------------------------------
    @api.model
    def _load_pos_data_fields(self, config_id):
        """The till tells members from other customers (the member panel, the search)."""
        return super()._load_pos_data_fields(config_id) + ["is_member", "member_code"]

    @api.model
    def chain_pos_member_summary(self, partner_id, config_id=False, till_token=False):
        """The till's member panel for ``partner_id`` (empty dict for a non-member). An alliance
        merchant gets it only for a member its till identified today (``till_token``, given by
        ``chain_pos_identify`` / ``chain_pos_search``) or its stores have served: never for
        any member by id."""
        merchant = self._chain_merchant_till(config_id)
        partner = (self.sudo() if merchant else self).browse(partner_id).exists()
        if not partner or not partner.is_member:
            return {}
        if (
            merchant
            and not consteq(till_token or "", self._chain_till_token(partner.id))
            and not partner._chain_served_in(self.env.user.sudo().chain_store_ids)
        ):
            return {}
        summary = partner._chain_till_summary(partner.member_card_id)
        return self._chain_merchant_summary(summary) if merchant else summary

    @api.model
    def chain_pos_identify(self, token, config_id=False):
        """A card swiped or scanned, a portal QR or a typed mobile at the till: the member's POS
        fields and till summary, or {"error": message}. Every lookup is an exact match, so an
        alliance merchant's till may use it too (without the member's contact details)."""
        merchant = self._chain_merchant_till(config_id)
        finder = self.sudo() if merchant else self
        summary = finder.chain_lookup_member(token)
        if summary.get("error") or not summary.get("partner_id"):
            return {"error": summary.get("error") or _("No member found.")}
        partner = finder.browse(summary["partner_id"])
        return {
            "summary": self._chain_merchant_summary(summary) if merchant else summary,
            "res.partner": partner._chain_pos_rows(config_id, merchant),
        }

    @api.model
    def chain_pos_search(self, query, config_id=False, limit=20):
        """The till's member search as the cashier types: the exact match (card number, portal
        QR, member code or mobile) first, then members whose mobile, member code or name starts
        with ``query``, through indexed prefix lookups only (never a scan of all partners).
        Returns {"exact_id", "ids", "res.partner": [POS fields of the partners]}. An alliance
        merchant's till gets the exact match only: it never browses the members."""
        query = (query or "").strip()
        result = {"exact_id": False, "ids": [], "res.partner": []}
        if len(query) < 2:
            return result
        merchant = self._chain_merchant_till(config_id)
        finder = self.sudo() if merchant else self
        exact = finder.chain_lookup_member(query)
        ids = []
        if exact.get("partner_id") and not exact.get("error"):
            result["exact_id"] = exact["partner_id"]
            ids.append(exact["partner_id"])
        if merchant:
            partners = finder.browse(ids)
            if ids:  # the panel of the member found (with its till token)
                result["summaries"] = {ids[0]: self._chain_merchant_summary(exact)}
        else:
            ids += [pid for pid in self._chain_prefix_search(query, limit) if pid not in ids]
            # the prefix lookups are raw SQL: keep only what the user may read (record rules)
            partners = self.browse(ids[:limit])._filtered_access("read")
        result["ids"] = partners.ids
        result["res.partner"] = partners._chain_pos_rows(config_id, merchant)
        return result

    @api.model
    def _chain_prefix_search(self, query, limit):
        """Ids of members whose mobile (national number), member code or name starts with
        ``query``: three index range scans (see init) joined by UNION."""
        digits = query.replace(" ", "").replace("-", "")
        country = self.env.company.chain_phone_country_id or self.env.ref("base.cn")
        like = self._chain_like_prefix
        branches, params = [], []
        if digits.lstrip("+").isdigit():
            prefix = digits if digits.startswith("+") else f"+{country.phone_code}{digits}"
            branches.append(
                "(SELECT id FROM res_partner WHERE is_member AND active AND mobile LIKE %s "
                "ORDER BY mobile LIMIT %s)"
            )
            params += [like(prefix), limit]
        if query[:1].upper() == "M" and query[1:].isdigit():
            branches.append(
                "(SELECT id FROM res_partner WHERE member_code LIKE %s "
                "ORDER BY member_code LIMIT %s)"
            )
            params += [like(query.upper()), limit]
        if not digits.isdigit():
            branches.append(
                "(SELECT id FROM res_partner WHERE is_member AND active AND lower(name) LIKE %s "
                "ORDER BY lower(name) LIMIT %s)"
            )
            params += [like(query.lower()), limit]
        if not branches:
            return []
        self.env.cr.execute(" UNION ALL ".join(branches), params)  # noqa: S608
        seen, ids = set(), []
        for (pid,) in self.env.cr.fetchall():
            if pid not in seen:
                seen.add(pid)
                ids.append(pid)
        return ids[:limit]

    @staticmethod
    def _chain_like_prefix(text):
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"

    @api.model
    def chain_pos_register(self, vals, config_id):
        """Quick registration at the till (name and mobile): returns the POS fields of the new
        member and its till summary."""
        config = self.env["pos.config"].browse(config_id)
        store = config.chain_store_id
        if not store:
            raise UserError(_("This point of sale belongs to no chain store."))
        values = {key: vals.get(key) for key in ("name", "mobile") if vals.get(key)}
        partner = self.chain_register_member(values, channel="pos", store=store)
        return {
            "res.partner": partner.read(self._load_pos_data_fields(config_id), load=False),
            "summary": partner._chain_till_summary(partner.member_card_id),
        }

    @api.model
    def _chain_merchant_till(self, config_id):
        """Whether the user is an alliance merchant at one of its own tills.

        Members are hidden from alliance merchants (record rule of chain_member): their till
        finds a member only through the exact lookups of the till services, which then read the
        member as superuser and leave out the contact details. A merchant at another store's
        till is refused. Chain staff (and superuser) get False: they read members under their
        own rights."""
        user = self.env.user
        if (
            self.env.su
            or not user.has_group("chain_member.group_chain_partner_merchant")
            or user.has_group("chain_member.group_chain_cashier")
        ):
            return False
        store = self.env["pos.config"].sudo().browse(config_id).exists().chain_store_id
        if not store or store not in user.sudo().chain_store_ids:
            raise AccessError(_("This point of sale is not one of your stores."))
        return True

    def _chain_pos_rows(self, config_id, merchant=False):
        """The POS fields of these partners for the till (without the contact details when
        the till is an alliance merchant's)."""
        rows = self.read(self._load_pos_data_fields(config_id), load=False)
        if merchant:
            for row in rows:
                row.update({name: False for name in MERCHANT_HIDDEN_FIELDS if name in row})
        return rows

    @api.model
    def _chain_till_token(self, partner_id):
        """Proof that this user's till identified the member ``partner_id`` today."""
        today = fields.Date.to_string(fields.Date.context_today(self))
        return hmac(self.env(su=True), "chain_loyalty.till", f"{self.env.uid}:{partner_id}:{today}")

    @api.model
    def _chain_merchant_summary(self, summary):
        """A till summary for an alliance merchant: the mobile number reduced to its last four
        digits (enough to confirm the member with them) and the till token that lets the till
        refresh this member's panel today. Extension hook: chain_loyalty leaves out the
        rewards."""
        mobile = summary.get("mobile") or ""
        return dict(
            summary,
            mobile=f"···{mobile[-4:]}" if mobile else "",
            till_token=self._chain_till_token(summary["partner_id"]),
        )

    def _chain_served_in(self, stores):
        """Whether this member has an order in one of ``stores``. Extension hook: chain_loyalty
        counts the points movements too."""
        self.ensure_one()
        return bool(
            self.env["pos.order"]
            .sudo()
            .search_count(
                [("partner_id", "=", self.id), ("config_id.chain_store_id", "in", stores.ids)],
                limit=1,
            )
        )
