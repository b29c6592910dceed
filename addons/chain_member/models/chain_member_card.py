from dateutil.relativedelta import relativedelta
from stdnum import luhn

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

CARD_KINDS = [
    ("magstripe", "Magnetic stripe"),
    ("rfid", "RFID / IC"),
    ("barcode", "Barcode"),
    ("electronic", "Electronic (portal QR)"),
]
CARD_STATES = [
    ("draft", "Draft"),
    ("active", "Active"),
    ("lost", "Lost"),
    ("replaced", "Replaced"),
    ("expired", "Expired"),
    ("cancelled", "Cancelled"),
]

# What only the card operations write (see write); a client may create a draft card only.
PROTECTED_CARD_FIELDS = frozenset(
    {
        "state",
        "number",
        "partner_id",
        "expiry_date",
        "issue_date",
        "replaced_by_id",
        "replaces_id",
        "blocked_reason",
        "fee_move_id",
    }
)
# The furthest a card's validity reaches (issue, replacement, extension).
MAX_CARD_YEARS = 10
PROTECTED_ON_CREATE = frozenset(
    {"issue_date", "replaced_by_id", "replaces_id", "blocked_reason", "fee_move_id"}
)


class ChainMemberCard(models.Model):
    """A member card, physical or electronic, valid in every store of the chain.

    A member holds one active card at a time (a partial unique index guarantees it) and may have
    held others before. Balances, points and count cards belong to the member, not to the card,
    so a replacement card carries them over by construction.
    """

    _name = "chain.member.card"
    _description = "Member Card"
    _inherit = ["mail.thread"]
    _order = "id desc"
    _rec_name = "number"

    number = fields.Char(
        required=True,
        readonly=True,
        copy=False,
        index=True,
        default=lambda self: self._next_card_number(),
        help="Card number, unique across the chain; its last digit is a Luhn check digit.",
    )
    kind = fields.Selection(CARD_KINDS, required=True, default="electronic", tracking=True)
    state = fields.Selection(
        CARD_STATES, required=True, default="draft", readonly=True, tracking=True, index=True
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Member",
        required=True,
        index=True,
        ondelete="restrict",
        domain=[("is_member", "=", True)],
    )
    store_id = fields.Many2one(
        "chain.store",
        string="Issuing Store",
        required=True,
        default=lambda self: self.env.user._chain_default_store(),
    )
    issue_date = fields.Date(readonly=True, copy=False)
    expiry_date = fields.Date(tracking=True, help="Leave empty for a card that never expires.")
    replaced_by_id = fields.Many2one("chain.member.card", readonly=True, copy=False)
    replaces_id = fields.Many2one("chain.member.card", readonly=True, copy=False)
    blocked_reason = fields.Char(readonly=True, copy=False)
    fee_move_id = fields.Many2one("account.move", string="Fee Invoice", readonly=True, copy=False)
    number_tail = fields.Char(compute="_compute_number_tail")

    _sql_constraints = [
        ("number_unique", "unique(number)", "This card number is already used."),
    ]

    def init(self):
        self.env.cr.execute(
            "CREATE UNIQUE INDEX IF NOT EXISTS chain_member_card_one_active "
            "ON chain_member_card (partner_id) WHERE state = 'active'"
        )

    @api.depends("number")
    def _compute_number_tail(self):
        for card in self:
            card.number_tail = (card.number or "")[-4:]

    @api.constrains("number")
    def _check_number(self):
        for card in self:
            if not card.number.isdigit() or not luhn.is_valid(card.number):
                raise ValidationError(
                    _(
                        "%(number)s is not a valid card number: it must be digits ending with "
                        "the right check digit.",
                        number=card.number,
                    )
                )

    @api.constrains("partner_id")
    def _check_partner_is_member(self):
        for card in self:
            if not card.partner_id.is_member:
                raise ValidationError(
                    _(
                        "%(partner)s is not a member: register the member before issuing a card.",
                        partner=card.partner_id.display_name,
                    )
                )

    @api.constrains("expiry_date")
    def _check_expiry_date(self):
        limit = fields.Date.context_today(self) + relativedelta(years=MAX_CARD_YEARS)
        for card in self:
            if card.expiry_date and card.expiry_date > limit:
                raise ValidationError(
                    _(
                        "A card is valid for %(years)s years at most: %(date)s is too far.",
                        years=MAX_CARD_YEARS,
                        date=fields.Date.to_string(card.expiry_date),
                    )
                )

    @api.model
    def _next_card_number(self):
        base = self.env["ir.sequence"].sudo().next_by_code("chain.member.card")
        return base + luhn.calc_check_digit(base)

    # ------------------------------------------------------------------------------------------
    # Operations (the wizards call these; each is logged in the operation log)
    # ------------------------------------------------------------------------------------------
    def _activate(self, reason=None, store=None):
        """Make this draft card the member's active card."""
        self.ensure_one()
        if self.state != "draft":
            raise UserError(_("Only a draft card can be activated."))
        current = self.partner_id.member_card_ids.filtered(lambda c: c.state == "active")
        if current:
            raise UserError(
                _(
                    "%(member)s already has the active card %(number)s. Replace it instead.",
                    member=self.partner_id.name,
                    number=current.number,
                )
            )
        self._write_operation({"state": "active", "issue_date": fields.Date.context_today(self)})
        self._log("card_issue", {}, {"state": "active"}, reason, store)
        self.partner_id._chain_member_event(
            "card_issued", self._event_values(), store=store or self.store_id
        )

    def _report_lost(self, reason, store=None):
        self.ensure_one()
        self._ensure_state(("active",), _("report lost"))
        self._write_operation({"state": "lost", "blocked_reason": reason})
        self._log("card_lost", {"state": "active"}, {"state": "lost"}, reason, store)
        self.partner_id._chain_member_event("card_lost", self._event_values(), store=store)

    def _found(self, reason, store=None):
        self.ensure_one()
        if not self.env.user.has_group("chain_member.group_chain_store_manager"):
            raise AccessError(_("Only a store manager can unblock a card reported lost."))
        self._ensure_state(("lost",), _("unblock"))
        if self.partner_id.member_card_ids.filtered(lambda c: c.state == "active"):
            raise UserError(_("The member already has another active card."))
        self._write_operation({"state": "active", "blocked_reason": False})
        self._log("card_found", {"state": "lost"}, {"state": "active"}, reason, store)

    def _replace(self, reason, kind=None, number=None, expiry_date=None, store=None):
        """Replace this card by a new active one and return it; the member keeps balances,
        points and count cards, which are the member's."""
        self.ensure_one()
        self._ensure_state(("active", "lost", "expired"), _("replace"))
        old_state = self.state
        self._write_operation({"state": "replaced"})
        new_card = self.create(
            {
                "partner_id": self.partner_id.id,
                "kind": kind or self.kind,
                "store_id": (store or self.env.user._chain_default_store()).id,
                "expiry_date": expiry_date or self.expiry_date,
                **({"number": number} if number else {}),
            }
        )
        self._write_operation({"replaced_by_id": new_card.id})
        new_card._write_operation(
            {
                "state": "active",
                "issue_date": fields.Date.context_today(self),
                "replaces_id": self.id,
            }
        )
        self._log(
            "card_replace",
            {"state": old_state},
            {"state": "replaced", "new_card": new_card.number},
            reason,
            store,
        )
        self.partner_id._chain_member_event("card_replaced", new_card._event_values(), store=store)
        return new_card

    def _extend(self, new_expiry_date, reason, store=None):
        self.ensure_one()
        self._ensure_state(("active", "expired"), _("extend"))
        if self.expiry_date and new_expiry_date <= self.expiry_date:
            raise UserError(_("The new expiry date must be after the current one."))
        before = {"expiry_date": fields.Date.to_string(self.expiry_date), "state": self.state}
        self._write_operation({"expiry_date": new_expiry_date, "state": "active"})
        after = {"expiry_date": fields.Date.to_string(new_expiry_date), "state": "active"}
        self._log("card_extend", before, after, reason, store)

    def _cancel(self, reason, store=None):
        self.ensure_one()
        self._ensure_state(("draft", "active", "lost", "expired"), _("cancel"))
        self.partner_id._chain_check_cancellable(self)
        before = {"state": self.state}
        self._write_operation({"state": "cancelled"})
        self._log("card_cancel", before, {"state": "cancelled"}, reason, store)

    # ------------------------------------------------------------------------------------------
    # At the till
    # ------------------------------------------------------------------------------------------
    def _check_usable(self):
        """Raise a UserError saying why this card cannot be used at a till."""
        self.ensure_one()
        state = self.state
        if (
            state == "active"
            and self.expiry_date
            and self.expiry_date < fields.Date.context_today(self)
        ):
            state = "expired"
        if state != "active":
            raise UserError(self._refusal_message(state))
        return True

    def _refusal_message(self, state):
        """Why the till refuses this card in ``state`` (built only when a card is refused)."""
        if state == "draft":
            return _("Card %(number)s has not been activated yet.", number=self.number)
        if state == "lost":
            return _(
                "Card %(number)s was reported lost and is blocked in every store. "
                "Ask the member for the new card or to unblock it at a store manager.",
                number=self.number,
            )
        if state == "replaced":
            return _(
                "Card %(number)s was replaced by a new card and can no longer be used.",
                number=self.number,
            )
        if state == "expired":
            return _(
                "Card %(number)s has expired. It can be extended at the service desk.",
                number=self.number,
            )
        return _("Card %(number)s was cancelled.", number=self.number)

    @api.model
    def _cron_expire_cards(self):
        """Nightly: active cards past their expiry date become expired (one SQL statement)."""
        self.flush_model(["state", "expiry_date"])
        self.env.cr.execute(
            """
            UPDATE chain_member_card SET state = 'expired', write_date = now() AT TIME ZONE 'UTC'
             WHERE state = 'active' AND expiry_date < %s
            """,
            [fields.Date.context_today(self)],
        )
        self.invalidate_model(["state"])
        return self.env.cr.rowcount

    # ------------------------------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            for vals in vals_list:
                if vals.get("state", "draft") != "draft" or PROTECTED_ON_CREATE.intersection(vals):
                    raise UserError(
                        _(
                            "A card is created as a draft; it is activated, linked and "
                            "invoiced only through the card operations."
                        )
                    )
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su and PROTECTED_CARD_FIELDS.intersection(vals):
            raise UserError(
                _(
                    "A card's state, number, member, dates and links change only through the "
                    "card operations."
                )
            )
        return super().write(vals)

    def _write_operation(self, vals):
        """The card operations' own write (the operation has checked the state and the
        caller); the protected fields refuse any other. ``sudo`` keeps the user as the author
        of the tracking messages."""
        return self.sudo().write(vals)

    def _ensure_state(self, allowed, verb):
        if self.state not in allowed:
            raise UserError(
                _(
                    "You cannot %(verb)s card %(number)s: it is %(state)s.",
                    verb=verb,
                    number=self.number,
                    state=dict(self._fields["state"]._description_selection(self.env))[self.state],
                )
            )

    def _log(self, operation, before, after, reason, store):
        self.env["chain.operation.log"]._log_operation(
            operation, self, before=before, after=after, reason=reason, store=store
        )

    def _event_values(self):
        return {
            "member_name": self.partner_id.name,
            "card_tail": self.number_tail,
            "date": fields.Date.to_string(fields.Date.context_today(self)),
        }

    @api.model
    def _default_expiry_date(self):
        months = int(
            self.env["ir.config_parameter"].sudo().get_param("chain_member.card_validity_months", 0)
        )
        return fields.Date.context_today(self) + relativedelta(months=months) if months else False
