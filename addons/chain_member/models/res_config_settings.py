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

    def _compute_chain_headquarters_id(self):
        self.chain_headquarters_id = self.env["chain.store"].get_headquarters()
