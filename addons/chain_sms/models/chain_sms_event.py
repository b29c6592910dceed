from odoo import api, fields, models

# (code, label, kind): marketing messages need the marketing consent and respect quiet hours,
# transactional ones need the transactional consent. The kind is fixed here, not in the
# database: whether a message is marketing is a legal question, not a setting.
EVENTS = [
    ("registration", "Registration", "transactional"),
    ("card_issued", "Card issued", "transactional"),
    ("card_lost", "Card reported lost", "transactional"),
    ("card_replaced", "Card replaced", "transactional"),
    ("topup", "Top-up", "transactional"),
    ("balance_payment", "Balance payment", "transactional"),
    ("withdrawal", "Withdrawal", "transactional"),
    ("points_earned", "Points earned", "transactional"),
    ("points_redeemed", "Points redeemed", "transactional"),
    ("points_expiring", "Points expiring soon", "transactional"),
    ("count_card_used", "Count card used", "transactional"),
    ("count_card_expiring", "Count card expiring", "transactional"),
    ("tier_upgrade", "Tier upgrade", "transactional"),
    ("birthday", "Birthday greeting", "marketing"),
    ("reminder_birthday", "Reminder: birthday", "transactional"),
    ("reminder_low_balance", "Reminder: low balance", "transactional"),
    ("reminder_dormant", "Reminder: dormant member", "transactional"),
    ("reminder_card_expiring", "Reminder: card expiring", "transactional"),
    ("reminder_tier_expiring", "Reminder: tier expiring", "transactional"),
    ("reminder_count_card_expiring", "Reminder: count card expiring", "transactional"),
    ("campaign", "Campaign", "marketing"),
    ("verification_code", "Verification code", "transactional"),
]
EVENT_SELECTION = [(code, label) for code, label, _kind in EVENTS]
EVENT_KINDS = {code: kind for code, _label, kind in EVENTS}
KINDS = [("transactional", "Transactional"), ("marketing", "Marketing")]


class ChainSmsEvent(models.Model):
    """A member event that can send an SMS, with its switch.

    HQ switches each event on or off for the whole chain and can switch it off for some stores
    (the store of the event, else the member's home store). Campaigns and verification codes
    are listed too, for their templates; their switch is always on.
    """

    _name = "chain.sms.event"
    _description = "SMS Event"
    _order = "sequence, id"

    code = fields.Selection(EVENT_SELECTION, required=True, readonly=True)
    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    kind = fields.Selection(KINDS, compute="_compute_kind", store=True)
    enabled = fields.Boolean(
        string="Send",
        default=True,
        help="Send this event's SMS to members (a chain-wide switch).",
    )
    disabled_store_ids = fields.Many2many(
        "chain.store",
        "chain_sms_event_disabled_store_rel",
        "event_id",
        "store_id",
        string="Not Sent For",
        help="Stores whose members do not get this SMS (the event's store, else the member's "
        "home store).",
    )
    template_ids = fields.One2many("chain.sms.template", "event_id", string="Templates")
    template_count = fields.Integer(compute="_compute_template_count")

    _sql_constraints = [
        ("code_unique", "unique(code)", "There is one event per code."),
    ]

    @api.depends("code")
    def _compute_kind(self):
        for event in self:
            event.kind = EVENT_KINDS.get(event.code, "transactional")

    @api.depends("template_ids")
    def _compute_template_count(self):
        for event in self:
            event.template_count = len(event.template_ids)

    def action_view_templates(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "chain_sms.chain_sms_template_action"
        )
        action["domain"] = [("event_id", "=", self.id)]
        action["context"] = {"default_event_id": self.id}
        return action

    @api.model
    def _get_by_code(self, code):
        return self.sudo().search([("code", "=", code)], limit=1)

    def _is_sent_for(self, store):
        """Whether this event's SMS goes out for a member of ``store``."""
        self.ensure_one()
        if self.code in ("campaign", "verification_code"):
            return True
        return self.enabled and not (store and store in self.disabled_store_ids)

    def _template_for_lang(self, lang):
        """The active template in ``lang``, else Chinese, else English, else any."""
        self.ensure_one()
        templates = self.template_ids.filtered("active")
        for candidate in (lang, "zh_CN", "en_US"):
            template = templates.filtered(lambda t, c=candidate: t.lang == c)[:1]
            if template:
                return template
        return templates[:1]
