import collections
import datetime
import hashlib
import hmac
import logging
import random
import re
import secrets
import time

from psycopg2 import errors

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

PURPOSES = [
    ("portal_login", "Portal sign-in"),
    ("portal_signup", "Portal sign-up"),
    ("payment", "Stored-value payment"),
]
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
    "chain_sms.code_max_per_requester_hour": 30,
}
# a code is six ASCII digits (never full-width or other Unicode digits)
CODE_PATTERN = re.compile(r"[0-9]{6}")
MAX_NUMBER = 32  # longest mobile number a client may give
MAX_REFERENCE = 64  # longest order reference (the till's order uuid)
ATTEMPT_RETRIES = 200  # a guess waiting for parallel guesses on the same code
CodeCheck = collections.namedtuple("CodeCheck", "verification reason ticket")
LOGIN_TICKET_TTL = datetime.timedelta(minutes=2)


class ChainSmsVerification(models.Model):
    """A one-time code sent by SMS: portal sign-in, large stored-value payments.

    Only a keyed hash of the code is stored. A code expires after a few minutes, is blocked
    after a few wrong tries, and a number gets at most one code a minute and a few an hour.
    Service API (private: see README): :meth:`_request_code` / :meth:`_try_code`, and for
    payments :meth:`_payment_requires_code`, :meth:`_request_payment_code`,
    :meth:`_check_payment_code`, :meth:`_payment_confirmed`.
    """

    _name = "chain.sms.verification"
    _description = "SMS Verification Code"
    _order = "id desc"

    number = fields.Char(required=True, readonly=True, index=True)
    purpose = fields.Selection(PURPOSES, required=True, readonly=True)
    partner_id = fields.Many2one("res.partner", readonly=True, index="btree_not_null")
    reference = fields.Char(
        readonly=True,
        index="btree_not_null",
        help="What the code is for: for a payment, the uuid of the till's order.",
    )
    amount = fields.Monetary(
        readonly=True, currency_field="currency_id", help="The payment the code confirms."
    )
    currency_id = fields.Many2one("res.currency", readonly=True)
    pos_order_id = fields.Many2one(
        "pos.order",
        string="Order",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        help="The order that took this confirmation (one confirmation serves one order).",
    )
    requester = fields.Char(
        readonly=True,
        index=True,
        groups="base.group_system",
        help="Who asked for the code (a user, a visitor's address), for the rate limit.",
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

    # -- service (private: reached only from the server's own flows) ------------------------
    @api.model
    def _request_code(
        self,
        number,
        purpose,
        partner=None,
        reference=None,
        store=None,
        amount=None,
        deliver="now",
        requester=None,
    ):
        """Create a new code for ``number`` and return the verification record (its code is
        never returned). Raises UserError when the number or the requester asked too often.

        :param amount: what the code authorises (payments), in the company's currency
        :param deliver: ``"now"`` sends the SMS at once, ``"queue"`` leaves it to the queue
            (the portal: every answer takes the same time), ``None`` sends nothing (an unknown
            number at the portal: the attempt is recorded as for a member, so that the rate
            limits answer the same way)
        :param requester: who asks, for the rate limit per requester (default: the user; the
            portal passes the visitor's address)
        """
        self._check_service_access()
        number = self._clean_number(number)
        if not number:
            raise UserError(_("A mobile number is needed to send a verification code."))
        if purpose not in dict(PURPOSES):
            raise UserError(_("Unknown purpose of a verification code."))
        requester = requester or f"user:{self.env.uid}"
        Verification = self.sudo()
        Verification._check_rate_limit(number, requester)
        pending = Verification.search(
            [("number", "=", number), ("purpose", "=", purpose), ("state", "=", "pending")]
        )
        pending.write({"state": "superseded"})
        pending.flush_recordset()
        code = f"{secrets.randbelow(10**6):06d}"
        ttl = self._param("chain_sms.code_ttl_minutes")
        currency = (store.company_id if store else self.env.company).currency_id
        verification = Verification.create(
            {
                "number": number,
                "purpose": purpose,
                "partner_id": partner.id if partner else False,
                "reference": reference or False,
                "amount": amount or 0.0,
                "currency_id": currency.id,
                "requester": requester,
                "expires_at": fields.Datetime.now() + datetime.timedelta(minutes=ttl),
            }
        )
        verification.code_hash = verification._hash(code)
        if deliver:
            verification.sms_id = verification._send_code(
                code, ttl, partner, store, now=deliver == "now"
            )
        return verification

    @api.model
    def _check_code(self, number, purpose, code, reference=None):
        """The verification record if ``code`` is the valid code of ``number`` for
        ``purpose`` (and ``reference``, matched exactly), now marked verified; else an empty
        recordset. See :meth:`_try_code`."""
        return self._try_code(number, purpose, code, reference=reference).verification

    @api.model
    def _try_code(
        self,
        number,
        purpose,
        code,
        reference=None,
        partner=None,
        amount=None,
        currency=None,
        final_state="verified",
        ticket_for=None,
    ):
        """Check ``code`` against the pending code of ``number`` for ``purpose``; the
        reference (and partner) must be exactly these, the amount at least ``amount``.

        Every guess is counted before it is compared, in a short transaction of its own that
        holds the code's row lock (:meth:`_attempt`): parallel guesses wait for each other,
        never more than the limit are compared, and a rollback of the caller does not give a
        guess back.

        :param final_state: ``verified`` (sign-in) or ``used`` (a payment: one use)
        :param ticket_for: a partner; issue a sign-in ticket when the code is theirs
        :return: ``CodeCheck(verification or empty, reason, ticket)``; ``reason`` is
            ``ok``, ``wrong``, ``blocked``, ``expired``, ``none`` (no code waiting)
        """
        self._check_service_access()
        empty = self.browse()
        number = self._clean_number(number)
        if not number or not isinstance(code, str):
            return CodeCheck(empty, "none", False)
        code = code.strip()
        domain = [("number", "=", number), ("purpose", "=", purpose), ("state", "=", "pending")]
        if reference is not None:
            domain.append(("reference", "=", reference or False))
        if partner is not None:
            domain.append(("partner_id", "=", partner.id))
        if amount is not None:
            currency = currency or self.env.company.currency_id
            domain.append(("amount", ">=", currency.round(amount) - currency.rounding / 2))
        verification = self.sudo().search(domain, limit=1)
        if not verification:
            return CodeCheck(empty, "none", False)
        ticket = False
        if ticket_for and verification.partner_id == ticket_for:
            ticket = secrets.token_urlsafe(32)
        reason = verification._attempt(
            code, final_state, verification._hash(ticket) if ticket else None
        )
        if reason != "ok":
            return CodeCheck(empty, reason, False)
        return CodeCheck(verification.with_env(self.env), reason, ticket)

    @api.model
    def _payment_requires_code(self, partner, amount, store=None):
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
    def _request_payment_code(self, partner, amount, order_uuid, store=None):
        """Send the member a code for a payment of ``amount`` from the balance by the order
        ``order_uuid``."""
        if not self._payment_reference(order_uuid):
            raise UserError(_("The order reference sent by the till is not valid."))
        partner = partner.sudo()
        if not partner.mobile:
            raise UserError(
                _("%(name)s has no mobile number to send a code to.", name=partner.name)
            )
        return self._request_code(
            partner.mobile,
            "payment",
            partner=partner,
            reference=self._payment_reference(order_uuid),
            store=store,
            amount=amount,
        )

    @api.model
    def _check_payment_code(self, partner, order_uuid, code, amount, store=None):
        """``(True, "")`` when ``code`` is the member's code for the order ``order_uuid`` and
        covers ``amount`` (it is then used: one use); else ``(False, why)``, as the cashier
        should hear it."""
        currency = (store.company_id if store else self.env.company).currency_id
        check = self._try_code(
            partner.sudo().mobile,
            "payment",
            code,
            reference=self._payment_reference(order_uuid),
            partner=partner,
            amount=amount,
            currency=currency,
            final_state="used",
        )
        if check.reason == "ok":
            return True, ""
        return False, self._payment_code_refusal(partner, order_uuid, check.reason)

    @api.model
    def _payment_confirmed(self, partner, order, total, store=None):
        """True when a code of ``partner`` for exactly this order (its uuid) confirmed a
        payment of at least ``total`` from the balance, and no other order took that
        confirmation (what the order sync checks). The confirmation is then bound to
        ``order``: one confirmation serves one order."""
        currency = (store.company_id if store else self.env.company).currency_id
        reference = self._payment_reference(order.uuid)
        if not reference:
            return False
        confirmed = self.sudo().search(
            [
                ("partner_id", "=", partner.id),
                ("purpose", "=", "payment"),
                ("state", "=", "used"),
                ("reference", "=", reference),
                ("amount", ">=", currency.round(total) - currency.rounding / 2),
                ("pos_order_id", "in", [False, order.id]),
            ],
            order="amount, id",
        )
        for verification in confirmed:
            # one guarded statement: two orders can never both take the same confirmation
            self.env.cr.execute(
                SQL(
                    """UPDATE chain_sms_verification SET pos_order_id = %(order)s
                        WHERE id = %(id)s AND (pos_order_id IS NULL OR pos_order_id = %(order)s)
                    RETURNING id""",
                    order=order.id,
                    id=verification.id,
                )
            )
            if self.env.cr.fetchone():
                verification.invalidate_recordset(["pos_order_id"])
                return True
        return False

    # -- payments at the till --------------------------------------------------------------------
    @api.model
    def _payment_reference(self, order_uuid):
        """The reference of a payment code: exactly the order's uuid (matched with ``=``, never
        as a pattern)."""
        if (
            not isinstance(order_uuid, str)
            or not order_uuid.strip()
            or len(order_uuid) > MAX_REFERENCE
        ):
            return False
        return order_uuid

    @api.model
    def _pending_payment_code(self, partner, order_uuid, amount, store=None):
        """The code of this order and amount still waiting for the member, if any."""
        currency = (store.company_id if store else self.env.company).currency_id
        return self.sudo().search(
            [
                ("partner_id", "=", partner.id),
                ("purpose", "=", "payment"),
                ("reference", "=", self._payment_reference(order_uuid)),
                ("state", "=", "pending"),
                ("expires_at", ">=", fields.Datetime.now()),
                ("amount", ">=", currency.round(amount) - currency.rounding / 2),
            ],
            limit=1,
        )

    @api.model
    def _payment_code_refusal(self, partner, order_uuid, reason="none"):
        """Why the code given for the order was refused, as the cashier should hear it."""
        if reason == "none":
            last = self.sudo().search(
                [
                    ("partner_id", "=", partner.id),
                    ("purpose", "=", "payment"),
                    ("reference", "=", self._payment_reference(order_uuid)),
                ],
                limit=1,
            )
            if last.state == "blocked":
                reason = "blocked"
            elif last.state == "expired" or (
                last.state == "pending" and last.expires_at < fields.Datetime.now()
            ):
                reason = "expired"
        if reason == "blocked":
            return _("Too many wrong codes: send a new code to the member.")
        if reason == "expired":
            return _("The code has expired: send a new code to the member.")
        if reason == "wrong":
            return _("Wrong code: check the SMS and enter it again.")
        return _("No code is waiting for this payment: send a new code to the member.")

    # -- portal sign-in ---------------------------------------------------------------------------
    @api.model
    def _consume_login_ticket(self, partner, ticket):
        """True once for a ticket issued to ``partner`` in the last minutes."""
        if not partner or not isinstance(ticket, str) or not ticket:
            return False
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
            if expected and hmac.compare_digest(
                expected.encode(), verification._hash(ticket).encode()
            ):
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

    def _check_rate_limit(self, number, requester):
        """Refuse a new code when ``number`` had one in the last interval or its hourly quota,
        or ``requester`` (a user, a visitor's address) its hourly quota.

        Holds under parallel requests: the request takes a lock per number and per requester
        that it keeps until it commits, and counts the codes that other transactions committed
        through a fresh transaction (the request's own snapshot may predate them), plus its
        own."""
        for key in (f"chain_sms_code:{number}", f"chain_sms_requester:{requester}"):
            self.env.cr.execute(SQL("SELECT pg_advisory_xact_lock(hashtext(%s))", key))
        now = fields.Datetime.now()
        interval = datetime.timedelta(seconds=self._param("chain_sms.code_min_interval_seconds"))
        hour_ago = now - datetime.timedelta(hours=1)
        if self._count_requests("number", number, now - interval) or self._count_requests(
            "number", number, hour_ago
        ) >= self._param("chain_sms.code_max_per_hour"):
            raise UserError(
                _("Too many codes were requested for this number. Please try again later.")
            )
        if self._count_requests("requester", requester, hour_ago) >= self._param(
            "chain_sms.code_max_per_requester_hour"
        ):
            raise UserError(_("Too many codes were requested. Please try again later."))

    def _count_requests(self, column, value, since):
        """The codes requested for ``column`` = ``value`` since ``since``: those committed by
        any transaction and those of this one."""
        self.flush_model()
        query = SQL(
            "SELECT id FROM chain_sms_verification WHERE %s = %s AND requested_at > %s",
            SQL.identifier(column),
            value,
            since,
        )
        self.env.cr.execute(query)
        ids = {row[0] for row in self.env.cr.fetchall()}
        with self.env.registry.cursor() as cr:
            cr.execute(query)
            ids.update(row[0] for row in cr.fetchall())
        return len(ids)

    def _attempt(self, code, final_state="verified", ticket_hash=None):
        """Count one guess of ``code`` and compare it, holding the code's row lock, in a
        transaction of its own (committed: a rollback of the caller gives no guess back).
        Returns ``ok``, ``wrong``, ``blocked``, ``expired`` or ``none``.

        The guess is counted only while fewer than the limit were made, and compared only when
        counted: N parallel guesses wait for each other's row lock (a guess that finds the row
        locked or changed since its snapshot starts again on a fresh one), so never more than
        the limit are compared, whatever N."""
        self.ensure_one()
        self.flush_recordset()
        reason = None
        for _retry in range(ATTEMPT_RETRIES):
            try:
                with self.env.registry.cursor() as cr:
                    reason = self._attempt_on(cr, code, final_state, ticket_hash)
                break
            except (errors.SerializationFailure, errors.LockNotAvailable):
                time.sleep(random.uniform(0.002, 0.02))  # noqa: S311 - not a secret
        else:
            raise UserError(_("The code could not be checked just now. Please try again."))
        if reason is None:
            # created in this very transaction: no other transaction can see it, nor guess at it
            reason = self._attempt_on(self.env.cr, code, final_state, ticket_hash)
        self.invalidate_recordset(["state", "attempt_count", "verified_at", "login_ticket_hash"])
        return reason

    def _attempt_on(self, cr, code, final_state, ticket_hash):
        cr.execute(
            SQL(
                """SELECT state, attempt_count, expires_at, code_hash
                     FROM chain_sms_verification WHERE id = %s FOR UPDATE NOWAIT""",
                self.id,
            ),
            log_exceptions=False,
        )
        row = cr.fetchone()
        if row is None:
            return None
        state, attempts, expires_at, code_hash = row
        now = fields.Datetime.now()
        if state != "pending":
            return state if state in ("blocked", "expired") else "none"
        max_attempts = self._param("chain_sms.code_max_attempts")
        for refused, condition in (
            ("expired", expires_at < now),
            ("blocked", attempts >= max_attempts),
        ):
            if condition:
                cr.execute(
                    SQL(
                        "UPDATE chain_sms_verification SET state = %s WHERE id = %s",
                        refused,
                        self.id,
                    )
                )
                return refused
        if self._code_matches(code_hash, code):
            cr.execute(
                SQL(
                    """UPDATE chain_sms_verification
                          SET state = %s, verified_at = %s, login_ticket_hash = %s
                        WHERE id = %s""",
                    final_state,
                    now,
                    ticket_hash,
                    self.id,
                )
            )
            return "ok"
        cr.execute(
            SQL(
                """UPDATE chain_sms_verification
                      SET attempt_count = attempt_count + 1,
                          state = CASE WHEN attempt_count + 1 >= %s THEN 'blocked' ELSE state END
                    WHERE id = %s
                RETURNING state""",
                max_attempts,
                self.id,
            )
        )
        return "blocked" if cr.fetchone()[0] == "blocked" else "wrong"

    def _code_matches(self, code_hash, code):
        """Whether ``code`` (six ASCII digits) is the code whose hash is ``code_hash``."""
        return bool(
            code_hash
            and isinstance(code, str)
            and CODE_PATTERN.fullmatch(code)
            and hmac.compare_digest(code_hash.encode(), self._hash(code).encode())
        )

    @api.model
    def _clean_number(self, number):
        """``number`` as given (a normalised mobile), or False when it cannot be one."""
        if not isinstance(number, str):
            return False
        number = number.strip()
        return number if 0 < len(number) <= MAX_NUMBER else False

    def _hash(self, code):
        secret = self.env["ir.config_parameter"].sudo().get_param("database.secret", "")
        message = f"{self.id}:{self.number}:{code}".encode()
        return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()

    def _send_code(self, code, ttl, partner=None, store=None, now=True):
        """Queue the SMS of ``code``; send it at once when ``now`` (else the queue sends it,
        triggered at once)."""
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
        if now:
            return sms._chain_send_now()
        sms._chain_trigger_queue()
        return sms

    @api.model
    def _param(self, key):
        value = self.env["ir.config_parameter"].sudo().get_param(key)
        try:
            return int(value) if value else DEFAULTS[key]
        except ValueError:
            return DEFAULTS[key]
