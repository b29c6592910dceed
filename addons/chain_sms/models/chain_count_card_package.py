import datetime

from odoo import _, api, fields, models
from odoo.exceptions import AccessError

DEFAULT_EXPIRING_DAYS = 7


class ChainCountCardPackage(models.Model):
    _inherit = "chain.count.card.package"

    chain_sms_expiring_warned_for = fields.Date(
        string="Expiry Warning Sent For",
        readonly=True,
        copy=False,
        help='The expiry date the SMS warning "expires soon" was queued for (a renewed card '
        "is warned again before its new date).",
    )

    def write(self, vals):
        if not self.env.su and "chain_sms_expiring_warned_for" in vals:
            # the expiry job's own stamp: a client's write would silence or repeat a warning
            if any(
                package.chain_sms_expiring_warned_for
                != _as_date(vals["chain_sms_expiring_warned_for"])
                for package in self
            ):
                raise AccessError(_("The expiry warning's date is kept by the warning job."))
            vals = {
                key: value for key, value in vals.items() if key != "chain_sms_expiring_warned_for"
            }
        return super().write(vals)

    @api.model
    def _cron_chain_sms_expiring(self, today=None):
        """Daily: the "count card expiring" SMS for the active count cards with uses left that
        expire within ``chain_sms.count_card_expiring_days`` days (7 by default), once per card
        and expiry date. A card whose member reminder "count card expiring" already went out as
        an SMS for that date is skipped: the member is told once. Returns the cards warned."""
        today = today or self.env["res.partner"]._chain_sms_today()
        days = self._chain_sms_expiring_days()
        packages = (
            self.sudo()
            .search(
                [
                    ("state", "=", "active"),
                    ("uses_remaining", ">", 0),
                    ("date_expiry", ">=", today),
                    ("date_expiry", "<=", today + datetime.timedelta(days=days)),
                ],
                order="date_expiry, id",
            )
            .filtered(lambda package: package.chain_sms_expiring_warned_for != package.date_expiry)
        )
        warned = packages.filtered(lambda package: not package._chain_sms_reminded())
        for package in packages:
            package.chain_sms_expiring_warned_for = package.date_expiry
        for package in warned:
            package._chain_sms_expiring_event()
        return warned

    def _chain_sms_expiring_event(self):
        self.ensure_one()
        partner = self.partner_id
        partner._chain_member_event(
            "count_card_expiring",
            values={
                "member_name": partner.name,
                "card_tail": partner._chain_wallet_card_tail(),
                "amount": self.uses_remaining,
                "balance": self.uses_remaining,
                "points": 0,
                "store": self.store_id.name or "",
                "date": fields.Date.to_string(self.date_expiry),
            },
            store=self.store_id,
        )

    def _chain_sms_reminded(self):
        """Whether the reminder job already raised this card's expiry for its member and that
        reminder's SMS is switched on."""
        self.ensure_one()
        event = self.env["chain.sms.event"]._get_by_code("reminder_count_card_expiring")
        if not event or not event._is_sent_for(self.store_id or self.partner_id.home_store_id):
            return False
        return bool(
            self.env["chain.member.reminder"]
            .sudo()
            .search_count(
                [
                    ("code", "=", "count_card_expiring"),
                    ("partner_id", "=", self.partner_id.id),
                    ("due_date", "=", self.date_expiry),
                ],
                limit=1,
            )
        )

    @api.model
    def _chain_sms_expiring_days(self):
        value = (
            self.env["ir.config_parameter"].sudo().get_param("chain_sms.count_card_expiring_days")
        )
        try:
            return max(int(value), 0) if value else DEFAULT_EXPIRING_DAYS
        except ValueError:
            return DEFAULT_EXPIRING_DAYS


def _as_date(value):
    """A client's date value as a date (None when it is not one: it then changes something)."""
    try:
        return fields.Date.to_date(value) or False
    except (TypeError, ValueError):
        return None
