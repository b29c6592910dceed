from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import ChainMemberCase


@tagged("post_install", "-at_install")
class TestChainStore(ChainMemberCase):
    def test_store_code_is_unique_across_the_chain(self):
        with mute_logger("odoo.sql_db"), self.assertRaises(Exception) as caught:
            with self.env.cr.savepoint():
                self.env["chain.store"].create({"code": "T-A", "name": "Another A"})
        self.assertIn("unique", str(caught.exception))

    def test_second_headquarters_is_refused_with_the_existing_one_named(self):
        with self.assertRaises(ValidationError) as caught:
            self.env["chain.store"].create(
                {"code": "T-HQ2", "name": "HQ 2", "kind": "headquarters"}
            )
        self.assertIn(self.hq.display_name, str(caught.exception))

    def test_headquarters_cannot_be_archived_deleted_or_demoted(self):
        with self.assertRaises(ValidationError):
            self.hq.active = False
        with self.assertRaises(UserError):
            self.hq.unlink()
        with self.assertRaises(UserError):
            self.hq.kind = "direct"
        self.assertEqual(self.env["chain.store"].get_headquarters(), self.hq)

    def test_make_headquarters_moves_the_role_in_one_step(self):
        self.store_b.with_user(self.hq_manager).action_make_headquarters()
        self.assertEqual(self.store_b.kind, "headquarters")
        self.assertEqual(self.hq.kind, "direct")
        self.assertEqual(self.env["chain.store"].get_headquarters(), self.store_b)
        log = self.env["chain.operation.log"].search(
            [("operation", "=", "store_headquarters"), ("res_id", "=", self.store_b.id)]
        )
        self.assertEqual(log.user_id, self.hq_manager)

    def test_store_manager_cannot_move_the_headquarters(self):
        with self.assertRaises(UserError):
            self.store_a.with_user(self.manager_a).action_make_headquarters()
        self.assertEqual(self.store_a.kind, "direct")

    def test_warehouse_must_belong_to_the_store_company(self):
        other_company = self.env["res.company"].create({"name": "Franchise Co"})
        foreign_warehouse = self.env["stock.warehouse"].search(
            [("company_id", "=", other_company.id)], limit=1
        )
        with self.assertRaises(ValidationError):
            self.store_a.warehouse_id = foreign_warehouse

    def test_a_manager_is_always_staff_of_the_store(self):
        self.store_b.manager_ids = [(4, self.manager_a.id)]
        self.assertIn(self.manager_a, self.store_b.user_ids)
        self.assertIn(self.store_b, self.manager_a.chain_store_ids)

    def test_display_name_shows_the_code(self):
        self.assertEqual(self.store_a.display_name, "[T-A] Store A")
        found = self.env["chain.store"].name_search("T-B")
        self.assertEqual([rec[0] for rec in found], self.store_b.ids)
