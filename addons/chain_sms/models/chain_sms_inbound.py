import datetime

from odoo import api, fields, models

CAMPAIGN_WINDOW = datetime.timedelta(days=30)


class ChainSmsInbound(models.Model):
    """A reply of a member, pushed by a provider. Unsubscribe words withdraw the marketing
    consent; the reply is credited to the campaign last sent to the number."""

    _name = "chain.sms.inbound"
    _description = "SMS Reply"
    _order = "id desc"

    gateway_id = fields.Many2one("chain.sms.gateway", readonly=True, ondelete="set null")
    number = fields.Char(readonly=True, index=True)
    text = fields.Char(readonly=True)
    action = fields.Selection(
        [("unsubscribe", "Marketing consent withdrawn"), ("none", "None")],
        readonly=True,
        default="none",
    )
    partner_ids = fields.Many2many("res.partner", string="Members", readonly=True)
    campaign_id = fields.Many2one(
        "chain.sms.campaign", readonly=True, index="btree_not_null", ondelete="set null"
    )
    create_date = fields.Datetime(string="Received On", readonly=True)

    @api.model
    def _chain_receive(self, gateway, replies):
        """Record the replies (provider InboundSms) received through ``gateway``."""
        records = self.browse()
        for reply in replies:
            if not reply.number:
                continue
            members = self.env["res.partner"]._chain_sms_unsubscribe(
                reply.number, reply.text, gateway
            )
            unsubscribed = self.env["res.partner"]._chain_sms_is_unsubscribe(reply.text)
            records |= self.sudo().create(
                {
                    "gateway_id": gateway.id if gateway else False,
                    "number": reply.number,
                    "text": (reply.text or "")[:500],
                    "action": "unsubscribe" if unsubscribed else "none",
                    "partner_ids": [fields.Command.set(members.ids)],
                    "campaign_id": self._chain_last_campaign(reply.number).id,
                }
            )
        return records

    @api.model
    def _chain_last_campaign(self, number):
        last = (
            self.env["sms.sms"]
            .sudo()
            .search(
                [
                    ("number", "=", number),
                    ("chain_campaign_id", "!=", False),
                    ("create_date", ">=", fields.Datetime.now() - CAMPAIGN_WINDOW),
                ],
                order="id desc",
                limit=1,
            )
        )
        return last.chain_campaign_id
