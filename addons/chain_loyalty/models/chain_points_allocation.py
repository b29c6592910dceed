from odoo import fields, models


class ChainPointsAllocation(models.Model):
    """Which lots a move took points from (positive) or gave points back to (negative).

    A lot's remaining points are its earned points less the sum of its allocations. Lines are
    append-only, like the moves they belong to.
    """

    _name = "chain.points.allocation"
    _inherit = ["chain.append.only.mixin"]
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
