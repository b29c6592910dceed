from lxml import etree

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .common import StockRequestCase


@tagged("post_install", "-at_install")
class TestStockRequestFlow(StockRequestCase):
    def ship(self, request, user=None):
        request.with_user(user or self.hq_manager).action_ship()

    def test_request_partial_approval_transit_receipt_and_resolution(self):
        request = self.new_request()
        self.assertRegex(request.name, r"^YH\d{6}\d{4}$")
        request.with_user(self.manager_a).action_submit()
        self.assertEqual(request.state, "submitted")

        self.approve(request, {self.milk: 8, self.bread: 5})
        self.assertEqual(request.state, "approved")
        self.assertEqual(request.line_ids.mapped("approved_qty"), [8.0, 5.0])
        self.assertEqual(self.qty(self.milk, self.hq_stock), 100, "nothing moves before shipping")

        self.ship(request)
        self.assertEqual(request.state, "shipped")
        self.assertEqual(request.out_picking_id.state, "done")
        self.assertEqual(self.qty(self.milk, self.hq_stock), 92)
        self.assertEqual(self.qty(self.milk, self.transit), 8)
        self.assertEqual(self.qty(self.bread, self.transit), 5)
        self.assertEqual(request.in_picking_id.location_id, self.transit)

        # 7 of 8 milk arrived, one of them crushed; the bread is all there
        self.receive(request, {self.milk: (7, 1, "包装破损"), self.bread: (5, 0, "")})
        self.assertEqual(request.state, "received")
        self.assertEqual(self.qty(self.milk, self.a_stock), 6)
        self.assertEqual(self.qty(self.bread, self.a_stock), 5)
        self.assertEqual(self.qty(self.milk, self.transit), 2, "the missing and the damaged one")
        self.assertEqual(self.qty(self.bread, self.transit), 0)
        differences = request.difference_ids
        self.assertEqual(
            sorted((d.kind, d.product_id, d.quantity, d.state) for d in differences),
            [("damaged", self.milk, 1.0, "open"), ("short", self.milk, 1.0, "open")],
        )
        self.assertEqual(differences.filtered(lambda d: d.kind == "damaged").reason, "包装破损")

        loss_before = self.qty(self.milk, self.loss)
        short = differences.filtered(lambda d: d.kind == "short")
        damaged = differences - short
        short.with_user(self.hq_manager).action_resolve_reship()
        self.assertEqual(short.state, "resolved")
        self.assertEqual(request.state, "received", "the damaged milk is still open")
        damaged.with_user(self.hq_manager).action_resolve_loss()
        self.assertEqual(damaged.resolution, "loss")
        self.assertEqual(request.state, "closed")
        self.assertEqual(self.qty(self.milk, self.transit), 0)
        self.assertEqual(self.qty(self.milk, self.loss) - loss_before, 2)

        reship = short.reship_request_id
        self.assertEqual(reship.state, "approved")
        self.assertEqual(reship.origin_request_id, request)
        self.assertEqual(reship.line_ids.mapped("approved_qty"), [1.0])
        self.ship(reship)
        self.receive(reship, {self.milk: (1, 0, "")})
        self.assertEqual(reship.state, "closed")
        self.assertEqual(
            self.logged(reship),
            [
                "stock_request_create",
                "stock_request_approve",
                "stock_request_ship",
                "stock_request_receive",
            ],
        )
        self.assertEqual(self.qty(self.milk, self.a_stock), 7)
        self.assertEqual(self.qty(self.milk, self.hq_stock), 91)
        self.assertEqual(
            self.logged(request),
            [
                "stock_request_create",
                "stock_request_submit",
                "stock_request_approve",
                "stock_request_ship",
                "stock_request_receive",
                "stock_difference_resolve",
                "stock_difference_resolve",
            ],
        )

    def test_store_supplies_another_store(self):
        self._set_stock(self.milk, self.b_stock, 10)
        request = self.new_request(supplier=self.store_b, lines=[(self.milk, 4)])
        request.with_user(self.manager_a).action_submit()
        self.approve(request, {self.milk: 4})
        self.ship(request, user=self.manager_b)
        self.assertEqual(self.qty(self.milk, self.b_stock), 6)
        self.receive(request, {self.milk: (4, 0, "")})
        self.assertEqual(request.state, "closed", "no difference: closed at once")
        self.assertEqual(self.qty(self.milk, self.a_stock), 4)
        self.assertFalse(request.difference_ids)

    def test_damaged_goods_returned_to_the_supplier(self):
        request = self.new_request(lines=[(self.milk, 5)])
        request.with_user(self.manager_a).action_submit()
        self.approve(request, {self.milk: 5})
        self.ship(request)
        self.receive(request, {self.milk: (5, 2, "漏液")})
        request.difference_ids.with_user(self.hq_manager).action_resolve_return()
        self.assertEqual(self.qty(self.milk, self.hq_stock), 97)
        self.assertEqual(self.qty(self.milk, self.a_stock), 3)
        self.assertEqual(self.qty(self.milk, self.transit), 0)
        self.assertEqual(request.state, "closed")

    def test_goods_over_the_shipment_are_returned_without_booking(self):
        request = self.new_request(lines=[(self.milk, 5)])
        request.with_user(self.manager_a).action_submit()
        self.approve(request, {self.milk: 5})
        self.ship(request)
        self.receive(request, {self.milk: (6, 0, "")})
        over = request.difference_ids
        self.assertEqual((over.kind, over.quantity), ("over", 1.0))
        self.assertEqual(self.qty(self.milk, self.a_stock), 5, "only the shipment is booked")
        with self.assertRaises(UserError):
            over.with_user(self.hq_manager).action_resolve_loss()
        over.with_user(self.hq_manager).action_resolve_return()
        self.assertEqual(request.state, "closed")
        self.assertEqual(self.qty(self.milk, self.hq_stock), 95)

    def test_line_approved_at_zero_is_not_shipped(self):
        request = self.new_request()
        request.with_user(self.manager_a).action_submit()
        self.approve(request, {self.milk: 3})
        self.assertEqual(request.out_picking_id.move_ids.product_id, self.milk)
        self.ship(request)
        self.assertEqual(self.qty(self.bread, self.hq_stock), 100)
        self.receive(request, {self.milk: (3, 0, "")})
        self.assertEqual(request.state, "closed")

    def test_approval_is_bounded_by_the_request(self):
        request = self.new_request()
        request.with_user(self.manager_a).action_submit()
        for quantities in ({self.milk: 11, self.bread: 5}, {self.milk: -1, self.bread: 5}, {}):
            with self.subTest(quantities=quantities), self.assertRaises(UserError):
                self.approve(request, quantities)
        self.assertEqual(request.state, "submitted")
        self.assertFalse(request.sudo().out_picking_id)

    def test_reject_needs_a_reason(self):
        request = self.new_request()
        request.with_user(self.manager_a).action_submit()
        Reject = self.env["chain.stock.request.reject"].with_user(self.hq_manager)
        with self.assertRaises(UserError):
            Reject.create({"request_id": request.id, "reason": "  "}).action_confirm()
        Reject.create({"request_id": request.id, "reason": "总部库存不足"}).action_confirm()
        self.assertEqual((request.state, request.reject_reason), ("rejected", "总部库存不足"))
        self.assertEqual(self.logged(request)[-1], "stock_request_reject")

    def test_step_runs_once(self):
        request = self.new_request()
        request.with_user(self.manager_a).action_submit()
        with self.assertRaisesRegex(UserError, "no longer"):
            request.with_user(self.manager_a).action_submit()
        self.approve(request, {self.milk: 2, self.bread: 2})
        picking = request.sudo().out_picking_id
        with self.assertRaises(UserError):
            self.approve(request, {self.milk: 2, self.bread: 2})
        self.ship(request)
        with self.assertRaises(UserError):
            self.ship(request)
        self.assertEqual(request.sudo().out_picking_id, picking)
        self.assertEqual(self.qty(self.milk, self.transit), 2)

    def test_ship_refused_without_stock(self):
        request = self.new_request(lines=[(self.milk, 500)])
        request.with_user(self.manager_a).action_submit()
        self.approve(request, {self.milk: 500})
        with self.assertRaisesRegex(UserError, "Not enough"), self.env.cr.savepoint():
            self.ship(request)
        request.invalidate_recordset()
        self.assertEqual(request.state, "approved")
        self.assertFalse(request.sudo().in_picking_id)
        self.assertEqual(self.qty(self.milk, self.hq_stock), 100)

    def test_receipt_bounds(self):
        request = self.new_request(lines=[(self.milk, 5)])
        request.with_user(self.manager_a).action_submit()
        self.approve(request, {self.milk: 5})
        self.ship(request)
        for count in ((5, 6, "x"), (3, 4, "x"), (5, 1, ""), (-1, 0, ""), (1e9, 0, "")):
            with self.subTest(count=count), self.assertRaises(UserError):
                self.receive(request, {self.milk: count})
        self.assertEqual(request.state, "shipped")
        self.assertEqual(self.qty(self.milk, self.transit), 5)

    def test_requested_quantity_rounded_to_the_unit(self):
        self.milk.uom_id.rounding = 1.0  # whole units
        request = self.new_request(lines=[(self.milk, 2.4)])
        self.assertEqual(request.line_ids.requested_qty, 2.0)
        request.line_ids.with_user(self.manager_a).requested_qty = 3.6
        self.assertEqual(request.line_ids.requested_qty, 4.0)

    def test_the_books_follow_the_moves(self):
        """Valuation through the moves: a transfer within the company keeps the goods valued
        (stock → transit → stock); only the write-off takes value out."""
        self.milk.standard_price = 5.0
        Layer = self.env["stock.valuation.layer"]

        def value():
            return sum(Layer.search([("product_id", "=", self.milk.id)]).mapped("value"))

        self.assertEqual(value(), 500.0)
        request = self.new_request(lines=[(self.milk, 10)])
        request.with_user(self.manager_a).action_submit()
        self.approve(request, {self.milk: 10})
        request.with_user(self.hq_manager).action_ship()
        self.receive(request, {self.milk: (8, 0, "")})
        self.assertEqual(value(), 500.0, "goods in transit are still the company's")
        request.difference_ids.with_user(self.hq_manager).action_resolve_loss()
        loss_layers = request.difference_ids.sudo().move_ids.stock_valuation_layer_ids
        self.assertEqual(loss_layers.mapped("value"), [-10.0])
        self.assertEqual(value(), 490.0)

    def test_menus_show_waiting_in_transit_and_to_ship(self):
        """The search view's filters behind the menus: the requesting store sees its requests
        waiting to ship and in transit, the supplying store what it has to ship."""
        self._set_stock(self.milk, self.b_stock, 10)
        waiting = self.new_request(supplier=self.store_b, lines=[(self.milk, 2)])
        waiting.with_user(self.manager_a).action_submit()
        self.approve(waiting, {self.milk: 2})
        moving = self.new_request(supplier=self.store_b, lines=[(self.milk, 3)])
        moving.with_user(self.manager_a).action_submit()
        self.approve(moving, {self.milk: 3})
        moving.with_user(self.manager_b).action_ship()
        arch = etree.fromstring(self.env.ref("chain_stock.chain_stock_request_view_search").arch)

        def filtered(name, user):
            domain = arch.xpath(f"//filter[@name='{name}']")[0].get("domain")
            return self.env["chain.stock.request"].with_user(user).search(safe_eval(domain))

        self.assertEqual(filtered("waiting_to_ship", self.manager_a), waiting)
        self.assertEqual(filtered("in_transit", self.manager_a), moving)
        self.assertEqual(filtered("to_ship", self.manager_b), waiting)
        self.assertFalse(filtered("to_ship", self.manager_a))
        self.assertFalse(filtered("waiting_to_ship", self.manager_b))
        for xmlid, name in (
            ("chain_stock.chain_stock_request_action_waiting", "waiting_to_ship"),
            ("chain_stock.chain_stock_request_action_in_transit", "in_transit"),
            ("chain_stock.chain_stock_request_action_to_ship", "to_ship"),
        ):
            self.assertIn(f"search_default_{name}", self.env.ref(xmlid).context)
