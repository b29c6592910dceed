from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    chain_phone_country_id = fields.Many2one(
        "res.country",
        string="Default Phone Country",
        default=lambda self: self.env.ref("base.cn", raise_if_not_found=False),
        help="Country used to normalise members' mobile numbers typed without a country "
        "prefix (e.g. 138 0013 8000 becomes +86 138 0013 8000).",
    )
