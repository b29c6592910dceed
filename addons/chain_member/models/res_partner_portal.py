import psycopg2
from werkzeug.urls import url_encode

from odoo import _, api, fields, models, tools
from odoo.exceptions import UserError, ValidationError

from odoo.addons.auth_signup.models.res_users import SignupError

from ..tools import lunar_birthday
from .res_partner import CARD_QR_PREFIX, GENDERS

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


class ResPartner(models.Model):
    """The member portal: what a member sees of themselves and may change, and self-signup.

    Portal users have no right on ``res.partner`` beyond reading their own contact, so the portal
    controller calls these methods on ``sudo()`` of the member's own partner; each method works
    on that one record and only on the fields listed in ``PORTAL_PROFILE_FIELDS``.
    """

    _inherit = "res.partner"

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
