from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

# chain_wallet adds the low balance and the count cards expiring
REMINDER_CODES = [
    ("birthday", "Birthday"),
    ("dormant", "Dormant member"),
    ("card_expiring", "Card expiring"),
    ("tier_expiring", "Tier expiring"),
]
# The longest look-ahead a type may have (it bounds the lunar birthday table and the windows).
MAX_LEAD_DAYS = 180
MAX_DORMANT_DAYS = 3650


class ChainMemberReminderType(models.Model):
    """What the nightly job looks for, one record per kind of reminder, set by headquarters.

    ``lead_days`` is how many days ahead the job looks for a birthday or an expiry, and how many
    days without a purchase make a member dormant (chain_wallet adds ``threshold``, the balance
    under which a stored-value account is low). A type with stores raises reminders only for
    the members whose home store is one of them.
    """

    _name = "chain.member.reminder.type"
    _description = "Member Reminder Type"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Selection(REMINDER_CODES, required=True, readonly=True)
    sequence = fields.Integer(default=10)
    enabled = fields.Boolean(default=True, help="The nightly job looks for this reminder.")
    lead_days = fields.Integer(
        string="Days",
        default=3,
        help="Birthday and expiries: how many days ahead to remind. Dormant member: how many "
        "days without a purchase make a member dormant.",
    )
    store_ids = fields.Many2many(
        "chain.store",
        "chain_member_reminder_type_store_rel",
        "type_id",
        "store_id",
        string="Stores",
        help="Only members whose home store is one of these. Leave empty for every store.",
    )
    notify_member = fields.Boolean(
        string="Message the Member",
        default=True,
        help="Each new reminder is a member event (reminder_<code>) that the SMS addon turns "
        "into a message, per the member's consent.",
    )
    notify_manager = fields.Boolean(
        string="Activity for Store Managers",
        default=True,
        help="The managers of the member's home store get one activity a day listing the new "
        "reminders of their store.",
    )
    event_code = fields.Char(compute="_compute_event_code")
    last_run_date = fields.Date(
        readonly=True,
        copy=False,
        help="The day the nightly job last ran this type. The next run raises what entered "
        "the window since then (missed nights included, at most 31 days back); a type that "
        "never ran raises what enters the window on its first day only.",
    )
    last_raised_count = fields.Integer(string="Raised at Last Run", readonly=True, copy=False)
    open_count = fields.Integer(string="Open Reminders", compute="_compute_open_count")

    _sql_constraints = [
        ("code_unique", "unique(code)", "There is one reminder type per kind of reminder."),
    ]

    @api.depends("code")
    def _compute_event_code(self):
        for rtype in self:
            rtype.event_code = f"reminder_{rtype.code}" if rtype.code else False

    def _compute_open_count(self):
        counts = dict(
            self.env["chain.member.reminder"]._read_group(
                [("type_id", "in", self.ids), ("state", "=", "new")], ["type_id"], ["__count"]
            )
        )
        for rtype in self:
            rtype.open_count = counts.get(rtype, 0)

    @api.constrains("code", "lead_days")
    def _check_settings(self):
        for rtype in self:
            limit = MAX_DORMANT_DAYS if rtype.code == "dormant" else MAX_LEAD_DAYS
            if not 0 <= rtype.lead_days <= limit:
                raise ValidationError(
                    _(
                        "The days of reminder %(name)s must be between 0 and %(limit)s.",
                        name=rtype.name,
                        limit=limit,
                    )
                )
            if rtype.code == "dormant" and not rtype.lead_days:
                raise ValidationError(_("A member is dormant after at least one day."))

    def action_view_open_reminders(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "chain_member.chain_member_reminder_action_today"
        )
        action["domain"] = [("type_id", "=", self.id)]
        action["context"] = {"search_default_filter_open": 1}
        return action
