import logging

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .chain_sms_template import segment_count

_logger = logging.getLogger(__name__)

STATES = [
    ("draft", "Draft"),
    ("scheduled", "Scheduled"),
    ("queued", "Sending"),
    ("done", "Sent"),
    ("cancel", "Cancelled"),
]
# placeholders a campaign can fill from the member record, in SQL
CAMPAIGN_PLACEHOLDERS = ("member_name", "store", "tier", "date", "card_tail")


class ChainSmsCampaign(models.Model):
    """A marketing SMS to a member segment, now or at a scheduled time.

    Queueing inserts one ``sms.sms`` per member in one SQL statement (no ORM create per member),
    so 100,000 members are queued in seconds; Odoo's SMS queue then sends them through the
    company's gateway at the gateway's rate, outside quiet hours.
    """

    _name = "chain.sms.campaign"
    _description = "SMS Campaign"
    _order = "id desc"

    name = fields.Char(required=True)
    state = fields.Selection(STATES, default="draft", required=True, readonly=True, copy=False)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    segment_id = fields.Many2one("chain.sms.segment", required=True, ondelete="restrict")
    template_ids = fields.Many2many(
        "chain.sms.template",
        string="Texts",
        domain=[("event_code", "=", "campaign")],
        help="One text per language: members get the text of their language, else the Chinese "
        "one, else the first.",
    )
    scheduled_at = fields.Datetime(string="Send On", copy=False)
    queued_at = fields.Datetime(string="Queued On", readonly=True, copy=False)
    gateway_id = fields.Many2one("chain.sms.gateway", readonly=True, copy=False)
    currency_id = fields.Many2one(related="company_id.currency_id")
    recipient_count = fields.Integer(
        string="Recipients", compute="_compute_preview", help="Members who will get the SMS."
    )
    no_consent_count = fields.Integer(
        string="Without Consent",
        compute="_compute_preview",
        help="Members of the segment left out for lack of marketing consent.",
    )
    segments_per_message = fields.Integer(string="SMS per Message", compute="_compute_preview")
    cost_estimate = fields.Monetary(compute="_compute_preview", currency_field="currency_id")
    preview = fields.Text(compute="_compute_preview")
    message_count = fields.Integer(string="Queued", compute="_compute_statistics")
    sent_count = fields.Integer(string="Sent", compute="_compute_statistics")
    delivered_count = fields.Integer(string="Delivered", compute="_compute_statistics")
    failed_count = fields.Integer(string="Failed", compute="_compute_statistics")
    waiting_count = fields.Integer(string="Waiting", compute="_compute_statistics")
    opted_out_count = fields.Integer(
        string="Opted Out",
        compute="_compute_statistics",
        help="Members who replied with an unsubscribe word after this campaign.",
    )

    @api.depends("segment_id", "template_ids", "company_id")
    def _compute_preview(self):
        for campaign in self:
            template = campaign._chain_default_template()
            campaign.preview = template._render(campaign._chain_sample_values()) if template else ""
            if campaign.state in ("queued", "done") or not campaign.segment_id:
                campaign.recipient_count = campaign.message_count if campaign.id else 0
                campaign.no_consent_count = 0
            else:
                segment = campaign.segment_id
                campaign.recipient_count = segment._chain_count(require_consent=True)
                campaign.no_consent_count = (
                    segment._chain_count(require_consent=False) - campaign.recipient_count
                )
            campaign.segments_per_message = segment_count(campaign.preview) if template else 0
            gateway = campaign.company_id.sudo().chain_sms_gateway_id
            campaign.cost_estimate = (
                campaign.recipient_count * campaign.segments_per_message * gateway.price_per_message
            )

    def _compute_statistics(self):
        counts = {
            campaign.id: dict.fromkeys(("all", "sent", "delivered", "failed", "waiting"), 0)
            for campaign in self
        }
        opted_out = {}
        ids = tuple(self.ids)
        if ids:
            self.env["sms.sms"].flush_model(["chain_campaign_id", "state"])
            self.env["chain.sms.inbound"].flush_model(["campaign_id", "action"])
            self.env.cr.execute(
                SQL(
                    """SELECT chain_campaign_id, state, count(*)
                         FROM sms_sms WHERE chain_campaign_id IN %s
                     GROUP BY chain_campaign_id, state""",
                    ids,
                )
            )
            for campaign_id, state, count in self.env.cr.fetchall():
                row = counts[campaign_id]
                row["all"] += count
                if state in ("pending", "sent"):
                    row["sent"] += count
                if state == "sent":
                    row["delivered"] += count
                if state == "error":
                    row["failed"] += count
                if state in ("outgoing", "process"):
                    row["waiting"] += count
            self.env.cr.execute(
                SQL(
                    """SELECT campaign_id, count(*) FROM chain_sms_inbound
                        WHERE campaign_id IN %s AND action = 'unsubscribe' GROUP BY campaign_id""",
                    ids,
                )
            )
            opted_out = dict(self.env.cr.fetchall())
        for campaign in self:
            row = counts.get(campaign.id) or dict.fromkeys(
                ("all", "sent", "delivered", "failed", "waiting"), 0
            )
            campaign.message_count = row["all"]
            campaign.sent_count = row["sent"]
            campaign.delivered_count = row["delivered"]
            campaign.failed_count = row["failed"]
            campaign.waiting_count = row["waiting"]
            campaign.opted_out_count = opted_out.get(campaign.id, 0)

    # -- actions -----------------------------------------------------------------------------
    def action_send_now(self):
        self.check_access("write")
        for campaign in self:
            campaign._chain_queue()
        return True

    def action_schedule(self):
        self.check_access("write")
        for campaign in self:
            campaign._chain_check_ready()
            if not campaign.scheduled_at:
                raise UserError(
                    _("Set the date and time to send campaign %(name)s on.", name=campaign.name)
                )
            campaign.state = "scheduled"
        cron = self.env.ref("chain_sms.ir_cron_chain_sms_campaigns", raise_if_not_found=False)
        if cron:
            cron.sudo()._trigger(min(self.mapped("scheduled_at")))
        return True

    def action_cancel(self):
        """Stop the campaign: messages not sent yet are cancelled."""
        self.check_access("write")
        self.env["sms.sms"].flush_model(["chain_campaign_id", "state"])
        for campaign in self:
            if campaign.state == "done":
                raise UserError(_("Campaign %(name)s is already sent.", name=campaign.name))
            self.env.cr.execute(
                SQL(
                    """UPDATE sms_sms SET state = 'canceled', write_date = %s, write_uid = %s
                        WHERE chain_campaign_id = %s AND state = 'outgoing'""",
                    fields.Datetime.now(),
                    self.env.uid,
                    campaign.id,
                )
            )
            campaign.state = "cancel"
        self.env["sms.sms"].invalidate_model(["state"])
        return True

    def action_draft(self):
        self.check_access("write")
        self.filtered(lambda c: c.state in ("scheduled", "cancel") and not c.message_count).write(
            {"state": "draft"}
        )
        return True

    def action_test_send(self):
        self.ensure_one()
        self.check_access("write")
        return {
            "type": "ir.actions.act_window",
            "name": _("Test Send"),
            "res_model": "chain.sms.campaign.test",
            "view_mode": "form",
            "target": "new",
            "context": {"default_campaign_id": self.id},
        }

    def action_view_messages(self):
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id("chain_sms.chain_sms_message_action")
        action["domain"] = [("chain_campaign_id", "=", self.id)]
        action["context"] = {}
        return action

    # -- cron ----------------------------------------------------------------------------------
    @api.model
    def _cron_send_scheduled(self):
        """Queue the campaigns whose time has come; mark finished campaigns sent."""
        due = self.search(
            [("state", "=", "scheduled"), ("scheduled_at", "<=", fields.Datetime.now())]
        )
        for campaign in due:
            campaign._chain_queue()
        for campaign in self.search([("state", "=", "queued")]):
            if not campaign.waiting_count:
                campaign.state = "done"

    # -- queueing ----------------------------------------------------------------------------
    def _chain_queue(self):
        """Insert the campaign's messages into the SMS queue in one statement; returns their
        count. Refuses a campaign queued already (the row lock makes a double click safe)."""
        self.ensure_one()
        self.env.cr.execute(
            SQL("SELECT state FROM chain_sms_campaign WHERE id = %s FOR UPDATE", self.id)
        )
        if self.env.cr.fetchone()[0] not in ("draft", "scheduled"):
            raise UserError(_("Campaign %(name)s is already queued.", name=self.name))
        self._chain_check_ready()
        self.env.flush_all()  # the insert reads members, stores, tiers and cards in SQL
        now = fields.Datetime.now()
        gateway = self.company_id.sudo().chain_sms_gateway_id.filtered("active")
        not_before = self.company_id.sudo()._chain_sms_quiet_until(now) or None
        self.env.cr.execute(self._chain_insert_query(gateway, now, not_before))
        count = self.env.cr.rowcount
        self.write({"state": "queued", "queued_at": now, "gateway_id": gateway.id})
        self.env["sms.sms"].invalidate_model()
        self.env["sms.sms"]._chain_trigger_queue(not_before)
        _logger.info("Campaign %s: %d SMS queued", self.id, count)
        return count

    def _chain_check_ready(self):
        if not self.template_ids.filtered("active"):
            raise UserError(_("Campaign %(name)s has no text.", name=self.name))
        if not self.segment_id:
            raise UserError(_("Campaign %(name)s has no segment.", name=self.name))

    def _chain_insert_query(self, gateway, now, not_before):
        templates = self.template_ids.filtered("active")
        default = self._chain_default_template()
        others = templates - default
        today = fields.Date.to_string(fields.Date.context_today(self))

        def by_lang(column):
            if not others:
                return SQL("%s", default[column])
            whens = SQL(" ").join(SQL("WHEN %s THEN %s", t.lang, t[column]) for t in others)
            return SQL("CASE m.lang %s ELSE %s END", whens, default[column])

        values = {
            "member_name": SQL("COALESCE(m.name, '')"),
            "store": SQL("COALESCE(s.name, '')"),
            "tier": SQL("COALESCE(t.name->>m.lang, t.name->>'en_US', '')"),
            "date": SQL("%s", today),
            "card_tail": SQL(
                "COALESCE((SELECT right(c.number, 4) FROM chain_member_card c"
                " WHERE c.partner_id = m.id AND c.state = 'active' ORDER BY c.id DESC LIMIT 1), '')"
            ),
        }
        used = set()
        for template in templates:
            used.update(name for name in CAMPAIGN_PLACEHOLDERS if "{" + name + "}" in template.body)
            for code in template.code_ids:
                used.update(name for _var, name in code._param_pairs())
        used &= set(CAMPAIGN_PLACEHOLDERS)
        body = by_lang("body")
        for name in sorted(used):
            body = SQL("replace(%s, %s, %s)", body, "{" + name + "}", values[name])
        body = SQL(r"regexp_replace(%s, '\{\w+\}', '', 'g')", body)
        params = SQL(
            "jsonb_build_object(%s)",
            SQL(", ").join(SQL("%s, %s", name, values[name]) for name in sorted(used))
            if used
            else SQL(""),
        )
        return SQL(
            """
            INSERT INTO sms_sms (
                uuid, number, body, partner_id, state, to_delete,
                chain_gateway_id, chain_template_id, chain_template_params, chain_event_code,
                chain_campaign_id, chain_store_id, chain_marketing, chain_attempts,
                chain_outcome_unknown, chain_next_attempt,
                create_uid, create_date, write_uid, write_date)
            SELECT replace(gen_random_uuid()::text, '-', ''), m.mobile, %(body)s, m.id,
                   'outgoing', false,
                   %(gateway)s, %(template)s, %(params)s, 'campaign',
                   %(campaign)s, m.home_store_id, true, 0,
                   false, %(not_before)s,
                   %(uid)s, %(now)s, %(uid)s, %(now)s
              FROM (%(members)s) m
              LEFT JOIN chain_store s ON s.id = m.home_store_id
              LEFT JOIN chain_member_tier t ON t.id = m.member_tier_id
            """,
            body=body,
            gateway=gateway.id or None,
            template=by_lang("id"),
            params=params,
            campaign=self.id,
            not_before=not_before,
            uid=self.env.uid,
            now=now,
            members=self.segment_id._chain_member_query(require_consent=True),
        )

    def _chain_default_template(self):
        templates = self.template_ids.filtered("active")
        return templates.filtered(lambda t: t.lang == "zh_CN")[:1] or templates[:1]

    def _chain_sample_values(self):
        user = self.env.user
        return {
            "member_name": user.name,
            "store": user.sudo().chain_store_ids[:1].name or "",
            "tier": "",
            "date": fields.Date.context_today(self),
            "card_tail": "0000",
        }
