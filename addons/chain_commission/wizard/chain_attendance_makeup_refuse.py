from odoo import fields, models


class ChainAttendanceMakeupRefuse(models.TransientModel):
    """Refuse a make-up punch request, saying why."""

    _name = "chain.attendance.makeup.refuse"
    _description = "Refuse a Make-up Punch"

    makeup_id = fields.Many2one("chain.attendance.makeup", required=True, ondelete="cascade")
    reason = fields.Text(required=True)

    def action_confirm(self):
        self.ensure_one()
        return self.makeup_id.action_refuse(self.reason)
