import datetime

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

MONTHS = [(str(month), str(month)) for month in range(1, 13)]
PAID_ORDER_STATES = ("paid", "done", "invoiced")


class ChainSmsSegment(models.Model):
    """A saved filter of members for campaigns, evaluated in SQL (set-based) so that counting
    and queueing 100,000 members take seconds.

    Only members with a mobile are counted, once per mobile number, and never numbers on Odoo's
    phone blacklist; campaigns also require the marketing consent.
    """

    _name = "chain.sms.segment"
    _description = "Member Segment"
    _order = "name"

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    tier_ids = fields.Many2many("chain.member.tier", string="Tiers")
    store_ids = fields.Many2many(
        "chain.store", string="Home Stores", help="Members registered in these stores."
    )
    birthday_month = fields.Selection(
        MONTHS,
        help="Members who celebrate their birthday in this month, the coming one (this year's, "
        "or next year's once this year's has passed); a lunar birthday counts in the solar "
        "month it falls in.",
    )
    dormant_days = fields.Integer(
        string="Dormant for (days)",
        help="Members without any purchase for at least this many days (0: no condition).",
    )
    spend_days = fields.Integer(
        string="Spend Period (days)", default=365, help="Period over which spend is summed."
    )
    spend_min = fields.Float(string="Spend From", help="0: no lower bound.")
    spend_max = fields.Float(string="Spend Up To", help="0: no upper bound.")
    member_count = fields.Integer(
        string="Members with Consent",
        compute="_compute_member_count",
        help="Members of the segment who accept marketing SMS.",
    )
    no_consent_count = fields.Integer(
        string="Members without Consent",
        compute="_compute_member_count",
        help="Members of the segment who do not accept marketing SMS: they are not sent to.",
    )

    @api.depends(
        "tier_ids",
        "store_ids",
        "birthday_month",
        "dormant_days",
        "spend_days",
        "spend_min",
        "spend_max",
    )
    def _compute_member_count(self):
        for segment in self:
            with_consent = segment._chain_count(require_consent=True)
            segment.member_count = with_consent
            segment.no_consent_count = segment._chain_count(require_consent=False) - with_consent

    @api.constrains("spend_min", "spend_max", "dormant_days", "spend_days")
    def _check_ranges(self):
        for segment in self:
            if segment.spend_max and segment.spend_min > segment.spend_max:
                raise ValidationError(_("The spend range of %(name)s is empty.", name=segment.name))
            if segment.dormant_days < 0 or segment.spend_days < 0:
                raise ValidationError(_("Days cannot be negative."))

    def _chain_count(self, require_consent=True):
        self.ensure_one()
        self.env.flush_all()  # the count reads members, orders and the blacklist in SQL
        self.env.cr.execute(
            SQL("SELECT count(*) FROM (%s) AS members", self._chain_member_query(require_consent))
        )
        return self.env.cr.fetchone()[0]

    def _chain_birthday_window(self):
        """The first and last day of the segment's birthday month: the coming one, in the SMS
        time zone (this year's, or next year's once this year's has passed)."""
        self.ensure_one()
        today = self.env["res.partner"]._chain_sms_today()
        month = int(self.birthday_month)
        first = datetime.date(today.year + (month < today.month), month, 1)
        last = (first + datetime.timedelta(days=31)).replace(day=1) - datetime.timedelta(days=1)
        return first, last

    def _chain_member_query(self, require_consent=True):
        """SQL selecting the segment's members: id, mobile, name, lang, home_store_id,
        member_tier_id, one row per mobile number."""
        self.ensure_one()
        now = fields.Datetime.now()
        joins = []
        conditions = [
            SQL("p.active"),
            SQL("p.is_member"),
            SQL("COALESCE(p.mobile, '') <> ''"),
            SQL(
                "NOT EXISTS (SELECT 1 FROM phone_blacklist b"
                " WHERE b.number = p.mobile AND b.active)"
            ),
        ]
        if require_consent:
            conditions.append(SQL("p.marketing_consent"))
        if self.tier_ids:
            conditions.append(SQL("p.member_tier_id IN %s", tuple(self.tier_ids.ids)))
        if self.store_ids:
            conditions.append(SQL("p.home_store_id IN %s", tuple(self.store_ids.ids)))
        if self.birthday_month:
            first, last = self._chain_birthday_window()
            birthdays = self.env["res.partner"]._chain_birthday_query(first, last)
            conditions.append(SQL("p.id IN (SELECT c.partner_id FROM (%s) AS c)", birthdays))
        if self.dormant_days:
            cutoff = now - datetime.timedelta(days=self.dormant_days)
            conditions.append(
                SQL(
                    """p.create_date < %(cutoff)s AND NOT EXISTS (
                        SELECT 1 FROM pos_order o
                         WHERE o.partner_id = p.id AND o.state IN %(states)s
                           AND o.date_order >= %(cutoff)s)""",
                    cutoff=cutoff,
                    states=PAID_ORDER_STATES,
                )
            )
        if self.spend_min or self.spend_max:
            since = now - datetime.timedelta(days=self.spend_days or 365)
            joins.append(
                SQL(
                    """LEFT JOIN (
                        SELECT o.partner_id, SUM(o.chain_member_spend) AS amount
                          FROM pos_order o
                         WHERE o.state IN %s AND o.date_order >= %s AND o.partner_id IS NOT NULL
                      GROUP BY o.partner_id
                    ) spend ON spend.partner_id = p.id""",
                    PAID_ORDER_STATES,
                    since,
                )
            )
            if self.spend_min:
                conditions.append(SQL("COALESCE(spend.amount, 0) >= %s", self.spend_min))
            if self.spend_max:
                conditions.append(SQL("COALESCE(spend.amount, 0) <= %s", self.spend_max))
        return SQL(
            """SELECT DISTINCT ON (p.mobile)
                      p.id, p.mobile, p.name, p.lang, p.home_store_id, p.member_tier_id
                 FROM res_partner p %s
                WHERE %s
             ORDER BY p.mobile, p.id""",
            SQL(" ").join(joins),
            SQL(" AND ").join(conditions),
        )
