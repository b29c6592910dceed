from odoo import fields, models

POINTS_OPERATIONS = [
    ("points_adjustment", "Points adjusted"),
    ("points_adjustment_request", "Points adjustment requested"),
    ("points_adjustment_refusal", "Points adjustment refused"),
    ("points_program", "Points rules changed"),
]


def _keep_log_lines(records):
    """The operation log is append-only: when this addon goes, its lines stay as they are,
    with their operation code (no row is deleted or rewritten)."""
    return None


class ChainOperationLog(models.Model):
    _inherit = "chain.operation.log"

    operation = fields.Selection(
        selection_add=POINTS_OPERATIONS,
        ondelete={key: _keep_log_lines for key, _label in POINTS_OPERATIONS},
    )
