from odoo import _, api, fields, models
from odoo.exceptions import UserError


class ChainSmsCampaignTest(models.TransientModel):
    """Send a campaign's text to one number now, filled with the sender's own values."""

    _name = "chain.sms.campaign.test"
    _description = "SMS Campaign Test Send"

    campaign_id = fields.Many2one("chain.sms.campaign", required=True, ondelete="cascade")
    template_id = fields.Many2one(
        "chain.sms.template",
        string="Text",
        domain="[('id', 'in', allowed_template_ids)]",
        compute="_compute_template_id",
        store=True,
        readonly=False,
    )
    allowed_template_ids = fields.Many2many(related="campaign_id.template_ids")
    number = fields.Char(
        required=True, default=lambda self: self.env.user.mobile or self.env.user.phone
    )
    preview = fields.Text(compute="_compute_preview")

    @api.depends("campaign_id")
    def _compute_template_id(self):
        for wizard in self:
            wizard.template_id = wizard.campaign_id._chain_default_template()

    @api.depends("template_id")
    def _compute_preview(self):
        for wizard in self:
            values = wizard.campaign_id._chain_sample_values()
            wizard.preview = wizard.template_id._render(values) if wizard.template_id else ""

    def action_send(self):
        self.ensure_one()
        self.check_access("write")
        self.campaign_id.check_access("write")
        if not self.template_id:
            raise UserError(_("Choose the text to send."))
        number = self._normalised_number()
        campaign = self.campaign_id
        gateway = campaign.company_id.sudo().chain_sms_gateway_id.filtered("active")
        vals = self.env["sms.sms"]._chain_values(
            number, self.template_id, campaign._chain_sample_values(), gateway
        )
        # a test goes to staff who asked for it: it is neither counted nor held by quiet hours
        vals.update(
            chain_event_code="campaign_test", chain_marketing=False, chain_next_attempt=False
        )
        sms = self.env["sms.sms"].sudo().create(vals)._chain_send_now()
        if sms.state == "error":
            raise UserError(
                _(
                    "The test SMS was refused: %(reason)s",
                    reason=sms.chain_error_message or sms.chain_error_code or sms.failure_type,
                )
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": _("Test SMS sent to %(number)s.", number=number),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def _normalised_number(self):
        country = self.campaign_id.company_id.chain_phone_country_id
        number = self.env["res.partner"]._phone_format(
            number=self.number, country=country, force_format="E164", raise_exception=False
        )
        return number or self.number
