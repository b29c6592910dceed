import datetime

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, MissingError, UserError

PUNCH_MAX_TRIES = 5
PUNCH_LOCK_MINUTES = 15


class PosConfig(models.Model):
    _inherit = "pos.config"

    chain_commission_staff = fields.Json(
        string="Staff of the Till's Store",
        compute="_compute_chain_commission_staff",
        help="The employees the till may name on its lines (commission shares): the active "
        "employees of the till's store and company, each as its id, name and staff level.",
    )
    chain_commission_receipt_staff = fields.Boolean(
        string="Staff on Receipts",
        help="Print under each line of the receipt who sold or performed it, and their shares.",
    )

    @api.depends("chain_store_id", "company_id")
    def _compute_chain_commission_staff(self):
        """Only what the till shows (id, name, staff level): every POS user of the till reads
        it, HR rights or not; a till of no chain store names nobody."""
        Employee = self.env["hr.employee"].sudo()
        for config in self:
            store = config.chain_store_id
            employees = (
                Employee.search(
                    [
                        ("chain_store_ids", "in", store.ids),
                        ("company_id", "=", config.company_id.id),
                    ],
                    order="name, id",
                )
                if store
                else Employee
            )
            config.chain_commission_staff = [
                {
                    "id": employee.id,
                    "name": employee.name,
                    "level": employee.chain_staff_level_id.name or "",
                }
                for employee in employees
            ]

    @api.model
    def _chain_commission_till(self, config_id):
        """Is ``config_id`` (an id, or nothing) a till of a chain store?"""
        if not isinstance(config_id, int) or isinstance(config_id, bool) or not config_id:
            return False
        # read from the transaction's cache when the sync has read the till already (no
        # existence query on every order)
        try:
            return bool(self.sudo().browse(config_id).chain_store_id)
        except MissingError:
            return False

    # ------------------------------------------------------------------------------------------
    # Clocking in and out at the till
    # ------------------------------------------------------------------------------------------
    def chain_attendance_punch(self, employee_id, pin=None, barcode=None):
        """Clock an employee of the till's store in or out (打卡), with their PIN or badge,
        checked here: the till's own PIN check (pos_hr) is the browser's. Callable by a POS
        user of an open session of this till. A wrong PIN or badge writes no attendance; five
        in a quarter of an hour lock the employee's punches at the tills for that time.

        Returns ``{"ok": bool, "message": str, "state": "checked_in" | "checked_out"}``."""
        self.ensure_one()
        if not self.env.user._has_group("point_of_sale.group_pos_user"):
            raise AccessError(_("Only the users of a till clock staff in at the till."))
        self.check_access("read")
        config = self.sudo()
        store = config.chain_store_id
        if not store:
            raise UserError(_("This till belongs to no chain store: clock in at the kiosk."))
        self.env["res.users"]._chain_check_works_in(store)
        if config.current_session_id.state != "opened":
            raise UserError(_("Open the till's session first."))
        if not isinstance(employee_id, int) or isinstance(employee_id, bool):
            raise UserError(_("Choose an employee."))
        employee = self.env["hr.employee"].sudo().browse(employee_id).exists()
        if not employee or not employee._chain_commission_serves(store, config.company_id):
            raise UserError(_("This employee does not work in %(store)s.", store=store.name))
        Log = self.env["chain.operation.log"].sudo()
        since = fields.Datetime.now() - datetime.timedelta(minutes=PUNCH_LOCK_MINUTES)
        refused = Log.search_count(
            [
                ("operation", "=", "attendance_punch_refused"),
                ("res_model", "=", "hr.employee"),
                ("res_id", "=", employee.id),
                ("create_date", ">=", since),
            ]
        )
        if refused >= PUNCH_MAX_TRIES:
            return {
                "ok": False,
                "message": _(
                    "Too many wrong PINs for %(employee)s: try again in %(minutes)s minutes, or "
                    "clock in at the kiosk.",
                    employee=employee.name,
                    minutes=PUNCH_LOCK_MINUTES,
                ),
            }
        if not employee._chain_attendance_credentials_match(pin, barcode):
            Log._log_operation("attendance_punch_refused", employee, store=store)
            return {
                "ok": False,
                "message": _("Wrong PIN or badge for %(employee)s.", employee=employee.name),
            }
        attendance = employee._chain_attendance_punch(store, "chain_pos")
        checked_in = not attendance.check_out
        return {
            "ok": True,
            "state": "checked_in" if checked_in else "checked_out",
            "message": (
                _("%(employee)s clocked in.", employee=employee.name)
                if checked_in
                else _(
                    "%(employee)s clocked out: %(hours)s hours.",
                    employee=employee.name,
                    hours=round(attendance.worked_hours, 2),
                )
            ),
        }
