"""chain_stock's public methods are exactly the store-request operations listed here (each with
its row in the repository README's threat model, each checked in test_security_stock_request.py);
on Odoo's stock models it adds fields only (a warehouse's store, a quant's store), and the
chain's staff cannot move a warehouse to another store."""

import inspect

from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged

PUBLIC_METHODS = {
    "stock.warehouse": set(),
    "stock.quant": set(),
    "chain.stock.request": {"create", "write", "action_submit", "action_ship"},
    "chain.stock.request.line": {"create", "write"},
    "chain.stock.difference": {
        "create",
        "write",
        "action_resolve_loss",
        "action_resolve_reship",
        "action_resolve_return",
    },
    "chain.stock.request.approve": {"action_confirm"},
    "chain.stock.request.reject": {"action_confirm"},
    "chain.stock.request.receive": {"action_confirm"},
    "chain.stock.request.approve.line": set(),
    "chain.stock.request.receive.line": set(),
}
STAFF = ("sh01_cashier", "sh01_manager", "sh02_cashier", "sz01_cashier", "al01_merchant")


@tagged("post_install", "-at_install")
class TestSecurityStock(TransactionCase):
    def test_public_methods_are_the_listed_operations(self):
        for model_name, allowed in PUBLIC_METHODS.items():
            for cls in type(self.env[model_name]).__mro__:
                if not cls.__module__.startswith("odoo.addons.chain_stock."):
                    continue
                public = {
                    name
                    for name, member in vars(cls).items()
                    if not name.startswith("_") and inspect.isfunction(member)
                }
                self.assertEqual(public - set(allowed), set(), model_name)

    def test_staff_cannot_move_a_warehouse_or_its_stock(self):
        stores = self.env["chain.store"].search([("warehouse_id", "!=", False)], limit=2)
        self.assertEqual(len(stores), 2, "the demo's stores have warehouses")
        warehouse, other = stores.warehouse_id
        quant = self.env["stock.quant"].search([("warehouse_id", "=", warehouse.id)], limit=1)
        before = (warehouse.chain_store_id, other.chain_store_id)
        users = self.env["res.users"].search([("login", "in", STAFF)])
        users |= new_test_user(self.env, login="stock_portal", groups="base.group_portal")
        for user in users:
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError), self.env.cr.savepoint():
                    warehouse.with_user(user).write({"chain_store_id": other.chain_store_id.id})
                with self.assertRaises(AccessError), self.env.cr.savepoint():
                    warehouse.with_user(user).write({"chain_store_ids": [(6, 0, [])]})
                if quant:
                    with self.assertRaises(AccessError), self.env.cr.savepoint():
                        quant.with_user(user).write({"quantity": 1e9})
        warehouse.invalidate_recordset()
        self.assertEqual((warehouse.chain_store_id, other.chain_store_id), before)
