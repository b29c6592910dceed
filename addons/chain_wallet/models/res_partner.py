import hashlib
import hmac
import logging
import time
import uuid
from datetime import datetime

import pytz

from odoo import _, api, fields, models, tools
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from odoo.addons.chain_member.tools.amounts import check_amount

_logger = logging.getLogger(__name__)

# Who may do what with stored value (any of the groups; HQ managers imply every other role).
WALLET_RIGHTS = {
    "topup": ("chain_member.group_chain_cashier",),
    "pay": ("chain_member.group_chain_cashier", "chain_member.group_chain_partner_merchant"),
    "refund": ("chain_member.group_chain_cashier", "chain_member.group_chain_partner_merchant"),
    "pin": ("chain_member.group_chain_cashier",),
    "pin_reset": ("chain_member.group_chain_store_manager",),
    "withdraw": ("chain_member.group_chain_store_manager",),
    "transfer": ("chain_member.group_chain_store_manager",),
    "count_card": ("chain_member.group_chain_cashier",),
    "count_card_refund": ("chain_member.group_chain_store_manager",),
    "adjust": ("chain_member.group_chain_hq_manager",),
    "expire": ("chain_member.group_chain_hq_manager",),
}
# Operations that give a member stored value or a count card (members only).
CREDITING_OPERATIONS = ("topup", "count_card", "transfer")
# A PIN authorisation given at the till stays valid this long, so that an order queued offline
# after the check still syncs.
PIN_TOKEN_SECONDS = 24 * 3600
# The longest order reference a PIN token binds (the till's order uuid).
MAX_ORDER_REFERENCE = 64


