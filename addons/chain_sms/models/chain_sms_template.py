import datetime
import re

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

PLACEHOLDER = re.compile(r"\{(\w+)\}")
# what a template may say; events pass any subset in their values
PLACEHOLDERS = (
    "member_name",
    "card_tail",
    "amount",
    "balance",
    "points",
    "store",
    "date",
    "tier",
    "code",
    "minutes",
)
GSM7 = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)


def format_value(value):
    """A placeholder value as the member reads it."""
    if value is None or value is False:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def render(body, values):
    """``body`` with each ``{placeholder}`` replaced (unknown or missing ones by nothing)."""
    return PLACEHOLDER.sub(lambda match: format_value(values.get(match.group(1))), body or "")


def segment_count(text):
    """How many SMS a provider bills for ``text`` (GSM-7: 160/153 chars, else 70/67)."""
    text = text or ""
    single, part = (160, 153) if set(text) <= GSM7 else (70, 67)
    return 1 if len(text) <= single else -(-len(text) // part)


class ChainSmsTemplate(models.Model):
    """The text of an event's SMS in one language, with ``{placeholder}`` fields.

    Free-text providers (Twilio, Odoo IAP) send the rendered body. Mainland-China providers send
    only templates they approved: each gateway's template code and the order of its parameters
    are in ``code_ids``.
    """

    _name = "chain.sms.template"
    _description = "SMS Template"
    _order = "event_id, lang, id"

    name = fields.Char(required=True)
    event_id = fields.Many2one("chain.sms.event", required=True, ondelete="cascade", index=True)
    event_code = fields.Selection(related="event_id.code", store=True)
    kind = fields.Selection(related="event_id.kind")
    lang = fields.Selection("_lang_selection", string="Language", required=True, default="zh_CN")
    body = fields.Text(
        required=True,
        help="Placeholders: {member_name}, {card_tail}, {amount}, {balance}, {points}, {store}, "
        "{date}, {tier}; verification codes also {code} and {minutes}.",
    )
    active = fields.Boolean(default=True)
    code_ids = fields.One2many(
        "chain.sms.template.code", "template_id", string="Provider Template Codes"
    )
    segment_count = fields.Integer(
        string="SMS per Message",
        compute="_compute_segment_count",
        help="How many SMS the providers bill for the body with its placeholders left empty.",
    )

    @api.model
    def _lang_selection(self):
        # every language Odoo knows, installed or not: default texts exist in Chinese and
        # English whatever the database's languages
        languages = (
            self.env["res.lang"].with_context(active_test=False).search_read([], ["code", "name"])
        )
        return [(lang["code"], lang["name"]) for lang in languages]

    @api.depends("body")
    def _compute_segment_count(self):
        for template in self:
            template.segment_count = segment_count(render(template.body, {}))

    @api.constrains("body")
    def _check_placeholders(self):
        for template in self:
            unknown = set(PLACEHOLDER.findall(template.body or "")) - set(PLACEHOLDERS)
            if unknown:
                raise ValidationError(
                    _(
                        "Unknown placeholders in template %(name)s: %(unknown)s. Use: %(known)s.",
                        name=template.name,
                        unknown=", ".join(sorted(unknown)),
                        known=", ".join(PLACEHOLDERS),
                    )
                )

    @api.constrains("event_id", "lang", "active")
    def _check_one_per_language(self):
        for template in self.filtered(lambda t: t.active and t.event_code != "campaign"):
            twins = self.search_count(
                [
                    ("event_id", "=", template.event_id.id),
                    ("lang", "=", template.lang),
                    ("id", "!=", template.id),
                ]
            )
            if twins:
                raise ValidationError(
                    _(
                        "The event %(event)s already has an active template in this language.",
                        event=template.event_id.name,
                    )
                )

    def _render(self, values):
        self.ensure_one()
        return render(self.body, values)

    def _provider_code(self, gateway):
        """The template code record of ``gateway``, if any."""
        self.ensure_one()
        return self.code_ids.filtered(lambda code: code.gateway_id == gateway)[:1]
