from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .chain_points_move import APPEND_ONLY_FUNCTION


class ChainPointsAllocation(models.Model):
    """Which lots a move took points from (positive) or gave points back to (negative).

    A lot's remaining points are its earned points less the sum of its allocations. Lines are
    append-only, like the moves they belong to.
    """

    _name = "chain.points.allocation"
    _description = "Points Lot Allocation"
    _order = "id"

    move_id = fields.Many2one(
        "chain.points.move", required=True, readonly=True, ondelete="restrict", index=True
    )
    lot_id = fields.Many2one(
        "chain.points.lot", required=True, readonly=True, ondelete="restrict", index=True
    )
    points = fields.Integer(
        required=True, readonly=True, help="Taken from the lot (positive) or given back (negative)."
    )

    def init(self):
        self.env.cr.execute(APPEND_ONLY_FUNCTION)
        self.env.cr.execute(
            """
            DROP TRIGGER IF EXISTS chain_points_allocation_append_only ON chain_points_allocation;
            CREATE TRIGGER chain_points_allocation_append_only
                BEFORE UPDATE OR DELETE ON chain_points_allocation
                FOR EACH ROW EXECUTE FUNCTION chain_points_append_only();
            """
        )

    @api.model_create_multi
    def create(self, vals_list):  # pylint: disable=method-required-super
        raise UserError(_("Points allocations are written only by the points service."))

    def write(self, vals):  # pylint: disable=method-required-super
        raise UserError(_("The points ledger cannot be changed: post a correcting move."))

    def unlink(self):  # pylint: disable=method-required-super
        raise UserError(_("The points ledger cannot be deleted: post a correcting move."))
