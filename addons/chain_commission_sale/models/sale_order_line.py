from odoo import fields, models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    chain_commission_line_ids = fields.One2many(
        "chain.commission.line",
        "sale_order_line_id",
        string="Commission Lines",
        readonly=True,
        groups="chain_member.group_chain_store_manager",
    )
