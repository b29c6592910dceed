import uuid

from werkzeug.urls import url_join

from odoo import _, fields, models
from odoo.exceptions import AccessError


class ChainStore(models.Model):
    """A store's own attendance kiosk: Odoo's kiosk (``/hr_attendance/<token>``) opened with the
    store's key lists and clocks only the store's staff, and counts their attendance in the
    store (``controllers/main.py``)."""

    _inherit = "chain.store"

    attendance_kiosk_key = fields.Char(
        default=lambda self: uuid.uuid4().hex,
        copy=False,
        readonly=True,
        groups="chain_member.group_chain_store_manager",
    )
    attendance_kiosk_url = fields.Char(
        string="Attendance Kiosk",
        compute="_compute_attendance_kiosk_url",
        groups="chain_member.group_chain_store_manager",
    )
    attendance_roster_ids = fields.One2many("chain.attendance.roster", "store_id", string="Rosters")

    def _init_column(self, column_name):
        """Stores made before this addon each get their own key (Odoo would give all existing
        rows the one value of the default, as ``hr_attendance`` notes for companies)."""
        if column_name != "attendance_kiosk_key":
            return super()._init_column(column_name)
        self.env.cr.execute(
            "UPDATE chain_store"
            "   SET attendance_kiosk_key = replace(gen_random_uuid()::text, '-', '')"
            " WHERE attendance_kiosk_key IS NULL"
        )

    def _compute_attendance_kiosk_url(self):
        for store in self:
            store.attendance_kiosk_url = url_join(
                store.get_base_url(), f"/hr_attendance/{store.sudo().attendance_kiosk_key}"
            )

    def _chain_check_kiosk_manager(self):
        self.ensure_one()
        if not self.env.su and not self.env.user._has_group(
            "chain_member.group_chain_store_manager"
        ):
            raise AccessError(_("Only a store manager or headquarters opens a store's kiosk."))
        self.env["res.users"]._chain_check_works_in(self)

    def action_open_attendance_kiosk(self):
        """Open the store's attendance kiosk (store managers of the store, headquarters). The
        browser is signed out there, as with Odoo's kiosk: the kiosk is public."""
        self._chain_check_kiosk_manager()
        return {
            "type": "ir.actions.act_url",
            "target": "self",
            "url": self.sudo().attendance_kiosk_url,
        }

    def action_regenerate_attendance_kiosk_key(self):
        """A new kiosk key: the old kiosk link stops working (a lost or leaked tablet)."""
        for store in self:
            store._chain_check_kiosk_manager()
            store.sudo().attendance_kiosk_key = uuid.uuid4().hex
            self.env["chain.operation.log"]._log_operation(
                "attendance_kiosk_key", store, store=store
            )
        return True
