from odoo import http
from odoo.http import request
from odoo.osv import expression

from odoo.addons.hr_attendance.controllers.main import HrAttendance


class ChainHrAttendance(HrAttendance):
    """Odoo's attendance kiosk, opened with a store's key (``chain.store.attendance_kiosk_key``):
    it lists and clocks only the store's staff, and their attendance counts in the store. A
    company's key works as in Odoo. The kiosk's setting routes refuse a store's key: a store
    tablet changes nothing of the company's."""

    @staticmethod
    def _chain_kiosk_store(token):
        if not isinstance(token, str) or not token:
            return request.env["chain.store"]
        return (
            request.env["chain.store"]
            .sudo()
            .search([("attendance_kiosk_key", "=", token), ("active", "=", True)], limit=1)
        )

    @staticmethod
    def _get_company(token):
        company = HrAttendance._get_company(token)
        if company:
            return company
        return ChainHrAttendance._chain_kiosk_store(token).company_id

    @staticmethod
    def _chain_id(value):
        """An employee id from the kiosk's request (anything else: no employee)."""
        return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0

    @staticmethod
    def _chain_store_employee(store, employee):
        return (
            employee.exists()
            and employee.active
            and employee.company_id == store.company_id
            and store in employee.chain_store_ids
        )

    @http.route()
    def employee_attendance_data(self, token, employee_id):
        store = self._chain_kiosk_store(token)
        if store:
            employee = request.env["hr.employee"].sudo().browse(self._chain_id(employee_id))
            if not self._chain_store_employee(store, employee):
                return {}
        return super().employee_attendance_data(token, employee_id)

    @http.route()
    def scan_barcode(self, token, barcode):
        store = self._chain_kiosk_store(token)
        if not store:
            return super().scan_barcode(token, barcode)
        employee = (
            request.env["hr.employee"]
            .sudo()
            .search([("barcode", "=", barcode), ("company_id", "=", store.company_id.id)], limit=1)
        )
        if not employee or not self._chain_store_employee(store, employee):
            return {}
        request.update_context(chain_attendance_store_id=store.id)
        return super().scan_barcode(token, barcode)

    @http.route()
    def manual_selection_with_geolocation(
        self, token, employee_id, pin_code, latitude=False, longitude=False
    ):
        store = self._chain_kiosk_store(token)
        if store:
            employee = request.env["hr.employee"].sudo().browse(self._chain_id(employee_id))
            if not self._chain_store_employee(store, employee):
                return {}
            request.update_context(chain_attendance_store_id=store.id)
        return super().manual_selection_with_geolocation(
            token, employee_id, pin_code, latitude=latitude, longitude=longitude
        )

    @http.route()
    def employees_infos(self, token, limit, offset, domain):
        store = self._chain_kiosk_store(token)
        if store:
            domain = expression.AND([domain or [], [("chain_store_ids", "in", store.ids)]])
        return super().employees_infos(token, limit, offset, domain)

    @http.route()
    def set_user_barcode(self, token, barcode):
        if self._chain_kiosk_store(token):
            return False
        return super().set_user_barcode(token, barcode)

    @http.route()
    def set_attendance_settings(self, token, mode):
        if self._chain_kiosk_store(token):
            return None
        return super().set_attendance_settings(token, mode)
