import datetime
import inspect
import logging
import re
import unicodedata

import pytz

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.http import request
from odoo.tools import SQL

from odoo.addons.chain_member.tools.amounts import check_amount

_logger = logging.getLogger(__name__)

DEFAULT_UNSUBSCRIBE_WORDS = "TD,T,N,STOP,UNSUBSCRIBE,退订,退定,退"

# the longest code a till may send (a code is six digits; anything longer is not one)
MAX_CODE_LENGTH = 16


class ResPartner(models.Model):
    _inherit = "res.partner"

    chain_sms_birthday_greeted_on = fields.Date(
        string="Birthday Greeting Sent On",
        readonly=True,
        copy=False,
        help="The day the member's last birthday greeting was queued.",
    )

    chain_sms_count = fields.Integer(
        string="SMS",
        compute="_compute_chain_sms_count",
        groups="chain_member.group_chain_hq_manager",
    )

    @api.model
    def _chain_portal_signup_verify(self, values, data):
        """The visitor proves holding the mobile number with a one-time code sent to it by
        SMS: "Send me a code" (``data["chain_sms_send"]``) sends it and asks for it; the
        sign-up then needs it (``data["sms_code"]``), checked, counted and used once like the
        sign-in code. Without it nothing is written."""
        result = super()._chain_portal_signup_verify(values, data)
        Verification = self.env["chain.sms.verification"].sudo()
        mobile = values["mobile"]
        if data.get("chain_sms_send"):
            remote = request.httprequest.remote_addr if request else ""
            Verification._request_code(mobile, "portal_signup", requester=f"ip:{remote or ''}")
            raise UserError(
                _(
                    "A code is on its way to %(mobile)s: enter it below, with your password, "
                    "and sign up.",
                    mobile=mobile,
                )
            )
        code = (data.get("sms_code") or "").strip()
        if not code:
            raise UserError(
                _(
                    "Enter the code sent by SMS to your mobile number (press “Send me a code” "
                    "first)."
                )
            )
        if not Verification._check_code(mobile, "portal_signup", code):
            raise UserError(
                _("The SMS code is wrong or has expired: press “Send me a code” for a new one.")
            )
        return result

    def _compute_chain_sms_count(self):
        counts = dict(
            self.env["sms.sms"]._read_group(
                [("partner_id", "in", self.ids)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.chain_sms_count = counts.get(partner, 0)

    def write(self, vals):
        if not self.env.su and "chain_sms_birthday_greeted_on" in vals:
            # the birthday job's own stamp (a client clearing it would greet twice, setting it
            # would skip a greeting)
            if any(
                partner.chain_sms_birthday_greeted_on
                != _as_date(vals["chain_sms_birthday_greeted_on"])
                for partner in self
            ):
                raise AccessError(
                    _("The day of the last birthday greeting is kept by the greeting job.")
                )
            vals = {
                key: value for key, value in vals.items() if key != "chain_sms_birthday_greeted_on"
            }
        return super().write(vals)

    def action_chain_sms_messages(self):
        """The member's text messages (the Member 360 form's smart button, HQ managers)."""
        self.ensure_one()
        if not self.env.user.has_group("chain_member.group_chain_hq_manager"):
            raise AccessError(_("Only headquarters managers read the members' text messages."))
        action = self.env["ir.actions.act_window"]._for_xml_id("chain_sms.chain_sms_message_action")
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {"create": False}
        return action

    def _chain_member_event(self, event, values=None, store=None):
        """Notify the members of ``event`` by SMS, per the event's switch, the member's consent
        and the template of the member's language (see chain_member for the hook). Inside
        :meth:`_chain_member_events` (context ``chain_sms_batched``) the batch sends them."""
        result = super()._chain_member_event(event, values=values, store=store)
        if not self.env.context.get("chain_sms_batched"):
            self._chain_sms_notify(event, values or {}, store)
        return result

    @api.model
    def _chain_member_events(self, event, events):
        """Batch form of the hook (the nightly jobs): the other listeners still get each
        event through :meth:`_chain_member_event`, but the SMS of the whole batch are queued
        in one ``sms.sms`` create, by the same rules as one event (:meth:`_chain_sms_queue`)."""
        batched = self.with_context(chain_sms_batched=True).env
        result = super()._chain_member_events(
            event, [(partner.with_env(batched), values, store) for partner, values, store in events]
        )
        self._chain_sms_queue(event, events)
        return result

    def _chain_sms_notify(self, event_code, values, store=None):
        """Queue the SMS of ``event_code`` for these members; returns the sms.sms created."""
        return self._chain_sms_queue(event_code, [(partner, values, store) for partner in self])

    @api.model
    def _chain_sms_queue(self, event_code, events):
        """Queue the SMS of ``event_code`` for ``events``, a list of (member, values, store),
        in one create; returns the sms.sms created."""
        event = self.env["chain.sms.event"]._get_by_code(event_code)
        if not event:
            return self.env["sms.sms"]
        vals_list = []
        templates = {}  # per language, for the batch
        for partner, values, store in events:
            vals = partner.sudo()._chain_sms_message_values(
                event, values or {}, store, templates=templates
            )
            if vals:
                vals_list.append(vals)
        messages = self.env["sms.sms"].sudo().create(vals_list)
        if messages:
            self.env["sms.sms"]._chain_trigger_queue()
        return messages

    def _chain_sms_message_values(self, event, values, store=None, templates=None):
        """The sms.sms values of ``event`` for this member, or None when none is sent: the
        event is switched off for the member's store (``store``, else the home store), no
        consent of the event's kind, no mobile or no template. ``templates`` caches the
        event's template per language across a batch."""
        self.ensure_one()
        member_store = store or self.home_store_id
        if not event._is_sent_for(member_store):
            return None
        if not self._chain_sms_consents(event.kind):
            _logger.debug("No %s consent of partner %s: no SMS", event.kind, self.id)
            return None
        if not self.mobile:
            return None
        templates = {} if templates is None else templates
        if self.lang not in templates:
            templates[self.lang] = event._template_for_lang(self.lang)
        template = templates[self.lang]
        if not template:
            _logger.warning("No SMS template for event %s", event.code)
            return None
        company = member_store.company_id if member_store else self.env.company
        gateway = company.sudo().chain_sms_gateway_id.filtered("active")
        return self.env["sms.sms"]._chain_values(
            self.mobile,
            template,
            self._chain_sms_placeholder_values(values, member_store),
            gateway,
            partner=self,
            store=member_store,
        )

    @api.model
    def _cron_chain_sms_birthday_greetings(self, today=None):
        """Daily: queue the birthday greeting (a marketing SMS: consent and quiet hours apply)
        of the members whose birthday, solar or lunar, is today in the SMS time zone. A member
        is greeted once a day even if the job runs again; returns the members greeted."""
        today = today or self._chain_sms_today()
        self.env.flush_all()
        candidates = self._chain_birthday_query(today, today)
        self.env.cr.execute(
            SQL(
                """UPDATE res_partner p SET chain_sms_birthday_greeted_on = %(today)s
                     FROM (%(candidates)s) c
                    WHERE p.id = c.partner_id AND c.due_date = %(today)s
                      AND p.marketing_consent AND p.mobile IS NOT NULL
                      AND (p.chain_sms_birthday_greeted_on IS NULL
                           OR p.chain_sms_birthday_greeted_on < %(today)s)
                RETURNING p.id""",
                today=today,
                candidates=candidates,
            )
        )
        members = self.browse(sorted(row[0] for row in self.env.cr.fetchall()))
        members.invalidate_recordset(["chain_sms_birthday_greeted_on"])
        date = fields.Date.to_string(today)
        for member in members:
            member._chain_member_event(
                "birthday", {"member_name": member.name, "date": date}, store=member.home_store_id
            )
        return members

    @api.model
    def _chain_sms_today(self):
        """Today in the SMS time zone of the company."""
        tz = pytz.timezone(self.env.company.sudo().chain_sms_tz or "UTC")
        return datetime.datetime.now(pytz.utc).astimezone(tz).date()

    def _chain_sms_consents(self, kind):
        """Whether the member agreed to receive SMS of this kind."""
        self.ensure_one()
        if kind == "marketing":
            return bool(self.marketing_consent)
        return bool(self.transactional_consent)

    def _chain_sms_placeholder_values(self, values, store=None):
        """The event's values completed with what the member record knows."""
        self.ensure_one()
        completed = dict(values or {})
        completed.setdefault("member_name", self.name)
        if store:
            completed.setdefault("store", store.name)
        completed.setdefault("tier", self.member_tier_id.name or "")
        completed.setdefault("date", fields.Date.context_today(self))
        return completed

    def _chain_sms_unsubscribe(self, number, text, gateway=None):
        """A member replied ``text`` from ``number``: withdraw the marketing consent of the
        members with that mobile when it is an unsubscribe word. Returns those members."""
        if not self._chain_sms_is_unsubscribe(text):
            return self.browse()
        members = (
            self.sudo()
            .with_context(active_test=False)
            .search([("mobile", "=", number), ("marketing_consent", "=", True)])
        )
        if members:
            members.with_context(chain_consent_channel="sms").write(
                {
                    "marketing_consent": False,
                    "marketing_consent_date": fields.Datetime.now(),
                    "marketing_consent_channel": "sms",
                }
            )
        return members

    def _chain_sms_is_unsubscribe(self, text):
        """TD, 退订, STOP... in any case, half or full width, with spaces or punctuation."""
        words = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("chain_sms.unsubscribe_words", DEFAULT_UNSUBSCRIBE_WORDS)
        )
        known = {_normalise_reply(word) for word in words.split(",")}
        return _normalise_reply(text) in known - {""}

    # ==========================================================================================
    # Large stored-value payments confirmed by SMS
    # An SMS code for large stored-value payments at the till.
    #
    # When the store's company enables it, ``chain_wallet_authorize`` answers a payment whose
    # order takes at least the threshold from the balance with ``sms_code_required`` and sends a
    # code to the member's mobile; the till asks the member for it and calls again with
    # ``sms_code``. The code is bound to the order (its uuid, matched exactly), the member and
    # the order's total from the balance; the confirmed code is the proof the order sync looks
    # for (``pos.order._chain_check_sms_confirmation``, which recomputes that total from the
    # order's payments), so a browser that skips the step, or shapes the order, has it refused.
    #
    # While the member has a card reported lost, chain_member asks for the payment PIN; a member
    # who has no PIN confirms with an SMS code instead, which yields the same token.
    # ==========================================================================================
    @api.model
    def chain_wallet_authorize(
        self,
        partner_id,
        amount,
        order_uuid,
        config_id,
        pin=None,
        card_number=False,
        sms_code=None,
        sms_resend=False,
        wallet_paid=0.0,
    ):
        """As chain_member's (the caller's role and store, the amounts, the card, the balance,
        the PIN), plus the SMS code.

        :param sms_code: the code the member read from their phone (six digits)
        :param sms_resend: send a new code (the previous one stops working)
        :param wallet_paid: what other stored-value lines of the same order already take; the
            threshold applies to ``amount + wallet_paid``. The till says it, but the order
            sync recomputes the total from the order itself, so a lower figure here only gets
            a code that does not cover the order
        :return: chain_member's answer, or ``{"ok": False, "sms_code_required": True,
            "sms_error", "message", "mobile_tail"}`` while the code is missing or wrong
        """
        try:
            amount = check_amount(self.env, amount, _("The payment from the stored value"))
            if not self.env["chain.sms.verification"]._payment_reference(order_uuid):
                raise UserError(_("The order reference sent by the till is not valid."))
            sms_code = self._chain_wallet_sms_code_arg(sms_code)
            wallet_paid = check_amount(
                self.env, wallet_paid or 0.0, _("What the order's other stored-value payments take")
            )
            if wallet_paid < 0:
                raise UserError(
                    _("What the order's other stored-value payments take cannot be negative.")
                )
        except UserError as error:
            return {"ok": False, "message": str(error.args[0])}
        result = super().chain_wallet_authorize(
            partner_id,
            amount,
            order_uuid,
            config_id,
            pin=pin,
            card_number=card_number,
            **self._chain_wallet_super_kwargs(wallet_paid=wallet_paid),
        )
        lost_without_pin = bool(result.get("card_lost") and result.get("pin_missing"))
        if not result.get("ok") and not lost_without_pin:
            return result
        # chain_member checked the caller, the amounts, the card and the balance: the values
        # below are the ones it accepted
        partner = self.browse(partner_id).sudo()
        store = self.env["pos.config"].browse(config_id).sudo().chain_store_id
        currency = store.company_id.currency_id
        total = currency.round(amount + wallet_paid)
        Verification = self.env["chain.sms.verification"]
        if lost_without_pin:
            if not partner.mobile:
                return result
        elif not Verification._payment_requires_code(partner, total, store):
            return result
        extra = {"card_lost": True} if lost_without_pin else {}
        try:
            if sms_code and not sms_resend:
                return self._chain_wallet_sms_check(
                    partner, order_uuid, total, store, sms_code, dict(result, ok=True), extra
                )
            with self.env.cr.savepoint():  # a refused request leaves no code behind
                self._chain_wallet_sms_send(partner, total, order_uuid, store, sms_resend)
        except (UserError, AccessError) as error:
            return self._chain_wallet_sms_answer(partner, str(error.args[0]), True, extra)
        if lost_without_pin:
            message = _(
                "This member's card was reported lost and the member has no payment PIN: a "
                "verification code was sent to the member's mobile ending %(tail)s.",
                tail=partner._chain_sms_mobile_tail(),
            )
        else:
            message = _(
                "A verification code was sent to the member's mobile ending %(tail)s.",
                tail=partner._chain_sms_mobile_tail(),
            )
        return self._chain_wallet_sms_answer(partner, message, False, extra)

    # -- helpers -------------------------------------------------------------------------------
    def _chain_wallet_super_kwargs(self, **kwargs):
        """The keyword arguments chain_member's ``chain_wallet_authorize`` takes among
        ``kwargs`` (``wallet_paid`` arrives with chain_member's token over the order's
        total)."""
        parameters = inspect.signature(super().chain_wallet_authorize).parameters
        if any(p.kind == p.VAR_KEYWORD for p in parameters.values()):
            return kwargs
        return {key: value for key, value in kwargs.items() if key in parameters}

    @api.model
    def _chain_wallet_sms_code_arg(self, sms_code):
        """The code the till sent, stripped (None when none), or a UserError."""
        if sms_code in (None, False, ""):
            return None
        if not isinstance(sms_code, str) or len(sms_code) > MAX_CODE_LENGTH:
            raise UserError(_("The verification code is the 6 digits of the SMS."))
        return sms_code.strip() or None

    def _chain_wallet_sms_send(self, partner, total, order_uuid, store, resend):
        """Send a code for this order and total unless one is already on its way (no resend
        asked)."""
        Verification = self.env["chain.sms.verification"]
        if not resend and Verification._pending_payment_code(partner, order_uuid, total, store):
            return
        Verification._request_payment_code(partner, total, order_uuid, store=store)

    def _chain_wallet_sms_check(self, partner, order_uuid, total, store, code, result, extra):
        Verification = self.env["chain.sms.verification"]
        confirmed, refusal = Verification._check_payment_code(
            partner, order_uuid, code, total, store=store
        )
        if confirmed:
            # the same token as a PIN check (over the order's total from the balance), so that
            # the sync's PIN rule keeps holding
            answer = {key: value for key, value in result.items() if key not in ("message",)}
            answer.pop("pin_required", None)
            answer.pop("pin_missing", None)
            answer.pop("card_lost", None)
            return dict(answer, ok=True, token=partner._chain_wallet_token(order_uuid, total))
        return self._chain_wallet_sms_answer(partner, refusal, True, extra)

    @api.model
    def _chain_wallet_sms_answer(self, partner, message, error=False, extra=None):
        return {
            "ok": False,
            "sms_code_required": True,
            "sms_error": error,
            "message": message,
            "mobile_tail": partner._chain_sms_mobile_tail(),
            **(extra or {}),
        }

    def _chain_sms_mobile_tail(self):
        self.ensure_one()
        digits = "".join(ch for ch in self.sudo().mobile or "" if ch.isdigit())
        return digits[-4:]


def _normalise_reply(text):
    text = unicodedata.normalize("NFKC", text or "").casefold()
    return re.sub(r"[\W_]+", "", text)


def _as_date(value):
    """A client's date value as a date (None when it is not one: it then changes something)."""
    try:
        return fields.Date.to_date(value) or False
    except (TypeError, ValueError):
        return None
