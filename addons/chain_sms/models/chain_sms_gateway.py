import secrets

from odoo import _, api, fields, models
from odoo.exceptions import AccessError

from ..tools import PROVIDERS, rate_limit, redaction
from ..tools.provider import ProviderConfig

PROVIDER_SELECTION = [
    ("alibaba", "Alibaba Cloud SMS"),
    ("tencent", "Tencent Cloud SMS"),
    ("twilio", "Twilio"),
    ("iap", "Odoo IAP SMS"),
]
HQ = "chain_member.group_chain_hq_manager"


class ChainSmsGateway(models.Model):
    """An account with an SMS provider. Each company chooses its gateway in the settings; a
    company without one sends through Odoo's own IAP SMS.

    Credentials are readable by HQ managers only (access rights and field groups), and the
    provider clients mask them in every log line (see ``tools/redaction.py``).
    """

    _name = "chain.sms.gateway"
    _description = "SMS Gateway"
    _order = "sequence, id"

    name = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    provider = fields.Selection(PROVIDER_SELECTION, required=True, default="alibaba")
    endpoint = fields.Char(
        help="The provider's API address; leave empty for the provider's public endpoint."
    )
    region = fields.Char(help="Alibaba Cloud: cn-hangzhou; Tencent Cloud: ap-guangzhou.")
    api_key = fields.Char(
        string="Key ID",
        groups=HQ,
        copy=False,
        help="Alibaba Cloud AccessKey ID, Tencent Cloud SecretId or Twilio Account SID.",
    )
    api_secret = fields.Char(
        string="Secret",
        groups=HQ,
        copy=False,
        help="Alibaba Cloud AccessKey Secret, Tencent Cloud SecretKey or Twilio Auth Token.",
    )
    app_id = fields.Char(string="SMS App ID", help="Tencent Cloud SmsSdkAppId.")
    sign_name = fields.Char(help="The approved signature (签名) of mainland-China providers.")
    sender = fields.Char(
        help="Twilio: the sending number (+1...) or Messaging Service SID (MG...)."
    )
    needs_template = fields.Boolean(
        compute="_compute_needs_template",
        help="The provider sends only templates it approved (mainland China).",
    )
    timeout = fields.Float(string="Timeout (s)", default=10.0)
    max_attempts = fields.Integer(
        default=6,
        help="Attempts of a message whose outcome stays unknown (timeouts, server errors) "
        "before it is given up.",
    )
    rate_limit = fields.Float(
        string="Rate Limit (SMS/s)",
        default=20.0,
        help="At most this many SMS per second leave through this gateway (0: no limit).",
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    price_per_message = fields.Float(
        string="Price per SMS",
        digits=(16, 4),
        help="In the company's currency; used for the cost estimate of campaigns.",
    )
    inbound_token = fields.Char(
        groups=HQ,
        copy=False,
        default=lambda self: secrets.token_urlsafe(24),
        help="Secret part of the addresses the provider pushes delivery reports and replies to.",
    )
    report_url = fields.Char(string="Delivery Report URL", compute="_compute_urls", groups=HQ)
    inbound_url = fields.Char(string="Replies URL", compute="_compute_urls", groups=HQ)

    @api.depends("provider")
    def _compute_needs_template(self):
        for gateway in self:
            provider = PROVIDERS.get(gateway.provider)
            gateway.needs_template = bool(provider and provider.needs_template)

    @api.depends("inbound_token")
    def _compute_urls(self):
        base_url = self.get_base_url()
        for gateway in self:
            gateway.report_url = gateway._chain_push_url("report", base_url)
            gateway.inbound_url = gateway._chain_push_url("inbound", base_url)

    @api.model_create_multi
    def create(self, vals_list):
        self._chain_check_hq()
        for vals in vals_list:
            redaction.register_secrets(vals.get("api_key"), vals.get("api_secret"))
        return super().create(vals_list)

    def write(self, vals):
        self._chain_check_hq()
        redaction.register_secrets(vals.get("api_key"), vals.get("api_secret"))
        return super().write(vals)

    def action_regenerate_token(self):
        """A new secret for the push addresses (the provider must be given the new ones)."""
        self._chain_check_hq()
        self.check_access("write")
        for gateway in self.sudo():
            gateway.inbound_token = secrets.token_urlsafe(24)
        return True

    @api.model
    def _chain_check_hq(self):
        """Gateways hold the providers' credentials: HQ managers only (and the server)."""
        if not (self.env.su or self.env.user.has_group(HQ)):
            raise AccessError(_("Only headquarters managers administer the SMS gateways."))

    def _chain_push_url(self, kind, base_url=None):
        self.ensure_one()
        if not self.id:
            return False
        token = self.sudo().inbound_token
        return f"{base_url or self.get_base_url()}/chain_sms/{self.id}/{token}/{kind}"

    def _chain_provider(self):
        """The provider client of this gateway, or None for Odoo IAP."""
        self.ensure_one()
        provider_class = PROVIDERS.get(self.provider)
        if not provider_class:
            return None
        gateway = self.sudo()
        config = ProviderConfig(
            endpoint=gateway.endpoint or "",
            api_key=gateway.api_key or "",
            api_secret=gateway.api_secret or "",
            app_id=gateway.app_id or "",
            sign_name=gateway.sign_name or "",
            sender=gateway.sender or "",
            region=gateway.region or "",
            timeout=gateway.timeout or 10.0,
        )
        provider = provider_class(config)
        redaction.register_secrets(*provider.secrets())
        return provider

    def _chain_rate_limiter(self):
        self.ensure_one()
        return rate_limit.limiter_for((self.env.cr.dbname, self.id), self.rate_limit)

    def _chain_check_token(self, token):
        self.ensure_one()
        expected = self.sudo().inbound_token or ""
        if not expected or not isinstance(token, str):
            return False
        return secrets.compare_digest(expected.encode(), token.encode())
