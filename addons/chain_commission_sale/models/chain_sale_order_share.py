from odoo import api, fields, models


class ChainSaleOrderShare(models.Model):
    """Who sold a sales order (导购), and their share of it (percent; the shares of an order
    add up to 100, checked by the order): every line of the order is credited to them.

    Written through the order's form by whoever may change the order, while no invoice of it
    has recorded commission; checked again, whole, when an invoice is posted."""

    _name = "chain.sale.order.share"
    _description = "Staff Share of a Sales Order"
    _order = "order_id, id"

    order_id = fields.Many2one("sale.order", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="order_id.company_id", store=True, index=True)
    employee_id = fields.Many2one("hr.employee", required=True, ondelete="restrict", index=True)
    share = fields.Float(string="Share (%)", required=True, digits=(6, 2), default=100.0)

    _sql_constraints = [
        (
            "share_positive",
            "CHECK(share > 0 AND share <= 100)",
            "A share is above 0 and at most 100.",
        ),
        (
            "employee_unique",
            "unique(order_id, employee_id)",
            "An employee has one share of an order.",
        ),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        orders = self.env["sale.order"].browse(
            {vals["order_id"] for vals in vals_list if vals.get("order_id")}
        )
        orders._chain_check_staff_editable()
        return super().create(vals_list)

    def write(self, vals):
        self.order_id._chain_check_staff_editable()
        if vals.get("order_id"):
            self.env["sale.order"].browse(vals["order_id"])._chain_check_staff_editable()
        return super().write(vals)

    def unlink(self):
        self.order_id._chain_check_staff_editable()
        return super().unlink()
