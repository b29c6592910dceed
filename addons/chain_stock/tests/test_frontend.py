from odoo.tests import HttpCase, tagged

from .common import StockRequestCase


@tagged("post_install", "-at_install")
class TestStockRequestTour(StockRequestCase, HttpCase):
    """In the browser (static/tests/tours/chain_stock_request_tours.js): a store manager creates
    a request and submits it; headquarters approves part of it in the approval wizard. The
    server's records are checked after each tour."""

    def test_store_manager_creates_and_submits_a_request(self):
        self.start_tour(
            "/odoo/action-chain_stock.chain_stock_request_action",
            "ChainStockRequestSubmitTour",
            login=self.manager_a.login,
        )
        request = self.env["chain.stock.request"].search([("store_id", "=", self.store_a.id)])
        self.assertEqual(request.state, "submitted")
        self.assertEqual(request.supplier_store_id, self.hq)
        self.assertEqual(
            [(line.product_id, line.requested_qty) for line in request.line_ids],
            [(self.milk, 12.0)],
        )
        self.assertEqual(self.logged(request), ["stock_request_create", "stock_request_submit"])

    def test_headquarters_approves_part_in_the_wizard(self):
        request = self.new_request(lines=[(self.milk, 12)])
        request.with_user(self.manager_a).action_submit()
        self.start_tour(
            f"/odoo/action-chain_stock.chain_stock_request_action/{request.id}",
            "ChainStockRequestApproveTour",
            login=self.hq_manager.login,
        )
        self.assertEqual(request.state, "approved")
        self.assertEqual(request.line_ids.approved_qty, 4.0)
        self.assertEqual(request.sudo().out_picking_id.move_ids.product_uom_qty, 4.0)
