from odoo import _, fields, models
from odoo.exceptions import UserError

WALLET_OPERATIONS = [
    ("wallet_withdrawal", "Stored value withdrawn"),
    ("wallet_adjustment", "Stored value adjusted"),
    ("wallet_transfer", "Stored value transferred"),
    ("wallet_expiry", "Stored value expired"),
    ("wallet_pin", "Payment PIN changed"),
    ("count_card_refund", "Count card refunded"),
]


def _keep_log_lines(records):
    """The operation log is append-only: its lines keep their operation, even one whose code
    is no longer offered."""
    if records:
        raise UserError(
            _("The operation log is append-only: keep the operation codes its lines use.")
        )


class ChainOperationLog(models.Model):
    _inherit = "chain.operation.log"

    operation = fields.Selection(
        selection_add=WALLET_OPERATIONS,
        ondelete={key: _keep_log_lines for key, _label in WALLET_OPERATIONS},
    )
