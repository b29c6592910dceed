import hmac

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare

from odoo.addons.chain_member.tools.amounts import parse_amount


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

    @api.model
    def _chain_commission_serving(self, employee_ids, store, company):
        """{employee id: can be credited at a till of ``store`` (``company``)} for those of
        ``employee_ids`` that exist, in one indexed query (``_chain_commission_serves`` for a
        whole line)."""
        if not employee_ids:
            return {}
        self.env["hr.employee"].flush_model(["active", "company_id", "chain_store_ids"])
        self.env.cr.execute(
            """SELECT e.id, e.active AND e.company_id = %s AND r.employee_id IS NOT NULL
                 FROM hr_employee e
            LEFT JOIN chain_store_hr_employee_rel r ON r.employee_id = e.id AND r.store_id = %s
                WHERE e.id = ANY(%s)""",
            (company.id, store.id, list(employee_ids)),
        )
        return dict(self.env.cr.fetchall())

    @api.model
    def _chain_commission_user_employee(self, user, store, company):
        """The employee of ``user`` in ``company`` who serves in ``store`` (the default credit
        of what the user records), or an empty recordset. One query: reading the user's
        employees would fetch all of hr.employee's columns."""
        Employee = self.env["hr.employee"].sudo()
        if not (user and store and company):
            return Employee
        Employee.flush_model(["active", "company_id", "user_id", "chain_store_ids", "name"])
        self.env.cr.execute(
            """SELECT e.id FROM hr_employee e
                 JOIN chain_store_hr_employee_rel r ON r.employee_id = e.id AND r.store_id = %s
                WHERE e.user_id = %s AND e.company_id = %s AND e.active
                ORDER BY e.name, e.id LIMIT 1""",
            (store.id, user.id, company.id),
        )
        row = self.env.cr.fetchone()
        return Employee.browse(row[0]) if row else Employee

    @api.model
    def _chain_check_staff_shares(self, entries, store, company, label):
        """``entries`` [(employee id, share)] checked for ``store`` (``company``): every
        employee exists, is active, serves in the store and company, is named once; each share
        is above 0 and at most 100; they add up to 100. ``label`` (a string, or a function
        that returns one) names what they share (a product, an operation) in the error.
        Returns [(employee id, share)] or raises a UserError."""
        if not entries:
            return []
        Employee = self.env["hr.employee"].sudo().with_context(active_test=False)
        for employee_id, _share in entries:
            if (
                not isinstance(employee_id, int)
                or isinstance(employee_id, bool)
                or employee_id <= 0
            ):
                raise UserError(_("A staff share names no employee."))
        serves = Employee._chain_commission_serving(
            [emp for emp, _share in entries], store, company
        )
        checked, seen = [], set()
        total = 0.0
        for employee_id, share in entries:
            if employee_id not in serves:
                raise UserError(_("A staff share names an employee who does not exist."))
            if employee_id in seen:
                raise UserError(
                    _(
                        "%(employee)s is named twice on one line.",
                        employee=Employee.browse(employee_id).name,
                    )
                )
            if not serves[employee_id]:
                raise UserError(
                    _(
                        "%(employee)s does not work in %(store)s: they cannot be named on its "
                        "lines.",
                        employee=Employee.browse(employee_id).name,
                        store=store.display_name,
                    )
                )
            value = parse_amount(self.env, share, _("A staff share"))
            if not 0 < value <= 100:
                raise UserError(
                    _("A staff share is above 0 and at most 100 percent (%(share)s).", share=value)
                )
            seen.add(employee_id)
            total += value
            checked.append((employee_id, value))
        if float_compare(total, 100.0, precision_digits=2):
            raise UserError(
                _(
                    "The staff shares of %(product)s add up to %(total)s%%, not 100%%.",
                    product=label() if callable(label) else label,
                    total=round(total, 2),
                )
            )
        return checked

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
