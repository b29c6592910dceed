from dateutil.relativedelta import relativedelta

from odoo import _, fields, models
from odoo.exceptions import UserError

from odoo.addons.chain_member.tools.downloads import download_action


def _month_default(wizard):
    return fields.Date.context_today(wizard).replace(day=1)


class ChainAttendanceSheet(models.TransientModel):
    """The monthly attendance sheet of a store (月度考勤表), in Excel: the days are marked
    again from the punches first (make-ups approved since count)."""

    _name = "chain.attendance.sheet"
    _description = "Monthly Attendance Sheet"

    store_id = fields.Many2one("chain.store", required=True)
    month = fields.Date(
        required=True, default=_month_default, help="Any day of the month: the whole month."
    )

    def action_export(self):
        self.ensure_one()
        self.env["chain.commission.line"]._chain_check_manager(self.store_id)
        start = self.month.replace(day=1)
        end = start + relativedelta(months=1, days=-1)
        if start > fields.Date.context_today(self):
            raise UserError(_("The month has not begun."))
        Day = self.env["chain.attendance.day"]
        Day._chain_compute(self.store_id.sudo(), start, end)
        data = Day._chain_sheet_xlsx(self.store_id.sudo(), start, end)
        name = _(
            "Attendance %(store)s %(month)s.xlsx",
            store=self.store_id.sudo().name,
            month=start.strftime("%Y-%m"),
        )
        return download_action(self, name, data)
