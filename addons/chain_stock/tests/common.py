from odoo import Command
from odoo.tests import new_test_user

from odoo.addons.chain_member.tests.common import ChainMemberCase


class StockRequestCase(ChainMemberCase):
    """ChainMemberCase's stores with a warehouse each, a cashier and a manager of store A, a
    manager of store B, headquarters, a partner merchant and a plain internal user; two goods
    with 100 of each in headquarters' warehouse."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for code, store in (("TSHQ", cls.hq), ("TSA", cls.store_a), ("TSB", cls.store_b)):
            if not store.warehouse_id:
                store.warehouse_id = cls.env["stock.warehouse"].create(
                    {"name": f"{store.name} warehouse", "code": code}
                )
        cls.company = cls.store_a.company_id
        cls.transit = cls.company.internal_transit_location_id
        cls.hq_stock = cls.hq.warehouse_id.lot_stock_id
        cls.a_stock = cls.store_a.warehouse_id.lot_stock_id
        cls.b_stock = cls.store_b.warehouse_id.lot_stock_id
        cls.milk = cls.env["product.product"].create(
            {"name": "Test Milk", "is_storable": True, "type": "consu"}
        )
        cls.bread = cls.env["product.product"].create(
            {"name": "Test Bread", "is_storable": True, "type": "consu"}
        )
        cls.loss = cls.milk.with_company(cls.company).property_stock_inventory
        for product in cls.milk | cls.bread:
            cls._set_stock(product, cls.hq_stock, 100)
        cls.plain_user = new_test_user(cls.env, login="t_plain", groups="base.group_user")
        cls.plain_user.chain_store_ids = [Command.set(cls.store_a.ids)]

    @classmethod
    def _set_stock(cls, product, location, qty):
        cls.env["stock.quant"].with_context(inventory_mode=True).create(
            {"product_id": product.id, "location_id": location.id, "inventory_quantity": qty}
        ).action_apply_inventory()

    def qty(self, product, location):
        """Quantity of ``product`` in ``location`` (its children included), from the quants."""
        quants = self.env["stock.quant"].search(
            [("product_id", "=", product.id), ("location_id", "child_of", location.id)]
        )
        return sum(quants.mapped("quantity"))

    def new_request(self, user=None, supplier=None, lines=None):
        """A draft request of store A, created by ``user`` (store A's manager)."""
        user = user or self.manager_a
        lines = lines or [(self.milk, 10), (self.bread, 5)]
        return (
            self.env["chain.stock.request"]
            .with_user(user)
            .create(
                {
                    "store_id": self.store_a.id,
                    "supplier_store_id": (supplier or self.hq).id,
                    "line_ids": [
                        Command.create({"product_id": product.id, "requested_qty": qty})
                        for product, qty in lines
                    ],
                }
            )
        )

    def approve(self, request, quantities, user=None):
        """Approve through the wizard, as headquarters: ``quantities`` {product: qty}."""
        wizard = (
            self.env["chain.stock.request.approve"]
            .with_user(user or self.hq_manager)
            .create({"request_id": request.id})
        )
        for item in wizard.line_ids:
            item.approved_qty = quantities.get(item.product_id, 0.0)
        return wizard.action_confirm()

    def receive(self, request, counts, user=None):
        """Receive through the wizard: ``counts`` {product: (received, damaged, reason)}."""
        wizard = (
            self.env["chain.stock.request.receive"]
            .with_user(user or self.manager_a)
            .create({"request_id": request.id})
        )
        for item in wizard.line_ids:
            received, damaged, reason = counts[item.product_id]
            item.write({"received_qty": received, "damaged_qty": damaged, "damage_reason": reason})
        return wizard.action_confirm()

    def logged(self, request):
        return (
            self.env["chain.operation.log"]
            .sudo()
            .search([("res_model", "=", request._name), ("res_id", "=", request.id)], order="id")
            .mapped("operation")
        )
