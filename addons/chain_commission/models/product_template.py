from odoo import fields, models

from .chain_commission_rule import EVENT_TYPES


class ProductTemplate(models.Model):
    _inherit = "product.template"

    chain_commission_event_type = fields.Selection(
        EVENT_TYPES,
        string="Commission Event",
        help="What selling this product is for the commission rules. Empty: derived from the "
        "product (service, goods, top-up, count card). Set 'Member Card Sale' on the products "
        "that sell a member card.",
    )
