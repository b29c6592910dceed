import hashlib
import hmac
import re
import secrets
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, float_round

from odoo.addons.chain_member.tools.amounts import check_amount

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
    def _find(self, partner, currency, turn=False):
        """The account of ``partner`` in ``currency``, or an empty recordset.

        :param turn: look it up as the first statement of the member's turn
            (``res.partner._chain_wait_balance_turn``), in the same round trip as the lock:
            the money services take the turn anyway, and a lookup before it would open the
            snapshot the turn then has to drop
        """
        query = SQL(
            "SELECT id FROM chain_wallet_account WHERE partner_id = %s AND currency_id = %s",
            partner.id,
            currency.id,
        )
        if turn:
            partner._chain_wait_balance_turn(then=query)
        else:
            self.env.cr.execute(query)
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
    # The stored-value service (the one door for the money: README.md, "The service")
    # ------------------------------------------------------------------------------------------
    # Reached as ``member._chain_wallet_account(store)._pay(...)``. Every method checks the
    # caller's right in the store first (``res.partner._chain_wallet_prepare``), as the caller
    # (the account's environment); the ledger moves the balance in one guarded statement.
    def _service_store(self, operation, store):
        """The member of this account and the store of an operation (sudo), after the checks
        every service makes first: the caller's right for ``operation`` in the store (none when
        ``operation`` is None), members only for operations that credit, and the store's
        company keeps its stored value in this account's currency."""
        self.ensure_one()
        partner = self.partner_id
        if operation:
            store = partner._chain_wallet_prepare(operation, store)
        else:
            store = partner._chain_wallet_store(store)
        if partner._chain_wallet_store_info(store.id)[1] != self.currency_id.id:
            raise UserError(
                _(
                    "This stored-value account is kept in %(currency)s: %(store)s keeps its "
                    "stored value in another currency.",
                    currency=self.sudo().currency_id.name,
                    store=store.display_name,
                )
            )
        return partner, store

    def _stored(self, create=False):
        """This account as a saved record (sudo). The account of a member who has none yet is
        an unsaved record (see ``res.partner._chain_wallet_account``): then the saved account,
        opened now when ``create`` (race-proof), else an empty recordset."""
        self.ensure_one()
        if self.id:
            return self.sudo()
        Account = self.sudo().browse()
        if create:
            return Account._get_or_create(self.partner_id, self.currency_id)
        return Account._find(self.partner_id, self.currency_id)

    def _topup(self, amount, store=None, journal=None, key=None, pos_order=None, reason=None):
        """Credit ``amount`` of principal, plus the bonus of the applicable top-up rule.

        :param journal: the cash/bank journal the money came in through (backend top-up; posts
            the journal entry now). A POS top-up passes ``pos_order`` instead: the session's
            closing entry books the money and the bonus.
        :return: the ledger line (``chain.wallet.transaction``)
        """
        partner, store = self._service_store("topup", store)
        currency = store.company_id.currency_id
        amount = currency.round(check_amount(self.env, amount, _("The top-up")))
        if amount <= 0:
            raise UserError(_("A top-up needs a positive amount."))
        if not journal and not pos_order:
            raise UserError(_("Say how the top-up was paid: a cash or bank journal."))
        if journal:
            partner._chain_wallet_check_journal(journal, store.company_id)
        key = key or partner._chain_wallet_new_key("topup")
        Ledger = self.env["chain.wallet.transaction"].sudo()
        existing = Ledger._find_by_key(key)
        if existing:
            existing._check_same_operation(partner, "topup")
            return existing
        rule = self.env["chain.topup.rule"]._find_rule(amount, partner, store)
        bonus = rule._bonus_for(amount, currency)
        move = self.env["account.move"]
        if journal:
            move = partner._chain_wallet_topup_move(store, journal, amount, bonus)
        line = Ledger._post(
            partner,
            "topup",
            store,
            key,
            "credit",
            principal=amount,
            bonus=bonus,
            values={
                "topup_rule_id": rule.id,
                "bonus_points": rule.bonus_points,
                "move_id": move.id,
                "reason": reason,
                **partner._chain_wallet_pos_values(pos_order),
            },
        )
        if rule.bonus_points:
            partner._chain_award_topup_points(rule.bonus_points, line)
        partner._chain_wallet_event("topup", line, store)
        return line

    def _pay(
        self,
        amount,
        store=None,
        key=None,
        pos_order=None,
        pos_payment=None,
        card_number=False,
        counterpart_account=None,
    ):
        """Take ``amount`` from the balance (principal and bonus in the chain's spending order),
        refusing with a UserError when the balance is short or the card is blocked.

        The check and the debit are one guarded SQL statement in the caller's transaction; a
        concurrent payment on the same balance makes it fail with a serialization error and
        Odoo retries the whole request. A POS payment passes ``pos_order``/``pos_payment``
        (the session closing entry moves the liability); a backend payment passes the
        ``counterpart_account`` credited against the liability now.
        """
        partner, store = self._service_store("pay", store)
        amount = float_round(
            check_amount(self.env, amount, _("The payment from the stored value")),
            precision_rounding=partner._chain_wallet_store_info(store.id)[2],
        )
        if amount <= 0:
            raise UserError(_("A payment from the stored value needs a positive amount."))
        if not pos_order and not counterpart_account:
            raise UserError(
                _("A stored-value payment belongs to a POS order or names its counterpart.")
            )
        partner._chain_check_card_usable(card_number)
        key = key or partner._chain_wallet_new_key("pay")
        Ledger = self.env["chain.wallet.transaction"].sudo()
        if counterpart_account:
            existing = Ledger._find_by_key(key)
            if existing:
                existing._check_same_operation(partner, "payment")
                return existing

            def move_factory(principal, bonus):
                return partner._chain_wallet_simple_move(
                    store,
                    self.env._("Stored-value payment"),
                    principal + bonus,
                    counterpart_account,
                )

            line = Ledger._post(
                partner,
                "payment",
                store,
                key,
                "spend",
                amount=amount,
                move_factory=move_factory,
                key_checked=True,
            )
        else:
            line, created = Ledger._post_spend(
                partner, "payment", store, key, amount, pos_order=pos_order, pos_payment=pos_payment
            )
            if not created:  # posted before under this key
                return line
        partner._chain_wallet_event("balance_payment", line, store)
        return line

    def _refund(
        self,
        amount,
        store=None,
        key=None,
        origin=None,
        pos_order=None,
        pos_payment=None,
        counterpart_account=None,
    ):
        """Give ``amount`` back to the balance for a refunded sale.

        ``origin`` (payment lines of the refunded sale) decides the split: the refund returns
        principal and bonus in the proportion they were paid, never more bonus than was paid;
        what exceeds the payments from the balance (a cash sale refunded to the balance)
        comes back as principal.
        """
        partner, store = self._service_store("refund", store)
        currency = store.company_id.currency_id
        amount = currency.round(check_amount(self.env, amount, _("The refund to the stored value")))
        if amount <= 0:
            raise UserError(_("A refund to the stored value needs a positive amount."))
        if not pos_order and not counterpart_account:
            raise UserError(
                _("A stored-value refund belongs to a POS order or names its counterpart.")
            )
        key = key or partner._chain_wallet_new_key("refund")
        Ledger = self.env["chain.wallet.transaction"].sudo()
        existing = Ledger._find_by_key(key)
        if existing:
            existing._check_same_operation(partner, "refund")
            return existing
        origin = (origin or Ledger).sudo().filtered(lambda line: line.kind == "payment")
        bonus = partner._chain_wallet_refund_bonus(amount, origin, currency)
        move_factory = None
        if counterpart_account:

            def move_factory(principal, bonus):
                return partner._chain_wallet_simple_move(
                    store, self.env._("Stored-value refund"), principal + bonus, counterpart_account
                )

        line = Ledger._post(
            partner,
            "refund",
            store,
            key,
            "credit",
            principal=amount - bonus,
            bonus=bonus,
            values={
                "origin_id": origin[:1].id,
                **partner._chain_wallet_pos_values(pos_order, pos_payment),
            },
            move_factory=move_factory,
        )
        return line

    def _withdraw(self, amount, journal, reason, store=None, key=None):
        """Pay ``amount`` of principal back in cash (store managers). The bonus is never paid
        out: the part of it that the withdrawn principal had earned is voided in proportion."""
        partner, store = self._service_store("withdraw", store)
        partner._chain_wallet_require_reason(reason)
        currency = store.company_id.currency_id
        amount = currency.round(check_amount(self.env, amount, _("The withdrawal")))
        if amount <= 0:
            raise UserError(_("A withdrawal needs a positive amount."))
        if not journal:
            raise UserError(_("Say which cash or bank journal pays the withdrawal out."))
        partner._chain_wallet_check_journal(journal, store.company_id)
        before = partner._chain_wallet_state(store)

        def move_factory(principal, bonus):
            accounts = store.company_id._chain_wallet_accounts()
            return store.company_id._chain_wallet_post(
                self.env._("Stored-value withdrawal of %(member)s", member=partner.display_name),
                [
                    (
                        accounts["liability"],
                        -(principal + bonus),
                        0.0,
                        partner,
                        self.env._("Member deposit paid out"),
                    ),
                    (
                        journal.default_account_id,
                        0.0,
                        -principal,
                        partner,
                        self.env._("Withdrawal"),
                    ),
                    (accounts["bonus"], 0.0, -bonus, partner, self.env._("Bonus voided")),
                ],
                journal=journal,
            )

        line = (
            self.env["chain.wallet.transaction"]
            .sudo()
            ._post(
                partner,
                "withdrawal",
                store,
                key or partner._chain_wallet_new_key("withdraw"),
                "withdraw",
                principal=amount,
                values={"reason": reason},
                move_factory=move_factory,
            )
        )
        partner._chain_wallet_log("wallet_withdrawal", line, before, store, reason)
        partner._chain_wallet_event("withdrawal", line, store)
        return line

    def _adjust(
        self, principal=0.0, bonus=0.0, reason=None, store=None, key=None, counterpart_account=None
    ):
        """Correct the balance (headquarters managers only, with a reason). Positive parts
        credit, negative parts debit; the counterpart is the company's bonus (promotion)
        account unless another is given."""
        partner, store = self._service_store("adjust", store)
        partner._chain_wallet_require_reason(reason)
        currency = store.company_id.currency_id
        principal = currency.round(
            check_amount(self.env, principal or 0.0, _("The principal adjustment"))
        )
        bonus = currency.round(check_amount(self.env, bonus or 0.0, _("The bonus adjustment")))
        check_amount(self.env, abs(principal) + abs(bonus), _("The adjustment"))
        if counterpart_account:
            partner._chain_wallet_check_account(counterpart_account, store.company_id)
        if not principal and not bonus:
            raise UserError(_("An adjustment needs an amount."))
        if principal * bonus < 0:
            raise UserError(
                _("Adjust principal and bonus in the same direction (post two adjustments).")
            )
        credit = principal + bonus > 0
        before = partner._chain_wallet_state(store)
        counterpart = counterpart_account or store.company_id._chain_wallet_accounts()["bonus"]

        def move_factory(principal_delta, bonus_delta):
            return partner._chain_wallet_simple_move(
                store,
                self.env._("Stored-value adjustment"),
                principal_delta + bonus_delta,
                counterpart,
            )

        line = (
            self.env["chain.wallet.transaction"]
            .sudo()
            ._post(
                partner,
                "adjustment",
                store,
                key or partner._chain_wallet_new_key("adjust"),
                "credit" if credit else "debit",
                principal=abs(principal),
                bonus=abs(bonus),
                values={"reason": reason},
                move_factory=move_factory,
            )
        )
        partner._chain_wallet_log("wallet_adjustment", line, before, store, reason)
        return line

    def _transfer(self, target, amount, reason, store=None, key=None):
        """Move ``amount`` of this member's balance to ``target`` (store managers), principal
        and bonus as this member's spending order takes them. Returns (out line, in line)."""
        target.ensure_one()
        partner, store = self._service_store("transfer", store)
        target = target.with_env(self.env)
        partner._chain_wallet_require_reason(reason)
        if target == partner:
            raise UserError(_("Choose another member to transfer the balance to."))
        if not target.sudo().is_member:
            raise UserError(_("%(name)s is not a member.", name=target.display_name))
        currency = store.company_id.currency_id
        amount = currency.round(check_amount(self.env, amount, _("The transfer")))
        if amount <= 0:
            raise UserError(_("A transfer needs a positive amount."))
        key = key or partner._chain_wallet_new_key("transfer")
        before = partner._chain_wallet_state(store)
        Ledger = self.env["chain.wallet.transaction"].sudo()
        out_line = Ledger._post(
            partner,
            "transfer",
            store,
            f"{key}:out",
            "spend",
            amount=amount,
            values={
                "reason": _("To %(name)s: %(reason)s", name=target.display_name, reason=reason)
            },
        )
        in_line = Ledger._post(
            target,
            "transfer",
            store,
            f"{key}:in",
            "credit",
            principal=-out_line.principal,
            bonus=-out_line.bonus,
            values={
                "origin_id": out_line.id,
                "reason": _("From %(name)s: %(reason)s", name=partner.display_name, reason=reason),
            },
        )
        partner._chain_wallet_log("wallet_transfer", out_line, before, store, reason)
        return out_line, in_line

    def _expire(self, principal=None, bonus=None, reason=None, store=None, key=None):
        """Expire stored value (headquarters managers, or the nightly job): the given principal
        and bonus, by default the whole balance. Expired principal becomes income; expired
        bonus reverses its promotion expense."""
        partner, store = self._service_store("expire", store)
        partner._chain_wallet_require_reason(reason)
        currency = store.company_id.currency_id
        account = self.env["chain.wallet.account"].sudo()._find(partner, currency)
        # no ceiling: the nightly job expires whole balances
        principal = currency.round(
            account.principal
            if principal is None
            else check_amount(self.env, principal, _("The expired principal"), ceiling=0)
        )
        bonus = currency.round(
            account.bonus
            if bonus is None
            else check_amount(self.env, bonus, _("The expired bonus"), ceiling=0)
        )
        if principal < 0 or bonus < 0 or not (principal or bonus):
            raise UserError(_("Nothing to expire."))
        before = partner._chain_wallet_state(store)

        def move_factory(principal_delta, bonus_delta):
            accounts = store.company_id._chain_wallet_accounts()
            return store.company_id._chain_wallet_post(
                self.env._("Stored value of %(member)s expired", member=partner.display_name),
                [
                    (
                        accounts["liability"],
                        -(principal_delta + bonus_delta),
                        0.0,
                        partner,
                        self.env._("Expired"),
                    ),
                    (
                        accounts["breakage"],
                        0.0,
                        -principal_delta,
                        partner,
                        self.env._("Expired principal"),
                    ),
                    (accounts["bonus"], 0.0, -bonus_delta, partner, self.env._("Expired bonus")),
                ],
            )

        line = (
            self.env["chain.wallet.transaction"]
            .sudo()
            ._post(
                partner,
                "expiry",
                store,
                key or partner._chain_wallet_new_key("expire"),
                "debit",
                principal=principal,
                bonus=bonus,
                values={"reason": reason},
                move_factory=move_factory,
            )
        )
        partner._chain_wallet_log("wallet_expiry", line, before, store, reason)
        return line

    def _set_pin(self, pin, store=None):
        """Set (or change) the member's payment PIN; a change of an existing PIN needs a store
        manager. Opens the account when the member has none yet."""
        partner, store = self._service_store(None, store)
        account = self._stored(create=True)
        partner._chain_wallet_check_right("pin_reset" if account.pin_hash else "pin", store)
        account._store_pin(pin)
        self.env["chain.operation.log"]._log_operation(
            "wallet_pin", account, after={"pin": "set"}, reason=_("Payment PIN set"), store=store
        )
        return True

    def _reset_pin_lock(self, store=None):
        """Forget the wrong PIN attempts and lift the lock (store managers)."""
        partner, store = self._service_store(None, store)
        partner._chain_wallet_check_right("pin_reset", store)
        account = self._stored()
        if account:
            account._clear_pin_failures()
            self.env["chain.operation.log"]._log_operation(
                "wallet_pin",
                account,
                after={"pin": "unlocked"},
                reason=_("PIN lock reset"),
                store=store,
            )
        return True

    # ------------------------------------------------------------------------------------------
    # Payment PIN
    # ------------------------------------------------------------------------------------------
    def _store_pin(self, pin):
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
            self._clear_pin_failures()  # this attempt and the earlier failures are forgotten
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

    def _clear_pin_failures(self):
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
