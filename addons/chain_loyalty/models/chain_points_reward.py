from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

REWARD_KINDS = [
    ("product", "Gift product"),
    ("coupon", "Odoo coupon or gift card"),
]


class ChainPointsReward(models.Model):
    """An entry of the rewards catalogue: a gift product or an Odoo coupon (a loyalty.card of
    a coupon, promotion or gift-card program) that members exchange points for, in any store
    of the chain (``res.partner.chain_points_exchange``)."""

    _name = "chain.points.reward"
    _description = "Points Reward"
    _inherit = ["pos.load.mixin"]
    _order = "sequence, points_cost, id"

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    kind = fields.Selection(REWARD_KINDS, required=True, default="product")
    points_cost = fields.Integer(string="Points", required=True)
    product_id = fields.Many2one(
        "product.product",
        string="Gift Product",
        help="Handed over at the till as a zero-priced line of the order.",
    )
    program_id = fields.Many2one(
        "loyalty.program",
        string="Coupon Program",
        domain=[
            ("program_type", "in", ("coupons", "gift_card", "promotion", "next_order_coupons"))
        ],
        help="A coupon of this program is issued to the member.",
    )
    coupon_points = fields.Float(
        default=1.0,
        help="Points loaded on the coupon (for a gift card: its amount in currency).",
    )
    currency_id = fields.Many2one(
        "res.currency", required=True, default=lambda self: self.env.company.currency_id
    )
    value = fields.Monetary(help="What the reward is worth (for the redemption reports).")
    store_ids = fields.Many2many("chain.store", string="Stores", help="Empty: every store.")
    date_from = fields.Date()
    date_to = fields.Date()
    description = fields.Text(translate=True)

    _sql_constraints = [
        ("points_cost_positive", "CHECK(points_cost > 0)", "A reward costs points."),
    ]

    @api.constrains("kind", "product_id", "program_id")
    def _check_target(self):
        for reward in self:
            if reward.kind == "product" and not reward.product_id:
                raise ValidationError(
                    _("Choose the gift product of the reward %(name)s.", name=reward.name)
                )
            if reward.kind == "coupon" and not reward.program_id:
                raise ValidationError(
                    _("Choose the coupon program of the reward %(name)s.", name=reward.name)
                )

    @api.onchange("product_id")
    def _onchange_product_id(self):
        if self.product_id and not self.value:
            self.value = self.product_id.lst_price

    # ------------------------------------------------------------------------------------------
    # POS
    # ------------------------------------------------------------------------------------------
    @api.model
    def _load_pos_data_domain(self, data):
        store_id = (
            self.env["pos.config"].browse(data["pos.config"]["data"][0]["id"]).chain_store_id.id
        )
        today = fields.Date.context_today(self)
        return [
            "|",
            ("store_ids", "=", False),
            ("store_ids", "in", [store_id or 0]),
            "|",
            ("date_from", "=", False),
            ("date_from", "<=", today),
            "|",
            ("date_to", "=", False),
            ("date_to", ">=", today),
        ]

    @api.model
    def _load_pos_data_fields(self, config_id):
        return ["name", "kind", "points_cost", "product_id", "program_id", "value"]

    # ------------------------------------------------------------------------------------------
    # Exchange (called by res.partner.chain_points_exchange)
    # ------------------------------------------------------------------------------------------
    def _check_available(self, partner, store, qty):
        self.ensure_one()
        today = fields.Date.context_today(self)
        if qty <= 0:
            raise UserError(_("Exchange at least one reward."))
        if (
            not self.active
            or (self.date_from and self.date_from > today)
            or (self.date_to and self.date_to < today)
            or (self.store_ids and store not in self.store_ids)
        ):
            raise UserError(_("The reward %(name)s is not available here today.", name=self.name))

    def _issue_coupons(self, partner, qty):
        """Coupons of the reward's program for ``partner`` (none for a gift product)."""
        self.ensure_one()
        if self.kind != "coupon":
            return self.env["loyalty.card"]
        return (
            self.env["loyalty.card"]
            .sudo()
            .create(
                [
                    {
                        "program_id": self.program_id.id,
                        "partner_id": partner.id,
                        "points": self.coupon_points,
                    }
                    for _index in range(qty)
                ]
            )
        )
