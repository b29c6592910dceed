import hashlib
import hmac
import re
import secrets
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

# How a payment from the balance takes principal and bonus (chain-wide setting).
SPEND_ORDERS = [
    ("principal_first", "Principal first, then bonus"),
    ("bonus_first", "Bonus first, then principal"),
    ("pro_rata", "Principal and bonus in proportion"),
]
PIN_ITERATIONS = 100_000
# A payment PIN is what the till's keypad types: 4 to 8 ASCII digits (never full-width digits or
# other Unicode digits, which str.isdigit() accepts).
PIN_PATTERN = re.compile(r"[0-9]{4,8}")
# Columns that move only through the guarded SQL statements of this model (never an ORM write,
# not even a sudo one).
GUARDED_FIELDS = frozenset(
    {
        "principal",
        "bonus",
        "partner_id",
        "currency_id",
        "last_principal",
        "last_bonus",
        "pin_hash",
        "pin_salt",
        "pin_failures",
        "pin_locked_until",
        "transaction_ids",
    }
)


class ChainWalletAccount(models.Model):
    """The balance guard of one member's stored value in one currency.

    The balance itself is the sum of the member's ledger lines (``chain.wallet.transaction``).
    This row caches that sum split into principal and bonus, so that a payment can check and
    debit it with ONE conditional SQL statement (see :meth:`_move`): the row is locked by the
    statement, and under Odoo's REPEATABLE READ a concurrent change makes the statement fail
    with a serialization error, on which Odoo retries the whole request. The row moves only in
    the same transaction as the ledger line that explains it; ``_check_ledger_consistency``
    proves the cache equals the ledger. The ``CHECK`` constraints make an overdraft impossible
    even for raw SQL.
    """

    _name = "chain.wallet.account"
    _description = "Stored-Value Account"
    _order = "id desc"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner",
        string="Member",
        required=True,
        readonly=True,
        ondelete="restrict",
        index=True,
    )
    currency_id = fields.Many2one("res.currency", required=True, readonly=True)
    principal = fields.Monetary(readonly=True, help="Money the member paid in and has not spent.")
    bonus = fields.Monetary(readonly=True, help="Bonus granted on top-ups, not withdrawable.")
    balance = fields.Monetary(compute="_compute_balance")
    # The principal and bonus parts of the last movement, returned by the guarded UPDATE (its SET
    # expressions see the row as it was before the statement).
    last_principal = fields.Monetary(readonly=True)
    last_bonus = fields.Monetary(readonly=True)
    pin_hash = fields.Char(readonly=True, groups="base.group_system", copy=False)
    pin_salt = fields.Char(readonly=True, groups="base.group_system", copy=False)
    has_pin = fields.Boolean(compute="_compute_has_pin")
    pin_failures = fields.Integer(readonly=True, copy=False)
    pin_locked_until = fields.Datetime(readonly=True, copy=False)
    transaction_ids = fields.One2many("chain.wallet.transaction", "account_id", readonly=True)

    _sql_constraints = [
        (
            "partner_currency_unique",
            "unique(partner_id, currency_id)",
            "A member has one stored-value account per currency.",
        ),
        ("principal_not_negative", "CHECK(principal >= 0)", "The principal cannot be negative."),
        ("bonus_not_negative", "CHECK(bonus >= 0)", "The bonus cannot be negative."),
    ]

    @api.depends("principal", "bonus")
    def _compute_balance(self):
        for account in self:
            account.balance = account.principal + account.bonus

    def _compute_has_pin(self):
        rows = dict(self.sudo().mapped(lambda a: (a.id, bool(a.pin_hash))))
        for account in self:
            account.has_pin = rows.get(account.id, False)

    @api.model_create_multi
    def create(self, vals_list):  # pylint: disable=method-required-super
        # accounts are opened by the service (_get_or_create, one race-proof statement)
        raise AccessError(_("A stored-value account is opened by the stored-value service only."))

    def write(self, vals):
        if not self.env.su:
            raise AccessError(_("A stored-value account changes only through its service."))
        if GUARDED_FIELDS & set(vals):
            raise UserError(_("A stored-value balance changes only through its ledger."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(_("A stored-value account cannot be deleted."))

    # ------------------------------------------------------------------------------------------
    # The guard
    # ------------------------------------------------------------------------------------------
    @api.model
    def _get_or_create(self, partner, currency):
        """The account of ``partner`` in ``currency``, created empty when missing (race-proof:
        ``INSERT .. ON CONFLICT DO NOTHING``)."""
        cr = self.env.cr
        cr.execute(
            """
            INSERT INTO chain_wallet_account (partner_id, currency_id, principal, bonus,
                last_principal, last_bonus, pin_failures,
                create_uid, create_date, write_uid, write_date)
            VALUES (%(partner)s, %(currency)s, 0, 0, 0, 0, 0,
                %(uid)s, now() at time zone 'UTC', %(uid)s, now() at time zone 'UTC')
            ON CONFLICT (partner_id, currency_id) DO NOTHING
            RETURNING id
            """,
            {"partner": partner.id, "currency": currency.id, "uid": self.env.uid},
        )
        row = cr.fetchone()
        if not row:
            cr.execute(
                "SELECT id FROM chain_wallet_account WHERE partner_id = %s AND currency_id = %s",
                (partner.id, currency.id),
            )
            row = cr.fetchone()
        return self.browse(row[0])

    @api.model
    def _find(self, partner, currency):
        self.env.cr.execute(
            "SELECT id FROM chain_wallet_account WHERE partner_id = %s AND currency_id = %s",
            (partner.id, currency.id),
        )
        row = self.env.cr.fetchone()
        return self.browse(row[0] if row else ())

    @api.model
    def _move(
        self,
        partner_id,
        currency_id,
        mode,
        amount=0.0,
        principal=0.0,
        bonus=0.0,
        spend_order="principal_first",
    ):
        """Move the cached balance of ``partner_id`` in ``currency_id`` with ONE guarded
        statement; return ``(account id, principal_delta, bonus_delta, principal_after,
        bonus_after)``, or None when the guard refused (no account, not enough balance).

        The statement locks the row; under REPEATABLE READ a concurrent change of the row since
        the transaction's snapshot makes it fail with a serialization error (Odoo then retries
        the whole request), so two tills can never both spend the same money.

        :param mode: ``credit`` (add ``principal``/``bonus``), ``spend`` (take ``amount`` in the
            ``spend_order``), ``debit`` (take exactly ``principal`` and ``bonus``),
            ``withdraw`` (take ``principal`` and void the bonus in proportion)
        """
        params = {
            "partner": partner_id,
            "currency": currency_id,
            "a": amount,
            "p": principal,
            "b": bonus,
            "uid": self.env.uid,
        }
        if mode == "credit":
            take_p, take_b, guard = "(-(%(p)s::numeric))", "(-(%(b)s::numeric))", "TRUE"
        elif mode == "spend":
            take_p, take_b = self._spend_expressions(spend_order)
            guard = "principal + bonus >= %(a)s::numeric"
        elif mode == "debit":
            take_p, take_b = "%(p)s::numeric", "%(b)s::numeric"
            guard = "principal >= %(p)s::numeric AND bonus >= %(b)s::numeric"
        elif mode == "withdraw":
            take_p = "%(p)s::numeric"
            take_b = (
                "CASE WHEN principal = %(p)s::numeric THEN bonus "
                "ELSE LEAST(bonus, ROUND(bonus * %(p)s::numeric / principal, 2)) END"
            )
            guard = "principal >= %(p)s::numeric AND principal > 0"
        else:
            raise ValueError(mode)
        # The fragments above are constants of this method; every value is a bound parameter.
        query = f"""
            UPDATE chain_wallet_account
               SET last_principal = -({take_p}), last_bonus = -({take_b}),
                   principal = principal - ({take_p}), bonus = bonus - ({take_b}),
                   write_uid = %(uid)s, write_date = now() at time zone 'UTC'
             WHERE partner_id = %(partner)s AND currency_id = %(currency)s AND {guard}
            RETURNING id, last_principal, last_bonus, principal, bonus
        """  # noqa: S608
        # a serialization failure here is expected under contention: no "bad query" log
        self.env.cr.execute(query, params, log_exceptions=False)
        row = self.env.cr.fetchone()
        if row:
            self.browse(row[0]).invalidate_recordset(
                ["principal", "bonus", "last_principal", "last_bonus"]
            )
        return row

    @staticmethod
    def _spend_expressions(spend_order):
        """SQL expressions of the principal and bonus taken by a payment of ``%(a)s``; they read
        the row as it was before the statement."""
        if spend_order == "bonus_first":
            take_b = "LEAST(bonus, %(a)s::numeric)"
        elif spend_order == "pro_rata":
            take_b = (
                "GREATEST(%(a)s::numeric - principal, LEAST(bonus, "
                "ROUND(%(a)s::numeric * bonus / NULLIF(principal + bonus, 0), 2)))"
            )
        else:
            take_p = "LEAST(principal, %(a)s::numeric)"
            return take_p, f"(%(a)s::numeric - {take_p})"
        return f"(%(a)s::numeric - {take_b})", take_b

    # ------------------------------------------------------------------------------------------
    # Payment PIN
    # ------------------------------------------------------------------------------------------
    def _set_pin(self, pin):
        self.ensure_one()
        if not self._pin_is_well_formed(pin):
            raise UserError(
                _(
                    "The payment PIN must be 4 to 8 digits 0-9, as typed on the till's keypad "
                    "(full-width digits such as １２３４ or other characters are not accepted)."
                )
            )
        salt = secrets.token_hex(16)
        self.env.cr.execute(
            """UPDATE chain_wallet_account SET pin_hash = %s, pin_salt = %s, pin_failures = 0,
                      pin_locked_until = NULL WHERE id = %s""",
            (self._hash_pin(pin, salt), salt, self.id),
        )
        self.invalidate_recordset(["pin_hash", "pin_salt", "pin_failures", "pin_locked_until"])

    def _hash_pin(self, pin, salt):
        # The database secret peppers the hash: a stolen table alone does not give the PINs.
        pepper = self.env["ir.config_parameter"].sudo().get_param("database.secret", "")
        digest = hashlib.pbkdf2_hmac(
            "sha256", (pepper + pin).encode(), salt.encode(), PIN_ITERATIONS
        )
        return digest.hex()

    @staticmethod
    def _pin_is_well_formed(pin):
        return isinstance(pin, str) and bool(PIN_PATTERN.fullmatch(pin))

    def _verify_pin(self, pin):
        """Check ``pin``; count the failures and lock the PIN after too many. Raise UserError
        when refused. The caller must not roll the failure count back with the refusal:
        ``res.partner.chain_wallet_authorize`` turns the error into its answer, so that the
        transaction that counted the failure commits.

        The attempt is counted BEFORE the PIN is compared, by one guarded statement that also
        refuses a locked PIN (:meth:`_count_pin_attempt`); a right PIN then resets the counter
        in the same transaction. Two parallel guesses therefore both count: the row lock of the
        first makes the second wait, and under REPEATABLE READ the second fails with a
        serialization error and is retried by Odoo with a fresh snapshot, where it sees the new
        count (or the lock). No guess is ever compared once the limit is reached.
        """
        self.ensure_one()
        row = self._count_pin_attempt()
        if row is None:
            self._raise_pin_unavailable()
        failures, pin_hash, salt, max_failures, lock_minutes = row
        if self._pin_is_well_formed(pin) and hmac.compare_digest(
            self._hash_pin(pin, salt), pin_hash
        ):
            self._reset_pin_lock()  # this attempt and the earlier failures are forgotten
            return True
        if failures >= max_failures:
            raise UserError(
                _(
                    "Wrong payment PIN. The PIN is now locked for %(minutes)s minutes.",
                    minutes=lock_minutes,
                )
            )
        raise UserError(
            _(
                "Wrong payment PIN (%(left)s attempts left).",
                left=max(max_failures - failures, 0),
            )
        )

    def _count_pin_attempt(self):
        """Count one PIN attempt with ONE guarded statement, unless the PIN is locked or unset.
        Return (failures counted, pin hash, salt, max failures, lock minutes), or None when
        refused (locked, or no PIN)."""
        max_failures, lock_minutes = self._pin_max_failures(), self._pin_lock_minutes()
        now = fields.Datetime.now()
        # a serialization failure here is expected under parallel guesses: no "bad query" log
        self.env.cr.execute(
            """UPDATE chain_wallet_account
                  SET pin_failures = pin_failures + 1,
                      pin_locked_until = CASE WHEN pin_failures + 1 >= %(max)s
                          THEN %(until)s ELSE pin_locked_until END
                WHERE id = %(id)s AND pin_hash IS NOT NULL
                  AND (pin_locked_until IS NULL OR pin_locked_until <= %(now)s)
            RETURNING pin_failures, pin_hash, pin_salt""",
            {
                "id": self.id,
                "max": max_failures,
                "now": now,
                "until": now + timedelta(minutes=lock_minutes),
            },
            log_exceptions=False,
        )
        row = self.env.cr.fetchone()
        self.invalidate_recordset(["pin_failures", "pin_locked_until"])
        if row is None:
            return None
        return (*row, max_failures, lock_minutes)

    def _raise_pin_unavailable(self):
        account = self.sudo()
        if not account.pin_hash:
            raise UserError(_("This member has no payment PIN yet. Set one in the backend first."))
        raise UserError(
            _(
                "The payment PIN is locked after too many wrong attempts. Try again after "
                "%(time)s or ask a store manager to unlock it.",
                time=fields.Datetime.to_string(account.pin_locked_until),
            )
        )

    def _reset_pin_lock(self):
        self.env.cr.execute(
            "UPDATE chain_wallet_account SET pin_failures = 0, pin_locked_until = NULL "
            "WHERE id IN %s",
            (tuple(self.ids),),
        )
        self.invalidate_recordset(["pin_failures", "pin_locked_until"])

    def _pin_max_failures(self):
        return self._pin_setting("chain_member.wallet_pin_max_failures", 5)

    def _pin_lock_minutes(self):
        return self._pin_setting("chain_member.wallet_pin_lock_minutes", 30)

    def _pin_setting(self, name, default):
        """A positive integer setting (a broken or non-positive value falls back to the
        default: a PIN lock that can be switched off by a typo is no lock)."""
        value = self.env["ir.config_parameter"].sudo().get_param(name, default)
        try:
            number = int(value)
        except (TypeError, ValueError):
            return default
        return number if number > 0 else default
