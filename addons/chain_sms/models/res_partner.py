import datetime
import logging
import re
import unicodedata

import pytz

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.http import request
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

DEFAULT_UNSUBSCRIBE_WORDS = "TD,T,N,STOP,UNSUBSCRIBE,退订,退定,退"


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


def _normalise_reply(text):
    text = unicodedata.normalize("NFKC", text or "").casefold()
    return re.sub(r"[\W_]+", "", text)


def _as_date(value):
    """A client's date value as a date (None when it is not one: it then changes something)."""
    try:
        return fields.Date.to_date(value) or False
    except (TypeError, ValueError):
        return None
