"""Two clicks on *Ship* of one request at the same moment: real concurrent transactions
(separate cursors in separate threads, each committing).

Without the guarded state change both would validate the shipment and the goods would leave
the supplier's stock twice. The data is committed (the other transaction must see it), so the
test cleans it up afterwards; the operation log's append-only trigger is lifted for that
cleanup only.
"""

import threading
import uuid

from psycopg2 import errors

from odoo import SUPERUSER_ID, Command, api
from odoo.exceptions import UserError
from odoo.modules.registry import DummyRLock, Registry
from odoo.service.model import retrying
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestStockRequestConcurrency(TransactionCase):
    def setUp(self):
        super().setUp()
        tag = uuid.uuid4().hex[:4].upper()
        self.registry_ = self.env.registry
        with self.registry_.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            stores = env["chain.store"]
            for role in ("A", "S"):
                warehouse = env["stock.warehouse"].create(
                    {"name": f"Race {role} {tag}", "code": f"{role}{tag}"}
                )
                stores |= stores.create(
                    {
                        "code": f"RACE-{role}-{tag}",
                        "name": f"Race {role} {tag}",
                        "warehouse_id": warehouse.id,
                    }
                )
            requester, supplier = stores
            product = env["product.product"].create(
                {"name": f"Race Milk {tag}", "is_storable": True, "type": "consu"}
            )
            env["stock.quant"].with_context(inventory_mode=True).create(
                {
                    "product_id": product.id,
                    "location_id": supplier.warehouse_id.lot_stock_id.id,
                    "inventory_quantity": 10,
                }
            ).action_apply_inventory()
            request = env["chain.stock.request"].create(
                {
                    "store_id": requester.id,
                    "supplier_store_id": supplier.id,
                    "line_ids": [Command.create({"product_id": product.id, "requested_qty": 6})],
                }
            )
            request._submit()
            request._approve({request.line_ids: 6})
            self.ids = {
                "stores": tuple(stores.ids),
                "warehouses": tuple(stores.warehouse_id.ids),
                "product": product.id,
                "request": request.id,
                "supplier_stock": supplier.warehouse_id.lot_stock_id.id,
                "transit": request.company_id.internal_transit_location_id.id,
            }
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        ids = self.ids
        with self.registry_.cursor() as cr:
            cr.execute("SET LOCAL chain.allow_log_rewrite = 'on'")
            cr.execute(
                "DELETE FROM chain_operation_log WHERE store_id IN %s "
                "OR (res_model = 'chain.stock.request' AND res_id = %s)",
                [ids["stores"], ids["request"]],
            )
            cr.execute("DELETE FROM stock_valuation_layer WHERE product_id = %s", [ids["product"]])
            cr.execute("DELETE FROM stock_move_line WHERE product_id = %s", [ids["product"]])
            cr.execute("DELETE FROM stock_quant WHERE product_id = %s", [ids["product"]])
            cr.execute(
                "UPDATE chain_stock_request_line SET out_move_id = NULL, in_move_id = NULL "
                "WHERE request_id = %s",
                [ids["request"]],
            )
            cr.execute(
                "UPDATE chain_stock_request SET out_picking_id = NULL, in_picking_id = NULL "
                "WHERE id = %s",
                [ids["request"]],
            )
            cr.execute(
                "DELETE FROM stock_picking WHERE id IN "
                "(SELECT picking_id FROM stock_move WHERE product_id = %s)",
                [ids["product"]],
            )
            cr.execute("DELETE FROM stock_move WHERE product_id = %s", [ids["product"]])
            cr.execute(
                "DELETE FROM stock_warehouse_orderpoint WHERE product_id = %s", [ids["product"]]
            )
            cr.execute("DELETE FROM chain_stock_request WHERE id = %s", [ids["request"]])
            cr.execute("UPDATE product_product SET active = false WHERE id = %s", [ids["product"]])
            cr.execute("UPDATE chain_store SET active = false WHERE id IN %s", [ids["stores"]])
            cr.execute(
                "UPDATE stock_warehouse SET active = false WHERE id IN %s", [ids["warehouses"]]
            )

    def _run_concurrently(self, jobs):
        """Each job (a function of an env) in its own thread, cursor and transaction, with its
        snapshot taken before any of them starts, through Odoo's request retry loop."""
        barrier = threading.Barrier(len(jobs))
        outcomes = [None] * len(jobs)

        def worker(index, job):
            threading.current_thread().dbname = self.registry_.db_name
            with self.registry_.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                cr.execute("SELECT 1")  # take the transaction's snapshot before the race
                barrier.wait(timeout=30)
                try:
                    outcomes[index] = ("ok", retrying(lambda: job(env), env))
                except UserError as error:
                    cr.rollback()
                    outcomes[index] = ("refused", str(error))
                except (errors.SerializationFailure, errors.LockNotAvailable) as error:
                    cr.rollback()
                    outcomes[index] = ("gave up", str(error))

        threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
        # the test runner holds the registry lock for the whole run; a real server's worker
        # threads never wait on it (see chain_wallet's test_wallet_concurrency)
        saved_lock, Registry._lock = Registry._lock, DummyRLock()
        try:
            with mute_logger("odoo.service.model", "odoo.sql_db"):
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join(timeout=120)
        finally:
            Registry._lock = saved_lock
        self.assertFalse(any(thread.is_alive() for thread in threads), "a click hung")
        return outcomes

    def test_two_clicks_on_ship_ship_once(self):
        def ship(env):
            return env["chain.stock.request"].browse(self.ids["request"]).action_ship()

        outcomes = self._run_concurrently([ship, ship])
        self.assertEqual(sorted(outcome[0] for outcome in outcomes), ["ok", "refused"], outcomes)
        with self.registry_.cursor() as cr:
            cr.execute(
                "SELECT location_id, sum(quantity) FROM stock_quant "
                "WHERE product_id = %s AND location_id IN %s GROUP BY location_id",
                [self.ids["product"], (self.ids["supplier_stock"], self.ids["transit"])],
            )
            quantities = dict(cr.fetchall())
            cr.execute(
                "SELECT count(*) FROM chain_operation_log "
                "WHERE res_model = 'chain.stock.request' AND res_id = %s "
                "AND operation = 'stock_request_ship'",
                [self.ids["request"]],
            )
            ship_lines = cr.fetchone()[0]
        self.assertEqual(quantities[self.ids["supplier_stock"]], 4)
        self.assertEqual(quantities[self.ids["transit"]], 6)
        self.assertEqual(ship_lines, 1)
