import datetime

import pytz

from odoo import fields, models

from odoo.addons.base.models.res_partner import _tz_get

HQ = "chain_member.group_chain_hq_manager"


class ResCompany(models.Model):
    _inherit = "res.company"

    chain_sms_gateway_id = fields.Many2one(
        "chain.sms.gateway",
        string="SMS Gateway",
        groups=HQ,
        domain="[('company_id', '=', id)]",
        help="The provider this company's SMS leave through; without one, Odoo's IAP SMS.",
    )
    chain_sms_quiet_start = fields.Float(
        string="Quiet Hours From",
        default=21.0,
        help="No marketing SMS leave from this hour (company time zone)...",
    )
    chain_sms_quiet_end = fields.Float(
        string="Quiet Hours Until", default=8.0, help="...until this hour; they wait until then."
    )
    chain_sms_tz = fields.Selection(
        _tz_get, string="SMS Time Zone", default="Asia/Shanghai", help="Time zone of quiet hours."
    )
    chain_sms_payment_code = fields.Boolean(
        string="Code for Large Balance Payments",
        help="A balance payment at the till above the threshold needs a code sent by SMS to the "
        "member's mobile.",
    )
    chain_sms_payment_code_threshold = fields.Monetary(
        string="Payment Code Threshold", currency_field="currency_id", default=500.0
    )

    def _chain_sms_quiet_until(self, now=None):
        """When quiet hours end, as a naive UTC datetime, if ``now`` (naive UTC) is within
        them; else False."""
        self.ensure_one()
        now = now or fields.Datetime.now()
        start, end = self.chain_sms_quiet_start, self.chain_sms_quiet_end
        if start == end:
            return False
        tz = pytz.timezone(self.chain_sms_tz or "UTC")
        local = pytz.utc.localize(now).astimezone(tz)
        hour = local.hour + local.minute / 60 + local.second / 3600
        quiet = (start <= hour or hour < end) if start > end else (start <= hour < end)
        if not quiet:
            return False
        end_day = local.date()
        if start > end and hour >= start:
            end_day += datetime.timedelta(days=1)
        hours, minutes = int(end), round((end % 1) * 60)
        local_end = tz.localize(datetime.datetime.combine(end_day, datetime.time(hours, minutes)))
        return local_end.astimezone(pytz.utc).replace(tzinfo=None)
