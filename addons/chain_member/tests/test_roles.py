from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import ChainMemberCase


@tagged("post_install", "-at_install")
class TestRoles(ChainMemberCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Log = cls.env["chain.operation.log"]
        cls.log_a = Log._log_operation("store_update", cls.store_a, store=cls.store_a)
        cls.log_b = Log._log_operation("store_update", cls.store_b, store=cls.store_b)
        cls.member = cls.env["res.partner"].create(
            {"name": "Member Mei", "is_member": True, "mobile": "13600001111"}
        )
        cls.supplier = cls.env["res.partner"].create({"name": "Supplier Co", "is_company": True})

    def _visible_logs(self, user):
        Log = self.env["chain.operation.log"].with_user(user)
        return Log.search([("id", "in", (self.log_a | self.log_b).ids)])

    def test_cashier_reads_the_store_directory_but_changes_nothing(self):
        stores = self.env["chain.store"].with_user(self.cashier_a)
        self.assertIn(self.store_b, stores.search([]))
        with self.assertRaises(AccessError):
            self.store_a.with_user(self.cashier_a).write({"phone": "123"})
        with self.assertRaises(AccessError):
            stores.create({"code": "X1", "name": "Rogue store"})

    def test_cashier_cannot_read_the_operation_log(self):
        with self.assertRaises(AccessError):
            self._visible_logs(self.cashier_a)

    def test_store_manager_edits_own_store_only(self):
        self.store_a.with_user(self.manager_a).write({"phone": "021-1"})
        self.assertEqual(self.store_a.phone, "021-1")
        with self.assertRaises(AccessError):
            self.store_b.with_user(self.manager_a).write({"phone": "021-2"})
        with self.assertRaises(AccessError):
            self.env["chain.store"].with_user(self.manager_a).create({"code": "X2", "name": "New"})

    def test_store_manager_reads_own_store_log_only(self):
        self.assertEqual(self._visible_logs(self.manager_a), self.log_a)
        self.assertEqual(self._visible_logs(self.manager_b), self.log_b)

    def test_store_visibility_follows_reassignment(self):
        self.manager_a.chain_store_ids = [Command.set(self.store_b.ids)]
        self.assertEqual(self._visible_logs(self.manager_a), self.log_b)

    def test_hq_manager_sees_and_runs_the_whole_chain(self):
        self.assertEqual(self._visible_logs(self.hq_manager), self.log_a | self.log_b)
        new_store = (
            self.env["chain.store"]
            .with_user(self.hq_manager)
            .create({"code": "T-C", "name": "Store C"})
        )
        self.store_b.with_user(self.hq_manager).write({"phone": "021-9"})
        self.assertTrue(new_store.exists())

    def test_members_are_chain_wide_for_store_staff(self):
        for user in (self.cashier_a, self.manager_b):
            partners = self.env["res.partner"].with_user(user).search([("id", "=", self.member.id)])
            self.assertEqual(partners, self.member)

    def test_partner_merchant_never_sees_members_or_other_stores(self):
        Partner = self.env["res.partner"].with_user(self.merchant)
        self.assertFalse(Partner.search([("id", "=", self.member.id)]))
        self.assertEqual(Partner.search([("id", "=", self.supplier.id)]), self.supplier)
        with self.assertRaises(AccessError):
            self.member.with_user(self.merchant).read(["name"])
        stores = self.env["chain.store"].with_user(self.merchant).search([])
        self.assertEqual(stores, self.merchant_store)
        with self.assertRaises(AccessError):
            self._visible_logs(self.merchant)
