"""Every role against the store-request operations, as a client over JSON-RPC would call them:
the refusal, and nothing written (state, pickings, quantities, operation log)."""

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import StockRequestCase

REFUSED = UserError  # AccessError is a UserError too


@tagged("post_install", "-at_install")
class TestSecurityStockRequest(StockRequestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.outsiders = {
            "cashier of A": cls.cashier_a,
            "manager of B": cls.manager_b,
            "partner merchant": cls.merchant,
            "plain internal user": cls.plain_user,
        }

    def assertUntouched(self, request, state, log_lines):
        request.invalidate_recordset()
        self.assertEqual(request.state, state)
        self.assertEqual(self.logged(request), log_lines)

    def submitted(self):
        request = self.new_request()
        request.with_user(self.manager_a).action_submit()
        return request

    def test_only_the_requesting_stores_manager_creates_and_submits(self):
        for label, user in self.outsiders.items():
            with self.subTest(user=label), self.assertRaises(REFUSED), self.env.cr.savepoint():
                self.new_request(user=user)
        self.assertFalse(
            self.env["chain.stock.request"].search([("store_id", "=", self.store_a.id)])
        )
        request = self.new_request()
        for label, user in self.outsiders.items():
            with self.subTest(user=label), self.assertRaises(REFUSED), self.env.cr.savepoint():
                request.with_user(user).action_submit()
        self.assertUntouched(request, "draft", ["stock_request_create"])

    def test_only_headquarters_approves_or_rejects(self):
        request = self.submitted()
        logs = self.logged(request)
        for label, user in dict(self.outsiders, **{"manager of A": self.manager_a}).items():
            with self.subTest(user=label):
                with self.assertRaises(REFUSED), self.env.cr.savepoint():
                    self.approve(request, {self.milk: 10, self.bread: 5}, user=user)
                with self.assertRaises(REFUSED), self.env.cr.savepoint():
                    self.env["chain.stock.request.reject"].with_user(user).create(
                        {"request_id": request.id, "reason": "no"}
                    ).action_confirm()
        self.assertUntouched(request, "submitted", logs)
        self.assertFalse(request.sudo().out_picking_id)

    def test_only_the_supplier_ships(self):
        request = self.submitted()
        self.approve(request, {self.milk: 10, self.bread: 5})
        logs = self.logged(request)
        for label, user in dict(self.outsiders, **{"manager of A": self.manager_a}).items():
            with self.subTest(user=label), self.assertRaises(REFUSED), self.env.cr.savepoint():
                request.with_user(user).action_ship()
        self.assertUntouched(request, "approved", logs)
        self.assertFalse(request.sudo().in_picking_id)
        self.assertEqual(self.qty(self.milk, self.hq_stock), 100)

    def test_only_the_requesting_store_receives(self):
        request = self.submitted()
        self.approve(request, {self.milk: 10, self.bread: 5})
        request.with_user(self.hq_manager).action_ship()
        logs = self.logged(request)
        counts = {self.milk: (10, 0, ""), self.bread: (5, 0, "")}
        for label, user in self.outsiders.items():
            with self.subTest(user=label), self.assertRaises(REFUSED), self.env.cr.savepoint():
                self.receive(request, counts, user=user)
        self.assertUntouched(request, "shipped", logs)
        self.assertEqual(self.qty(self.milk, self.a_stock), 0)

    def test_only_headquarters_resolves_a_difference(self):
        request = self.submitted()
        self.approve(request, {self.milk: 10, self.bread: 5})
        request.with_user(self.hq_manager).action_ship()
        self.receive(request, {self.milk: (9, 0, ""), self.bread: (5, 0, "")})
        short = request.difference_ids
        logs = self.logged(request)
        for label, user in dict(self.outsiders, **{"manager of A": self.manager_a}).items():
            with self.subTest(user=label):
                for method in ("action_resolve_loss", "action_resolve_reship"):
                    with self.assertRaises(REFUSED), self.env.cr.savepoint():
                        getattr(short.with_user(user), method)()
                with self.assertRaises(REFUSED), self.env.cr.savepoint():
                    short.with_user(user).write({"state": "resolved", "resolution": "loss"})
        self.assertEqual(short.state, "open")
        self.assertUntouched(request, "received", logs)
        self.assertEqual(self.qty(self.milk, self.transit), 1)

    def test_forged_state_and_quantities_are_refused(self):
        request = self.new_request()
        line = request.line_ids[0]
        forged = [
            (request, {"state": "approved"}),
            (request, {"reject_reason": "x"}),
            (request, {"name": "YH-FAKE"}),
            (line, {"approved_qty": 10}),
            (line, {"received_qty": 10}),
        ]
        for user in (self.manager_a, self.hq_manager):
            for record, vals in forged:
                with self.subTest(user=user.login, vals=vals):
                    with self.assertRaises(AccessError), self.env.cr.savepoint():
                        record.with_user(user).write(vals)
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            self.env["chain.stock.request"].with_user(self.manager_a).create(
                {
                    "store_id": self.store_a.id,
                    "supplier_store_id": self.hq.id,
                    "state": "shipped",
                    "line_ids": [Command.create({"product_id": self.milk.id, "requested_qty": 1})],
                }
            )
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            self.env["chain.stock.difference"].with_user(self.hq_manager).create(
                {"request_id": request.id, "line_id": line.id, "kind": "short", "quantity": 5}
            )
        self.assertUntouched(request, "draft", ["stock_request_create"])
        self.assertEqual(line.approved_qty, 0)

    def test_a_manager_requests_for_their_own_store_only(self):
        Request = self.env["chain.stock.request"].with_user(self.manager_a)
        with self.assertRaises(AccessError):
            Request.create({"store_id": self.store_b.id, "supplier_store_id": self.hq.id})
        request = self.new_request()
        with self.assertRaises(AccessError):
            request.with_user(self.manager_a).write({"store_id": self.store_b.id})
        self.assertFalse(
            self.env["chain.stock.request"].search([("store_id", "=", self.store_b.id)])
        )
        self.assertEqual(request.store_id, self.store_a)
        self.assertEqual(self.logged(request), ["stock_request_create"])

    def test_requested_quantity_bounded(self):
        request = self.new_request()
        for qty in (0, -3, 1e9):
            with self.subTest(qty=qty), self.assertRaises(UserError), self.env.cr.savepoint():
                request.line_ids[0].with_user(self.manager_a).requested_qty = qty
        self.assertEqual(request.line_ids[0].requested_qty, 10)

    def test_a_submitted_request_is_frozen(self):
        request = self.submitted()
        with self.assertRaises(UserError), self.env.cr.savepoint():
            request.line_ids[0].with_user(self.manager_a).requested_qty = 50
        with self.assertRaises(UserError), self.env.cr.savepoint():
            request.with_user(self.manager_a).write({"note": "more"})
        with self.assertRaises(UserError), self.env.cr.savepoint():
            request.with_user(self.manager_a).unlink()
        self.assertEqual(request.line_ids[0].requested_qty, 10)

    def test_other_stores_requests_are_invisible(self):
        request = self.new_request()
        Request = self.env["chain.stock.request"]
        self.assertFalse(Request.with_user(self.manager_b).search([("id", "=", request.id)]))
        self.assertTrue(Request.with_user(self.cashier_a).search([("id", "=", request.id)]))
        self.assertTrue(Request.with_user(self.hq_manager).search([("id", "=", request.id)]))
        with self.assertRaises(AccessError):
            request.with_user(self.manager_b).read(["name"])
        with self.assertRaises(AccessError):
            Request.with_user(self.merchant).search([])
        with self.assertRaises(AccessError):
            self.env["chain.stock.difference"].with_user(self.plain_user).search([])

    def test_the_supplying_store_sees_what_it_ships(self):
        request = self.new_request(supplier=self.store_b)
        Request = self.env["chain.stock.request"].with_user(self.manager_b)
        self.assertEqual(Request.search([("supplied_by_me", "=", True)]), request)
        self.assertFalse(Request.search([("requested_by_me", "=", True)]))

    def test_companies_apart(self):
        other = self.env["res.company"].create({"name": "Other Co"})
        store = self.env["chain.store"].create(
            {
                "code": "T-O",
                "name": "Other store",
                "company_id": other.id,
                "warehouse_id": self.env["stock.warehouse"]
                .search([("company_id", "=", other.id)], limit=1)
                .id,
            }
        )
        with self.assertRaises(REFUSED):
            self.new_request(supplier=store)
        self.assertFalse(
            self.env["chain.stock.request"].search([("store_id", "=", self.store_a.id)])
        )
