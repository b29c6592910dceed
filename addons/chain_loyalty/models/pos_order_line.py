from odoo import api, fields, models


class PosOrderLine(models.Model):
    _inherit = "pos.order.line"

    chain_points_reward_id = fields.Many2one(
        "chain.points.reward",
        string="Exchanged for Points",
        readonly=True,
        index="btree_not_null",
        help="This zero-priced gift was exchanged for the reward's points.",
    )

    @api.model
    def _load_pos_data_fields(self, config_id):
        return super()._load_pos_data_fields(config_id) + ["chain_points_reward_id"]
