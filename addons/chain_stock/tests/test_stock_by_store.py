from odoo.tests import TransactionCase, tagged
from odoo.tools.safe_eval import safe_eval


@tagged("post_install", "-at_install")
class TestStockByStore(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.warehouse = cls.env["stock.warehouse"].create({"name": "Store W", "code": "TSW"})
        cls.store = cls.env["chain.store"].create(
            {"code": "T-W", "name": "Warehouse store", "warehouse_id": cls.warehouse.id}
        )
        cls.product = cls.env["product.product"].create(
            {"name": "Green tea", "is_storable": True, "type": "consu"}
        )

    def test_warehouse_knows_its_store(self):
        self.assertEqual(self.warehouse.chain_store_id, self.store)
        self.store.warehouse_id = False
        self.assertFalse(self.warehouse.chain_store_id)

    def test_stock_by_store_report_shows_the_store_stock(self):
        self.env["stock.quant"]._update_available_quantity(
            self.product, self.warehouse.lot_stock_id, 7
        )
        action = self.env.ref("chain_stock.stock_quant_action_by_store")
        quants = self.env["stock.quant"].search(
            safe_eval(action.domain) + [("product_id", "=", self.product.id)]
        )
        self.assertEqual(quants.chain_store_id, self.store)
        self.assertEqual(sum(quants.mapped("quantity")), 7)

    def test_stock_outside_the_chain_stores_is_not_reported(self):
        outside = self.env["stock.warehouse"].create({"name": "Outside", "code": "TOUT"})
        self.env["stock.quant"]._update_available_quantity(self.product, outside.lot_stock_id, 3)
        action = self.env.ref("chain_stock.stock_quant_action_by_store")
        quants = self.env["stock.quant"].search(
            safe_eval(action.domain) + [("product_id", "=", self.product.id)]
        )
        self.assertNotIn(outside, quants.warehouse_id)