class ResPartner(models.Model):
    """The stored-value and count-card service of a member (the one door for that money).

    Every caller (backend wizards, the POS order sync, the portal, imports, tests) goes through
    the ``chain_wallet_*`` and ``chain_count_card_*`` methods below (README.md, "Stored value").
    """

    _inherit = "res.partner"

    wallet_account_ids = fields.One2many(
        "chain.wallet.account", "partner_id", string="Stored-Value Accounts", readonly=True
    )
    wallet_currency_id = fields.Many2one("res.currency", compute="_compute_wallet_balance")
    wallet_balance = fields.Monetary(
        string="Stored Value",
        compute="_compute_wallet_balance",
        search="_search_wallet_balance",
        currency_field="wallet_currency_id",
        help="Principal plus bonus, in the current company's currency: the sum of the member's "
        "stored-value ledger.",
    )
    wallet_principal = fields.Monetary(
        string="Stored Value Principal",
        compute="_compute_wallet_balance",
        currency_field="wallet_currency_id",
    )
    wallet_bonus = fields.Monetary(
        string="Stored Value Bonus",
        compute="_compute_wallet_balance",
        currency_field="wallet_currency_id",
    )
    wallet_transaction_count = fields.Integer(compute="_compute_wallet_transaction_count")
    count_card_package_ids = fields.One2many(
        "chain.count.card.package", "partner_id", string="Count Cards", readonly=True
    )
    count_card_active_count = fields.Integer(
        string="Active Count Cards", compute="_compute_count_card_active_count"
    )

    def _compute_wallet_balance(self):
        currency = self.env.company.currency_id
        balances = {}
        ids = [pid for pid in self.ids if isinstance(pid, int)]
        if ids:
            self.env.cr.execute(
                """SELECT partner_id, principal, bonus FROM chain_wallet_account
                    WHERE partner_id IN %s AND currency_id = %s""",
                (tuple(ids), currency.id),
            )
            balances = {row[0]: row[1:] for row in self.env.cr.fetchall()}
        for partner in self:
            principal, bonus = balances.get(partner.id, (0.0, 0.0))
            partner.wallet_currency_id = currency
            partner.wallet_principal = principal
            partner.wallet_bonus = bonus
            partner.wallet_balance = principal + bonus

    def _search_wallet_balance(self, operator, value):
        if operator not in ("=", "!=", "<", "<=", ">", ">="):
            raise UserError(_("Unsupported search on the stored value."))
        self.env.cr.execute(
            f"""SELECT partner_id FROM chain_wallet_account
                 WHERE currency_id = %s AND principal + bonus {operator} %s""",  # noqa: S608
            (self.env.company.currency_id.id, value or 0.0),
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        if (
            operator in ("<", "<=", "=")
            and (value or 0.0) >= 0
            and self._zero_matches(operator, value)
        ):
            return ["|", ("id", "in", ids), ("wallet_account_ids", "=", False)]
        return [("id", "in", ids)]

    @staticmethod
    def _zero_matches(operator, value):
        value = value or 0.0
        return {"<": 0 < value, "<=": 0 <= value, "=": value == 0}[operator]

    def _compute_wallet_transaction_count(self):
        counts = dict(
            self.env["chain.wallet.transaction"]._read_group(
                [("partner_id", "in", self.ids)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.wallet_transaction_count = counts.get(partner, 0)

    def _compute_count_card_active_count(self):
        counts = dict(
            self.env["chain.count.card.package"]._read_group(
                [("partner_id", "in", self.ids), ("state", "=", "active")],
                ["partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.count_card_active_count = counts.get(partner, 0)

    # ------------------------------------------------------------------------------------------
    # Buttons
    # ------------------------------------------------------------------------------------------
    def action_chain_wallet_transactions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "chain_wallet.chain_wallet_transaction_action"
        )
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {"default_partner_id": self.id}
        return action

    def action_chain_count_cards(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "chain_wallet.chain_count_card_package_action"
        )
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {"default_partner_id": self.id}
        return action

    def _chain_wallet_wizard(self, model):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": model,
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_id": self.id},
        }

    def action_chain_wallet_topup(self):
        return self._chain_wallet_wizard("chain.wallet.topup.wizard")

    def action_chain_wallet_withdraw(self):
        return self._chain_wallet_wizard("chain.wallet.withdraw.wizard")

    def action_chain_wallet_adjust(self):
        return self._chain_wallet_wizard("chain.wallet.adjust.wizard")

    def action_chain_wallet_transfer(self):
        return self._chain_wallet_wizard("chain.wallet.transfer.wizard")

    def action_chain_wallet_pin(self):
        return self._chain_wallet_wizard("chain.wallet.pin.wizard")

    def action_chain_count_card_sell(self):
        return self._chain_wallet_wizard("chain.count.card.sell.wizard")

    # ------------------------------------------------------------------------------------------
    # Stored value: the member's account (the services run on it: chain.wallet.account)
    # ------------------------------------------------------------------------------------------
    def _chain_wallet_account(self, store=None):
        """The member's stored-value account in the currency of ``store``'s company (default:
        the user's store), in the caller's environment: the record the money services run on,
        ``member._chain_wallet_account(store)._pay(12, store=store, ...)``.

        The lookup is the first statement of the member's turn (the services post under it;
        see ``chain.wallet.account._find``). A member who has no account yet gets an unsaved
        one (partner and currency only): a credit or a PIN opens the saved account when it
        posts (race-proof, ``chain.wallet.account._get_or_create``), a debit is refused as
        short of balance, as for an empty account.
        """
        self.ensure_one()
        store = self._chain_wallet_store(store)
        currency_id = self._chain_wallet_store_info(store.id)[1]
        Account = self.env["chain.wallet.account"]
        currency = self.env["res.currency"].browse(currency_id)
        account = Account.sudo()._find(self, currency, turn=True)
        if not account:
            return Account.new({"partner_id": self.id, "currency_id": currency_id})
        account = account.with_env(self.env)
        # what the services read of their account, known without a query or a read right
        self.env.cache.update(account, Account._fields["partner_id"], [self.id])
        self.env.cache.update(account, Account._fields["currency_id"], [currency_id])
        return account

    # ------------------------------------------------------------------------------------------
    # Stored value: the top-up preview
    # ------------------------------------------------------------------------------------------
    @api.model
    def chain_wallet_preview_bonus(self, amount, store=None, partner=None):
        """What a top-up of ``amount`` would earn: {bonus, points, rule} (the till and the top-up
        wizard show it). For the chain's staff who may top up in ``store`` (a record or an id;
        default: the user's store); ``partner`` (a record or an id; default: this record) is
        the member whose tier the rules look at."""
        store = self._chain_wallet_as_record("chain.store", store) or self._chain_wallet_store(None)
        self._chain_wallet_check_right("topup", store)
        amount = check_amount(self.env, amount, _("The top-up"))
        partner = self._chain_wallet_as_record("res.partner", partner) or (
            self if len(self) == 1 else self.browse()
        )
        return self._chain_wallet_bonus_preview(amount, store.sudo(), partner.sudo())

    def _chain_wallet_bonus_preview(self, amount, store, partner):
        if amount <= 0 or not partner:
            return {"bonus": 0.0, "points": 0.0, "rule": ""}
        rule = self.env["chain.topup.rule"]._find_rule(amount, partner, store)
        currency = store.company_id.currency_id
        return {
            "bonus": rule._bonus_for(amount, currency),
            "points": rule.bonus_points,
            "rule": rule.name or "",
        }

    # ------------------------------------------------------------------------------------------
    # Count cards (selling: chain.count.card.package._sell; uses, renewals, refunds: the package)
    # ------------------------------------------------------------------------------------------
    def _chain_count_card_active(self, product=None):
        """The member's active packages (of ``product``), earliest expiry first."""
        domain = [("partner_id", "=", self.id), ("state", "=", "active")]
        if product:
            domain.append(("product_id", "=", product.id))
        packages = self.env["chain.count.card.package"].sudo().search(domain)
        today = fields.Date.context_today(self)
        return packages.filtered(lambda p: not p.date_expiry or p.date_expiry >= today).sorted(
            lambda p: (p.date_expiry or fields.Date.max, p.id)
        )

    # ------------------------------------------------------------------------------------------
    # Payment PIN and the till
    # ------------------------------------------------------------------------------------------
    def _chain_wallet_pin_required(self):
        """True when a payment from the balance of this member needs the payment PIN (or the
        SMS code of chain_sms): the chain asks for it on every payment, or the member has a card
        reported lost. On an empty recordset: the chain's setting only."""
        chain_wide = self.env["ir.config_parameter"].sudo().get_param(
            "chain_member.wallet_pin_required"
        ) in ("1", "True", "true")
        return chain_wide or self._chain_wallet_card_lost()

    def _chain_wallet_card_lost(self):
        """True when one of these members has a card in the state "lost"."""
        if not self.ids:
            return False
        return bool(
            self.env["chain.member.card"]
            .sudo()
            .search_count([("partner_id", "in", self.ids), ("state", "=", "lost")], limit=1)
        )

    @api.model
    def chain_wallet_authorize(
        self,
        partner_id,
        amount,
        order_uuid,
        config_id,
        pin=None,
        card_number=False,
        wallet_paid=0.0,
    ):
        """Called by the till before it accepts a payment from the balance: check the caller
        (a cashier or merchant of the till's store), the amounts, the card, the balance and the
        PIN, and return ``{"ok": True, "balance", "token"}`` or ``{"ok": False, "message"}``.
        It never moves money: the authoritative debit happens later, in the order sync; the
        token lets that sync know the PIN was checked.

        :param amount: this payment line (> 0, within the chain's ceiling)
        :param wallet_paid: what the order's other stored-value lines already take (>= 0); the
            balance must cover both, and the token covers ``amount + wallet_paid`` for this
            member and ``order_uuid`` only
        :return: also ``pin_required`` (ask the member's PIN and call again with ``pin``),
            ``card_lost`` (the member has a card reported lost: the PIN is required, the till
            shows the alert) and ``pin_missing`` (a PIN is needed but none is set)
        """
        card_lost = False
        try:
            partner = self._chain_wallet_as_record("res.partner", partner_id)
            if not partner:
                return {"ok": False, "message": _("Select the member first.")}
            store = self._chain_wallet_as_record("pos.config", config_id).sudo().chain_store_id
            if not store:
                raise UserError(_("This point of sale belongs to no chain store."))
            partner._chain_wallet_check_right("pay", store)
            currency = store.company_id.currency_id
            amount = currency.round(
                check_amount(self.env, amount, _("The payment from the stored value"))
            )
            if amount <= 0:
                raise UserError(_("A payment from the stored value needs a positive amount."))
            wallet_paid = currency.round(
                check_amount(
                    self.env,
                    wallet_paid or 0.0,
                    _("What the order's other stored-value payments take"),
                )
            )
            if wallet_paid < 0:
                raise UserError(
                    _("What the order's other stored-value payments take cannot be negative.")
                )
            total = check_amount(
                self.env, amount + wallet_paid, _("The order's payments from the stored value")
            )
            order_uuid = self._chain_wallet_order_reference(order_uuid)
            if card_number is not False and card_number is not None:
                if not isinstance(card_number, str) or not card_number.strip():
                    raise UserError(_("The card number is not a card number."))
            partner._chain_check_card_usable(card_number or False)
            account = self.env["chain.wallet.account"].sudo()._find(partner, currency)
            balance = account.balance if account else 0.0
            if currency.compare_amounts(balance, total) < 0:
                raise UserError(
                    _(
                        "Insufficient stored value: %(member)s has %(available)s, %(amount)s "
                        "is needed.",
                        member=partner.display_name,
                        available=currency.format(balance),
                        amount=currency.format(total),
                    )
                )
            token = ""
            card_lost = partner._chain_wallet_card_lost()
            if partner._chain_wallet_pin_required():
                if card_lost and not account.sudo().pin_hash:
                    return {
                        "ok": False,
                        "card_lost": True,
                        "pin_missing": True,
                        "message": _(
                            "This member's card was reported lost and the member has no "
                            "payment PIN: the member sets one at the service desk before "
                            "paying from the stored value."
                        ),
                    }
                if pin in (None, False, ""):
                    if card_lost:
                        return {
                            "ok": False,
                            "pin_required": True,
                            "card_lost": True,
                            "message": self._chain_wallet_lost_card_message(),
                        }
                    return {
                        "ok": False,
                        "pin_required": True,
                        "balance": balance,
                        "message": _("Enter the member's payment PIN."),
                    }
                account._verify_pin(pin)
                token = partner._chain_wallet_token(order_uuid, total)
        except (UserError, AccessError) as error:
            answer = {"ok": False, "message": str(error.args[0] if error.args else error)}
            if card_lost:
                answer.update(pin_required=True, card_lost=True)
            return answer
        return {"ok": True, "balance": balance, "token": token}

    @api.model
    def _chain_wallet_lost_card_message(self):
        return _(
            "This member's card was reported lost: the member confirms the payment with the "
            "payment PIN."
        )

    @api.model
    def _chain_wallet_order_reference(self, order_uuid):
        """The till's order reference a token binds, or a UserError."""
        if (
            not isinstance(order_uuid, str)
            or not order_uuid.strip()
            or len(order_uuid) > MAX_ORDER_REFERENCE
            or ":" in order_uuid
        ):
            raise UserError(_("The order reference sent by the till is not valid."))
        return order_uuid

    @api.model
    def _chain_wallet_as_record(self, model, value):
        """``value`` (a record of ``model``, an id, or nothing) as an existing record of
        ``model`` (empty when nothing is given or it does not exist), or a UserError for
        anything else a client may send."""
        Model = self.env[model]
        if isinstance(value, models.BaseModel):
            if value._name != model or len(value) > 1:
                raise UserError(_("Expected one %(model)s.", model=Model._description))
            return value.exists()
        if value is None or value is False:
            return Model.browse()
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise UserError(
                _("%(value)r is not a valid %(model)s.", value=value, model=Model._description)
            )
        return Model.browse(value).sudo().exists().with_env(Model.env)

    def _chain_wallet_token(self, order_uuid, amount, expires=None):
        self.ensure_one()
        expires = expires or int(time.time()) + PIN_TOKEN_SECONDS
        cents = round(amount * 100)
        message = f"{self.id}:{order_uuid}:{cents}:{expires}"
        return f"{expires}:{cents}:{self._chain_wallet_sign(message)}"

    def _chain_wallet_check_token(self, token, order_uuid, amount):
        """True when ``token`` authorises paying ``amount`` for ``order_uuid`` from this balance."""
        self.ensure_one()
        try:
            expires, cents, signature = (token or "").split(":")
            expires, cents = int(expires), int(cents)
        except ValueError:
            return False
        message = f"{self.id}:{order_uuid}:{cents}:{expires}"
        return (
            expires >= time.time()
            and round(amount * 100) <= cents
            and hmac.compare_digest(signature, self._chain_wallet_sign(message))
        )

    def _chain_wallet_sign(self, message):
        secret = self.env["ir.config_parameter"].sudo().get_param("database.secret", "")
        return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()

    @api.model
    def _chain_flush_till(self):
        result = super()._chain_flush_till()
        for model in ("chain.wallet.account", "chain.count.card.package"):
            self.env[model].flush_model()
        return result

    @api.model
    def _chain_till_columns(self, partner):
        """The stored value in the company's currency, the PIN setting and the active count
        cards (in the shape of ``chain.count.card.package._till_values``)."""
        return {
            **super()._chain_till_columns(partner),
            "wallet_balance": SQL(
                "COALESCE((SELECT a.principal + a.bonus FROM chain_wallet_account a "
                "WHERE a.partner_id = %s AND a.currency_id = %s), 0)",
                partner,
                self.env.company.currency_id.id,
            ),
            "wallet_pin_required": SQL(
                "COALESCE((SELECT p.value IN ('1', 'True', 'true') FROM ir_config_parameter p "
                "WHERE p.key = 'chain_member.wallet_pin_required'), FALSE)"
            ),
            "count_cards": SQL(
                """COALESCE((
                    SELECT json_agg(json_build_object(
                               'id', k.id, 'name', k.name, 'uses_remaining', k.uses_remaining,
                               'date_expiry', COALESCE(to_char(k.date_expiry, 'YYYY-MM-DD'), ''),
                               'service_ids', COALESCE(
                                   (SELECT array_agg(r.product_id ORDER BY r.product_id)
                                      FROM chain_count_card_package_service_rel r
                                     WHERE r.package_id = k.id),
                                   ARRAY[k.product_id]))
                           ORDER BY k.id DESC)
                      FROM chain_count_card_package k
                     WHERE k.partner_id = %s AND k.state = 'active'), '[]'::json)""",
                partner,
            ),
        }

    def _chain_check_cancellable(self, card):
        """A member's last card cannot be cancelled while stored value or count-card uses are
        left: refund or transfer them first."""
        result = super()._chain_check_cancellable(card)
        others = self.member_card_ids.filtered(
            lambda c: c != card and c.state not in ("cancelled", "replaced")
        )
        if not others and (self.sudo().wallet_balance or self.count_card_active_count):
            raise UserError(
                _(
                    "%(name)s still has stored value or count-card uses: withdraw, refund or "
                    "transfer them before cancelling the last card.",
                    name=self.display_name,
                )
            )
        return result

    # ------------------------------------------------------------------------------------------
    # Extension points
    # ------------------------------------------------------------------------------------------
    def _chain_award_topup_points(self, points, transaction):
        """Extension hook: a top-up earned ``points`` (from its top-up rule); ``transaction`` is
        the ledger line. chain_loyalty overrides it to credit the points ledger. No-op here."""
        return False

    # ------------------------------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------------------------------
    def _chain_wallet_prepare(self, operation, store):
        store = self._chain_wallet_store(store)
        self._chain_wallet_check_right(operation, store)
        # Only members receive stored value; taking it back (payments) needs no check: an
        # account exists only for who received some.
        if (
            operation in CREDITING_OPERATIONS
            and not self.with_context(prefetch_fields=False).is_member
        ):
            raise UserError(
                _("%(name)s is not a member: stored value is for members.", name=self.display_name)
            )
        return store

    @api.model
    @tools.ormcache("store_id")
    def _chain_wallet_store_info(self, store_id):
        """(company id, currency id, currency rounding, store name) of a store; cached (the
        payment hot path reads it without a query). Cleared when a store changes company."""
        self.env.cr.execute(
            """SELECT s.company_id, c.currency_id, cur.rounding, s.name
                 FROM chain_store s
                 JOIN res_company c ON c.id = s.company_id
                 JOIN res_currency cur ON cur.id = c.currency_id
                WHERE s.id = %s""",
            (store_id,),
        )
        return tuple(self.env.cr.fetchone())

    @api.model
    @tools.ormcache("uid")
    def _chain_wallet_user_store_ids(self, uid):
        """The stores a user works in; cached (the registry cache is cleared whenever a user's
        stores change, see res.users and chain.store)."""
        self.env.cr.execute(
            "SELECT store_id FROM chain_store_res_users_rel WHERE user_id = %s", (uid,)
        )
        return frozenset(row[0] for row in self.env.cr.fetchall())

    def _chain_wallet_store(self, store):
        store = store or self.env.user._chain_default_store()
        if not store:
            raise UserError(_("Say in which store the operation happens."))
        return store.sudo()

    def _chain_wallet_check_right(self, operation, store):
        if self.env.su:
            return True
        verdict = self._chain_wallet_verdict(self.env.uid, operation, store.id)
        if verdict == "role":
            raise AccessError(self._chain_wallet_refusal(operation))
        if verdict == "store":
            raise AccessError(
                _(
                    "You do not work in %(store)s: ask a colleague of that store.",
                    store=store.display_name,
                )
            )
        return True

    @api.model
    @tools.ormcache("uid", "operation", "store_id")
    def _chain_wallet_verdict(self, uid, operation, store_id):
        """May user ``uid`` do ``operation`` in ``store_id``: "ok", "role" (not their role) or
        "store" (not their store). Cached: the registry cache is cleared when a user's groups or
        stores change."""
        user = self.env["res.users"].sudo().browse(uid)
        if user._has_group("chain_member.group_chain_hq_manager"):
            return "ok"
        if not any(user._has_group(group) for group in WALLET_RIGHTS[operation]):
            return "role"
        if store_id not in self._chain_wallet_user_store_ids(uid):
            return "store"
        return "ok"

    def _chain_wallet_refusal(self, operation):
        return {
            "withdraw": _("Only a store manager can pay stored value out."),
            "transfer": _("Only a store manager can transfer stored value between members."),
            "adjust": _("Only a headquarters manager can adjust stored value."),
            "expire": _("Only a headquarters manager can expire stored value."),
            "pin_reset": _("Only a store manager can change or unlock a payment PIN."),
            "count_card_refund": _("Only a store manager can refund a count card."),
        }.get(operation, _("You are not allowed to operate stored value or count cards."))

    @api.model
    def _chain_wallet_check_journal(self, journal, company):
        """Money paid in or out in the backend goes through a cash or bank journal of the
        company whose books carry the stored value (never the stored-value payment method, a
        points or a miscellaneous journal)."""
        journal = journal.sudo()
        journal.ensure_one()
        wallet_accounts = set(company._chain_wallet_accounts().values())
        if (
            journal.type not in ("cash", "bank")
            or journal.company_id != company
            or not journal.default_account_id
            or journal.default_account_id in wallet_accounts
        ):
            raise UserError(
                _(
                    "%(journal)s is not a cash or bank journal of %(company)s: choose the "
                    "journal the money really went through.",
                    journal=journal.display_name,
                    company=company.name,
                )
            )
        return True

    @api.model
    def _chain_wallet_check_account(self, account, company):
        """A counterpart account chosen in the backend belongs to the store's company."""
        account = account.sudo()
        account.ensure_one()
        if company not in account.company_ids:
            raise UserError(
                _(
                    "The account %(account)s is not an account of %(company)s.",
                    account=account.display_name,
                    company=company.name,
                )
            )
        return True

    def _chain_wallet_require_reason(self, reason):
        if not isinstance(reason, str) or not reason.strip():
            raise UserError(_("Give the reason for this operation: it goes to the operation log."))

    @staticmethod
    def _chain_wallet_new_key(prefix):
        return f"{prefix}:{uuid.uuid4()}"

    @staticmethod
    def _chain_wallet_pos_values(pos_order, pos_payment=None):
        if not pos_order:
            return {}
        # pos_session_id: the ledger's INSERT reads it from the order
        return {
            "pos_order_id": pos_order.id,
            "pos_payment_id": pos_payment.id if pos_payment else False,
        }

    def _chain_wallet_refund_bonus(self, amount, origin, currency):
        """The bonus part of a refund of ``amount`` against the payment lines ``origin``."""
        if not origin:
            return 0.0
        paid_principal = -sum(origin.mapped("principal"))
        paid_bonus = -sum(origin.mapped("bonus"))
        refunds = (
            self.env["chain.wallet.transaction"]
            .sudo()
            .search([("origin_id", "in", origin.ids), ("kind", "=", "refund")])
        )
        bonus_left = paid_bonus - sum(refunds.mapped("bonus"))
        paid = paid_principal + paid_bonus
        if paid <= 0 or bonus_left <= 0:
            return 0.0
        return min(bonus_left, currency.round(min(amount, paid) * paid_bonus / paid))

    def _chain_wallet_topup_move(self, store, journal, amount, bonus):
        company = store.company_id
        accounts = company._chain_wallet_accounts()
        return company._chain_wallet_post(
            _("Stored-value top-up of %(member)s", member=self.display_name),
            [
                (journal.default_account_id, amount, 0.0, self, _("Top-up received")),
                (accounts["liability"], 0.0, amount, self, _("Member deposit")),
                (accounts["bonus"], bonus, 0.0, self, _("Top-up bonus")),
                (accounts["liability"], 0.0, bonus, self, _("Member deposit (bonus)")),
            ],
            journal=journal,
        )

    def _chain_wallet_simple_move(self, store, label, delta, counterpart_account):
        """Liability against one counterpart: ``delta`` > 0 credits the liability."""
        company = store.company_id
        liability = company._chain_wallet_accounts()["liability"]
        debit_liability, credit_liability = (0.0, delta) if delta > 0 else (-delta, 0.0)
        return company._chain_wallet_post(
            _("%(label)s of %(member)s", label=label, member=self.display_name),
            [
                (liability, debit_liability, credit_liability, self, label),
                (counterpart_account, credit_liability, debit_liability, self, label),
            ],
        )

    def _chain_wallet_state(self, store):
        account = self.env["chain.wallet.account"].sudo()._find(self, store.company_id.currency_id)
        return {"principal": account.principal, "bonus": account.bonus}

    def _chain_wallet_log(self, operation, line, before, store, reason):
        self.env["chain.operation.log"]._log_operation(
            operation,
            line,
            before=before,
            after={"principal": line.principal_after, "bonus": line.bonus_after},
            reason=reason,
            store=store,
        )

    def _chain_wallet_event(self, event, line, store):
        if not self._chain_member_event_listened():
            _logger.debug("member event %s for %s: nobody listens", event, self.ids)
            return
        name, card_tail, tz = self._chain_wallet_event_facts()
        today = datetime.now(pytz.timezone(tz or "UTC")).date()
        self._chain_member_event(
            event,
            values={
                "member_name": name,
                "card_tail": card_tail,
                "amount": abs(line.amount),
                "balance": line.balance_after,
                "points": line.bonus_points,
                "store": self._chain_wallet_store_info(store.id)[3],
                "date": fields.Date.to_string(today),
            },
            store=store,
        )

    def _chain_wallet_event_facts(self):
        """(member name, tail of the active card, operator's time zone) in one query."""
        self.ensure_one()
        self.env.cr.execute(
            """SELECT p.name,
                      (SELECT right(c.number, 4) FROM chain_member_card c
                        WHERE c.partner_id = p.id AND c.state = 'active' LIMIT 1),
                      (SELECT up.tz FROM res_users u JOIN res_partner up ON up.id = u.partner_id
                        WHERE u.id = %s)
                 FROM res_partner p WHERE p.id = %s""",
            (self.env.uid, self.id),
        )
        return self.env.cr.fetchone()

    def _chain_wallet_card_tail(self):
        return self._chain_wallet_event_facts()[1] or ""
