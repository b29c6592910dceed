import psycopg2

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import ChainMemberCase


@tagged("post_install", "-at_install")
class TestOperationLog(ChainMemberCase):
    def _log(self):
        return (
            self.env["chain.operation.log"]
            .with_user(self.cashier_a)
            ._log_operation(
                "store_update",
                self.store_a,
                before={"phone": "1"},
                after={"phone": "2"},
                reason="typo",
            )
        )

    def test_a_line_records_who_where_what_and_why(self):
        line = self._log().sudo()
        self.assertEqual(line.user_id, self.cashier_a)
        self.assertEqual(line.store_id, self.store_a)
        self.assertEqual(line.record_name, self.store_a.display_name)
        self.assertEqual(line.reason, "typo")
        self.assertEqual(line.changes, "phone: 1 → 2")

    def test_store_changes_are_logged_with_before_and_after(self):
        # the code is headquarters' to change (a store manager is refused: test_security_member)
        self.store_a.with_user(self.hq_manager).write({"code": "T-A2"})
        line = self.env["chain.operation.log"].search(
            [("operation", "=", "store_update"), ("res_id", "=", self.store_a.id)], limit=1
        )
        self.assertEqual(line.values_before, {"code": "T-A"})
        self.assertEqual(line.values_after, {"code": "T-A2"})
        self.assertEqual(line.user_id, self.hq_manager)

    def test_nobody_can_edit_or_delete_a_line_not_even_hq_or_superuser(self):
        line = self._log()
        for env_user in (line.with_user(self.hq_manager), line.sudo()):
            with self.assertRaises(UserError):
                env_user.write({"reason": "rewritten"})
            with self.assertRaises(UserError):
                env_user.unlink()
        self.assertEqual(line.sudo().reason, "typo")

    def test_raw_sql_cannot_rewrite_the_log_either(self):
        line = self._log()
        with mute_logger("odoo.sql_db"), self.assertRaises(psycopg2.Error):
            with self.env.cr.savepoint():
                self.env.cr.execute(
                    "UPDATE chain_operation_log SET reason = 'x' WHERE id = %s", [line.id]
                )
        with mute_logger("odoo.sql_db"), self.assertRaises(psycopg2.Error):
            with self.env.cr.savepoint():
                self.env.cr.execute("DELETE FROM chain_operation_log WHERE id = %s", [line.id])

    def test_nobody_creates_lines_directly(self):
        from odoo.exceptions import AccessError

        for user in (self.cashier_a, self.manager_a, self.hq_manager):
            with self.assertRaises(AccessError):
                self.env["chain.operation.log"].with_user(user).create(
                    {"user_id": self.manager_b.id, "operation": "store_update"}
                )
