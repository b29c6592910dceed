from odoo import Command

from odoo.addons.chain_commission.tests.common import CommissionCase


class SaleCommissionCase(CommissionCase):
    """CommissionCase's stores, staff and plan (services 10 %) with a salesperson of store A
    who is an employee there, and a customer."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = cls._make_user("t_salesman_a", "sales_team.group_sale_salesman", cls.store_a)
        cls.salesman_b = cls._make_user(
            "t_salesman_b", "sales_team.group_sale_salesman", cls.store_b
        )
        cls.sales_employee = cls._employee("Sales Sun", cls.level_tech, cls.store_a, cls.salesman)
        cls.customer = cls.env["res.partner"].create({"name": "Customer Qian"})

    def make_order(self, lines, shares=None, user=None, store=None):
        user = user or self.salesman
        values = {
            "partner_id": self.customer.id,
            "chain_store_id": (store or self.store_a).id,
            "order_line": [
                Command.create({"product_id": product.id, "product_uom_qty": qty})
                for product, qty in lines
            ],
        }
        if shares is not None:
            values["chain_staff_share_ids"] = [
                Command.create({"employee_id": employee.id, "share": share})
                for employee, share in shares
            ]
        return self.env["sale.order"].with_user(user).create(values)

    def invoice(self, order):
        order.sudo().action_confirm()
        move = order.sudo()._create_invoices()
        move.action_post()
        return move

    def credit_note(self, move, qty=None):
        refund = move._reverse_moves()
        if qty is not None:
            refund.invoice_line_ids.filtered(lambda line: line.sale_line_ids).quantity = qty
        refund.action_post()
        return refund

    def commission_of(self, order):
        return {
            (line.employee_id, line.kind): line.amount
            for line in self.env["chain.commission.line"].search([("sale_order_id", "=", order.id)])
        }

    def totals_of(self, order):
        totals = {}
        for line in self.env["chain.commission.line"].search([("sale_order_id", "=", order.id)]):
            totals[line.employee_id] = totals.get(line.employee_id, 0.0) + line.amount
        return totals
