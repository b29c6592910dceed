from odoo import fields, models


class PosConfig(models.Model):
    _inherit = "pos.config"

    chain_store_id = fields.Many2one(
        "chain.store",
        index=True,
        help="The store this point of sale belongs to; its operations are recorded there.",
    )
