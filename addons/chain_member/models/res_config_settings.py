from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    chain_headquarters_id = fields.Many2one(
        "chain.store",
        string="Headquarters",
        compute="_compute_chain_headquarters_id",
    )
    chain_phone_country_id = fields.Many2one(
        related="company_id.chain_phone_country_id", readonly=False
    )
    chain_amount_ceiling = fields.Float(
        string="Largest Single Amount",
        default=50000.0,
        config_parameter="chain_member.amount_ceiling",
        help="A single top-up, payment, refund or adjustment above this amount is refused "
        "(0: no limit).",
    )

    def _compute_chain_headquarters_id(self):
        self.chain_headquarters_id = self.env["chain.store"].get_headquarters()
