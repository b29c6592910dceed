from odoo import _, fields, models
from odoo.exceptions import UserError

STOCK_OPERATIONS = [
    ("stock_request_create", "Store request created"),
    ("stock_request_submit", "Store request submitted"),
    ("stock_request_approve", "Store request approved"),
    ("stock_request_reject", "Store request rejected"),
    ("stock_request_ship", "Store request shipped"),
    ("stock_request_receive", "Store request received"),
    ("stock_difference_resolve", "Receipt difference resolved"),
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
        selection_add=STOCK_OPERATIONS,
        ondelete={key: _keep_log_lines for key, _label in STOCK_OPERATIONS},
    )
