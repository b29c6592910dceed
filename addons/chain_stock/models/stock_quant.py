from odoo import fields, models


class StockQuant(models.Model):
    _inherit = "stock.quant"

    chain_store_id = fields.Many2one(
        related="warehouse_id.chain_store_id",
        help="The store holding this stock (through its warehouse).",
    )
