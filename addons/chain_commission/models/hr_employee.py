import hmac

from odoo import fields, models


class HrEmployee(models.Model):
    """The chain's staff: the stores an employee works in and their staff level. The order sync
    credits commission only to active employees of the till's store and company."""

    _inherit = "hr.employee"

    chain_store_ids = fields.Many2many(
        "chain.store",
        "chain_store_hr_employee_rel",
        "employee_id",
        "store_id",
        string="Chain Stores",
        help="The stores this employee serves in: the till of one of them may name the employee "
        "on its lines (commission shares).",
    )
    chain_staff_level_id = fields.Many2one(
        "chain.staff.level",
        string="Staff Level",
        ondelete="restrict",
        help="Commission rules may apply to one staff level only.",
    )

    def _chain_commission_serves(self, store, company):
        """Can this employee be credited commission at a till of ``store`` (``company``)? One
        indexed query: reading the employee would fetch all of hr.employee's columns, on every
        line of every order synced."""
        self.ensure_one()
        if not store or not company:
            return False
        self.env["hr.employee"].flush_model(["active", "company_id", "chain_store_ids"])
        self.env.cr.execute(
            """SELECT 1 FROM hr_employee e
                 JOIN chain_store_hr_employee_rel r ON r.employee_id = e.id AND r.store_id = %s
                WHERE e.id = %s AND e.active AND e.company_id = %s""",
            (store.id, self.id, company.id),
        )
        return bool(self.env.cr.fetchone())

    def _chain_attendance_punch(self, store, mode):
        """Clock this employee in (or out, if checked in) at ``store`` by ``mode`` (a key of
        ``hr.attendance.in_mode``); the caller has checked who asks. Returns the attendance."""
        self.ensure_one()
        employee = self.sudo()
        attendance = employee.with_context(
            chain_attendance_store_id=store.id
        )._attendance_action_change({"mode": mode})
        self.env["chain.operation.log"]._log_operation(
            "attendance_punch",
            employee,
            after={
                "state": employee.attendance_state,
                "check_in": fields.Datetime.to_string(attendance.check_in),
                "check_out": fields.Datetime.to_string(attendance.check_out)
                if attendance.check_out
                else False,
            },
            store=store,
        )
        return attendance

    def _chain_attendance_credentials_match(self, pin, barcode):
        """Do ``pin`` or ``barcode`` (strings from the till) open this employee's punches?
        An employee without PIN and badge is clocked in at the kiosk or by a manager only."""
        self.ensure_one()
        employee = self.sudo()
        for given, own in ((pin, employee.pin), (barcode, employee.barcode)):
            if not (isinstance(given, str) and given and own) or len(given) > 64:
                continue
            if hmac.compare_digest(given.encode(), own.encode()):
                return True
        return False
