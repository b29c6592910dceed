import datetime
import hashlib
import hmac
import logging
import secrets

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

PURPOSES = [("portal_login", "Portal sign-in"), ("payment", "Stored-value payment")]
STATES = [
    ("pending", "Pending"),
    ("verified", "Verified"),
    ("used", "Used"),
    ("expired", "Expired"),
    ("blocked", "Too many attempts"),
    ("superseded", "Replaced by a newer code"),
]
DEFAULTS = {
    "chain_sms.code_ttl_minutes": 5,
    "chain_sms.code_max_attempts": 5,
    "chain_sms.code_min_interval_seconds": 60,
    "chain_sms.code_max_per_hour": 5,
}
LOGIN_TICKET_TTL = datetime.timedelta(minutes=2)


class ChainSmsVerification(models.Model):
    """A one-time code sent by SMS: portal sign-in, large stored-value payments.

    Only a keyed hash of the code is stored. A code expires after a few minutes, is blocked
    after a few wrong tries, and a number gets at most one code a minute and a few an hour.
    Service API (see README): :meth:`request_code` / :meth:`check_code`, and for payments
    :meth:`payment_requires_code`, :meth:`request_payment_code`, :meth:`check_payment_code`.
    """

    _name = "chain.sms.verification"
    _description = "SMS Verification Code"
    _order = "id desc"

    number = fields.Char(required=True, readonly=True, index=True)
    purpose = fields.Selection(PURPOSES, required=True, readonly=True)
    partner_id = fields.Many2one("res.partner", readonly=True, index="btree_not_null")
    reference = fields.Char(
        readonly=True, help="What the code is for, e.g. the payment's reference."
    )
    code_hash = fields.Char(readonly=True, groups="base.group_system")
    login_ticket_hash = fields.Char(readonly=True, groups="base.group_system")
    state = fields.Selection(STATES, default="pending", required=True, readonly=True)
    expires_at = fields.Datetime(required=True, readonly=True)
    attempt_count = fields.Integer(string="Wrong Attempts", readonly=True, default=0)
    verified_at = fields.Datetime(readonly=True)
    sms_id = fields.Many2one("sms.sms", string="SMS", readonly=True, ondelete="set null")
    requested_at = fields.Datetime(
        string="Requested On", required=True, readonly=True, default=fields.Datetime.now, index=True
    )

    # -- public service -----------------------------------------------------------------------
    @api.model
    def request_code(self, number, purpose, partner=None, reference=None, store=None):
        """Send a new code to ``number`` and return the verification record (its code is
        never returned). Raises UserError when the number asked too often."""
        self._check_service_access()
        if not number:
            raise UserError(_("A mobile number is needed to send a verification code."))
        Verification = self.sudo()
        # one request at a time per number, so that the rate limit holds under concurrency
        self.env.cr.execute(
            SQL("SELECT pg_advisory_xact_lock(hashtext(%s))", "chain_sms_code:" + number)
        )
        Verification._check_rate_limit(number)
        Verification.search(
            [("number", "=", number), ("purpose", "=", purpose), ("state", "=", "pending")]
        ).write({"state": "superseded"})
        code = f"{secrets.randbelow(10**6):06d}"
        ttl = self._param("chain_sms.code_ttl_minutes")
        verification = Verification.create(
            {
                "number": number,
                "purpose": purpose,
                "partner_id": partner.id if partner else False,
                "reference": reference or False,
                "expires_at": fields.Datetime.now() + datetime.timedelta(minutes=ttl),
            }
        )
        verification.code_hash = verification._hash(code)
        verification.sms_id = verification._send_code(code, ttl, partner, store)
        return verification

    @api.model
    def check_code(self, number, purpose, code, reference=None):
        """The verification record if ``code`` is the valid code of ``number`` for
        ``purpose`` (and ``reference``), now marked verified; else an empty recordset.

        A wrong code counts as an attempt even if the caller's transaction is rolled back."""
        self._check_service_access()
        domain = [("number", "=", number), ("purpose", "=", purpose), ("state", "=", "pending")]
        if reference:
            domain.append(("reference", "=", reference))
        verification = self.sudo().search(domain, limit=1)
        if not verification:
            return self.browse()
        if verification.expires_at < fields.Datetime.now():
            verification.state = "expired"
            return self.browse()
        if not hmac.compare_digest(verification.code_hash or "", verification._hash(code or "")):
            verification._count_wrong_attempt()
            return self.browse()
        verification.write({"state": "verified", "verified_at": fields.Datetime.now()})
        return verification

    @api.model
    def payment_requires_code(self, partner, amount, store=None):
        """Whether a balance payment of ``amount`` by ``partner`` needs an SMS code (the
        company of ``store`` enables it and the amount reaches its threshold)."""
        company = store.company_id if store else self.env.company
        company = company.sudo()
        return bool(
            company.chain_sms_payment_code
            and partner.sudo().mobile
            and company.currency_id.compare_amounts(
                amount, company.chain_sms_payment_code_threshold
            )
            >= 0
        )

    @api.model
    def request_payment_code(self, partner, amount, reference, store=None):
        """Send the member a code for the payment ``reference`` of ``amount``."""
        if not partner.mobile:
            raise UserError(
                _("%(name)s has no mobile number to send a code to.", name=partner.name)
            )
        return self.request_code(
            partner.mobile, "payment", partner=partner, reference=reference, store=store
        )

    @api.model
    def check_payment_code(self, partner, reference, code):
        """True if ``code`` confirms the payment ``reference`` of ``partner`` (one use)."""
        verification = self.check_code(partner.mobile, "payment", code, reference=reference)
        if verification:
            verification.state = "used"
        return bool(verification)

    @api.model
    def payment_confirmed(self, partner, order_uuid, total, store=None):
        """True when a code sent for the order ``order_uuid`` confirmed a payment of at least
        ``total`` from the balance of ``partner`` (what the order sync checks)."""
        currency = (store.company_id if store else self.env.company).currency_id
        needed = self._cents(total, currency)
        confirmed = self.sudo().search(
            [
                ("partner_id", "=", partner.id),
                ("purpose", "=", "payment"),
                ("state", "=", "used"),
                ("reference", "=like", f"{order_uuid}:%"),
            ]
        )
        return any(
            int(reference.rpartition(":")[2]) >= needed
            for reference in confirmed.mapped("reference")
            if reference.rpartition(":")[2].isdigit()
        )

    # -- payments at the till --------------------------------------------------------------------
    @api.model
    def _payment_reference(self, order_uuid, total, store=None):
        """The reference of a payment code: the order and the total it confirms (in cents)."""
        currency = (store.company_id if store else self.env.company).currency_id
        return f"{order_uuid}:{self._cents(total, currency)}"

    @api.model
    def _cents(self, amount, currency):
        return round(currency.round(amount or 0.0) * 100)

    @api.model
    def _pending_payment_code(self, partner, reference):
        """The code of ``reference`` still waiting for the member, if any."""
        return self.sudo().search(
            [
                ("partner_id", "=", partner.id),
                ("purpose", "=", "payment"),
                ("reference", "=", reference),
                ("state", "=", "pending"),
                ("expires_at", ">=", fields.Datetime.now()),
            ],
            limit=1,
        )

    @api.model
    def _payment_code_refusal(self, partner, reference):
        """Why the code given for ``reference`` was refused, as the cashier should hear it."""
        last = self.sudo().search(
            [
                ("partner_id", "=", partner.id),
                ("purpose", "=", "payment"),
                ("reference", "=", reference),
            ],
            limit=1,
        )
        if last.state == "blocked":
            return _("Too many wrong codes: send a new code to the member.")
        if last.state == "expired" or (
            last.state == "pending" and last.expires_at < fields.Datetime.now()
        ):
            return _("The code has expired: send a new code to the member.")
        if last.state != "pending":
            return _("No code is waiting for this payment: send a new code to the member.")
        return _("Wrong code: check the SMS and enter it again.")

    # -- portal sign-in ---------------------------------------------------------------------------
    def _issue_login_ticket(self):
        """A single-use secret that lets the verified member sign in (see res.users)."""
        self.ensure_one()
        ticket = secrets.token_urlsafe(32)
        self.sudo().login_ticket_hash = self._hash(ticket)
        return ticket

    @api.model
    def _consume_login_ticket(self, partner, ticket):
        """True once for a ticket issued to ``partner`` in the last minutes."""
        since = fields.Datetime.now() - LOGIN_TICKET_TTL
        candidates = self.sudo().search(
            [
                ("partner_id", "=", partner.id),
                ("purpose", "=", "portal_login"),
                ("state", "=", "verified"),
                ("verified_at", ">=", since),
            ]
        )
        for verification in candidates:
            expected = verification.login_ticket_hash or ""
            if expected and hmac.compare_digest(expected, verification._hash(ticket or "")):
                verification.write({"state": "used", "login_ticket_hash": False})
                return True
        return False

    # -- helpers -------------------------------------------------------------------------------
    @api.autovacuum
    def _gc_expired_codes(self):
        self.sudo().search(
            [("state", "=", "pending"), ("expires_at", "<", fields.Datetime.now())]
        ).write({"state": "expired"})

    @api.model
    def _check_service_access(self):
        """The service runs for staff and for the server's own routes (sudo), never for portal
        or public users calling it remotely (else anyone could send SMS to any number)."""
        if not (self.env.su or self.env.user._is_internal()):
            raise AccessError(_("Verification codes are requested through the sign-in page."))

    def _check_rate_limit(self, number):
        now = fields.Datetime.now()
        interval = datetime.timedelta(seconds=self._param("chain_sms.code_min_interval_seconds"))
        recent = self.search_count([("number", "=", number), ("requested_at", ">", now - interval)])
        hourly = self.search_count(
            [("number", "=", number), ("requested_at", ">", now - datetime.timedelta(hours=1))]
        )
        if recent or hourly >= self._param("chain_sms.code_max_per_hour"):
            raise UserError(
                _("Too many codes were requested for this number. Please try again later.")
            )

    def _count_wrong_attempt(self):
        """Count a wrong code in its own transaction, so that a caller's rollback cannot undo it
        (else a code could be guessed without limit)."""
        self.ensure_one()
        max_attempts = self._param("chain_sms.code_max_attempts")
        query = SQL(
            """UPDATE chain_sms_verification
                  SET attempt_count = COALESCE(attempt_count, 0) + 1,
                      state = CASE WHEN COALESCE(attempt_count, 0) + 1 >= %s
                                   THEN 'blocked' ELSE state END
                WHERE id = %s""",
            max_attempts,
            self.id,
        )
        self.flush_recordset()
        with self.env.registry.cursor() as cr:
            cr.execute(query)
            counted = cr.rowcount
        if not counted:  # created in this very transaction: invisible to another one
            self.env.cr.execute(query)
        self.invalidate_recordset(["attempt_count", "state"])

    def _hash(self, code):
        secret = self.env["ir.config_parameter"].sudo().get_param("database.secret", "")
        message = f"{self.id}:{self.number}:{code}".encode()
        return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()

    def _send_code(self, code, ttl, partner=None, store=None):
        event = self.env["chain.sms.event"]._get_by_code("verification_code")
        lang = (partner.lang if partner else None) or self.env.lang
        template = event._template_for_lang(lang) if event else None
        if not template:
            raise UserError(_("No SMS template for verification codes."))
        company = store.company_id if store else self.env.company
        gateway = company.sudo().chain_sms_gateway_id.filtered("active")
        values = {"code": code, "minutes": ttl}
        if partner:
            values["member_name"] = partner.name
        sms = (
            self.env["sms.sms"]
            .sudo()
            .create(
                self.env["sms.sms"]._chain_values(
                    self.number,
                    template,
                    values,
                    gateway,
                    partner=partner,
                    store=store,
                    not_after=self.expires_at,
                )
            )
        )
        return sms._chain_send_now()

    @api.model
    def _param(self, key):
        value = self.env["ir.config_parameter"].sudo().get_param(key)
        try:
            return int(value) if value else DEFAULTS[key]
        except ValueError:
            return DEFAULTS[key]
