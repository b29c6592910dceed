from odoo import _, fields, models
from odoo.exceptions import UserError

COMMISSION_OPERATIONS = [
    ("commission_plan_activate", "Commission plan put in force"),
    ("commission_plan_end", "Commission plan ended and replaced"),
    ("commission_adjustment", "Commission adjusted"),
    ("commission_settlement_approve", "Commission settlement approved"),
    ("commission_settlement_lock", "Commission settlement locked"),
    ("attendance_punch", "Clocked in or out at a till"),
    ("attendance_punch_refused", "Punch at a till refused (wrong PIN or badge)"),
    ("attendance_makeup_approve", "Make-up punch approved"),
    ("attendance_makeup_refuse", "Make-up punch refused"),
    ("attendance_kiosk_key", "Store kiosk key renewed"),
]


def _keep_log_lines(records):
    """The operation log is append-only: its lines keep their operation."""
    if records:
        raise UserError(
            _("The operation log is append-only: keep the operation codes its lines use.")
        )


class ChainOperationLog(models.Model):
    _inherit = "chain.operation.log"

    operation = fields.Selection(
        selection_add=COMMISSION_OPERATIONS,
        ondelete={key: _keep_log_lines for key, _label in COMMISSION_OPERATIONS},
    )
