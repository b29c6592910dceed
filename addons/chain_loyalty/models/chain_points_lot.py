from odoo import _, api, fields, models
from odoo.exceptions import UserError

EARN_RULES = [
    ("purchase", "Purchase"),
    ("registration", "Registration bonus"),
    ("first_order", "First-order bonus"),
    ("checkin", "Daily check-in"),
    ("topup", "Top-up bonus"),
    ("adjustment", "Manual adjustment"),
]


class ChainPointsLot(models.Model):
    """A lot of earned points: what one earning gave, what is left of it, and until when.

    Every earning (a purchase, a bonus, a positive adjustment) opens one lot. Spending takes the
    lots that expire first (then the oldest); the nightly job expires the remaining points of
    the lots whose expiry date has passed. ``remaining`` is changed only by the ledger service,
    and every change is explained by an allocation line (``chain.points.allocation``) of a move.
    """

    _name = "chain.points.lot"
    _description = "Points Lot"
    _order = "expiry_date, id"
    _rec_name = "move_id"

    partner_id = fields.Many2one(
        "res.partner", string="Member", required=True, readonly=True, ondelete="restrict"
    )
    move_id = fields.Many2one(
        "chain.points.move",
        string="Earned By",
        required=True,
        readonly=True,
        ondelete="restrict",
        index=True,
    )
    date = fields.Date(string="Earned On", required=True, readonly=True)
    expiry_date = fields.Date(
        readonly=True, help="The last day the points can be spent (empty: they never expire)."
    )
    rule = fields.Selection(EARN_RULES, required=True, readonly=True)
    points = fields.Integer(string="Earned", required=True, readonly=True)
    remaining = fields.Integer(required=True, readonly=True)
    store_id = fields.Many2one("chain.store", required=True, readonly=True, ondelete="restrict")
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    pos_order_id = fields.Many2one("pos.order", string="POS Order", readonly=True)

    _sql_constraints = [
        (
            "remaining_range",
            "CHECK(remaining >= 0 AND remaining <= points)",
            "A lot keeps between none and all of its points.",
        ),
    ]

    def init(self):
        self.env.cr.execute(
            """
            CREATE INDEX IF NOT EXISTS chain_points_lot_open_idx
                ON chain_points_lot (partner_id, expiry_date, id) WHERE remaining > 0;
            CREATE INDEX IF NOT EXISTS chain_points_lot_due_idx
                ON chain_points_lot (expiry_date) WHERE remaining > 0;
            CREATE INDEX IF NOT EXISTS chain_points_lot_store_idx
                ON chain_points_lot (store_id) WHERE remaining > 0;
            """
        )

    @api.model_create_multi
    def create(self, vals_list):  # pylint: disable=method-required-super
        raise UserError(_("Points lots are opened only by the points service (see the README)."))

    def write(self, vals):  # pylint: disable=method-required-super
        raise UserError(_("Points lots change only through the points ledger."))

    def unlink(self):  # pylint: disable=method-required-super
        raise UserError(_("Points lots cannot be deleted."))
