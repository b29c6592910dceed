from odoo import api, fields, models


class StockWarehouse(models.Model):
    _inherit = "stock.warehouse"

    chain_store_id = fields.Many2one(
        "chain.store",
        compute="_compute_chain_store_id",
        store=True,
        index="btree_not_null",
        help="The store whose stock this warehouse keeps.",
    )
    chain_store_ids = fields.One2many("chain.store", "warehouse_id", string="Chain Stores")

    @api.depends("chain_store_ids")
    def _compute_chain_store_id(self):
        for warehouse in self:
            warehouse.chain_store_id = warehouse.chain_store_ids[:1]
