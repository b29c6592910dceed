from odoo import _, api, fields, models
from odoo.exceptions import AccessError, ValidationError


class ChainAttendanceRoster(models.Model):
    """A store's roster (排班): which working schedule an employee keeps in a store, from a date
    (to a date). An employee of two stores has a roster in each, on schedules of different days.
    The schedule's hours mark the day's late arrivals, early leaves, missing punches and absences
    (``chain.attendance.day``); the employee's time off (Odoo's leaves of the resource) is not
    an absence."""

    _name = "chain.attendance.roster"
    _description = "Store Roster"
    _order = "store_id, employee_id, date_from desc"

    store_id = fields.Many2one("chain.store", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="store_id.company_id", store=True, index=True)
    employee_id = fields.Many2one("hr.employee", required=True, index=True, ondelete="cascade")
    resource_calendar_id = fields.Many2one(
        "resource.calendar",
        string="Working Schedule",
        required=True,
        ondelete="restrict",
        help="The hours the employee works in this store; its time zone is the employee's.",
    )
    date_from = fields.Date(string="From", required=True, default=fields.Date.context_today)
    date_to = fields.Date(string="To", help="Empty: until further notice.")
    note = fields.Char()

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for roster in self:
            if roster.date_to and roster.date_to < roster.date_from:
                raise ValidationError(_("A roster ends after it starts."))

    @api.constrains("store_id", "employee_id", "date_from", "date_to")
    def _check_employee(self):
        for roster in self.sudo():
            employee = roster.employee_id
            if roster.store_id not in employee.chain_store_ids:
                raise ValidationError(
                    _(
                        "%(employee)s does not work in %(store)s: add the store to the "
                        "employee first.",
                        employee=employee.name,
                        store=roster.store_id.display_name,
                    )
                )
            if employee.company_id != roster.store_id.company_id:
                raise ValidationError(
                    _("%(employee)s belongs to another company.", employee=employee.name)
                )
            overlapping = self.sudo().search(
                [
                    ("id", "!=", roster.id),
                    ("store_id", "=", roster.store_id.id),
                    ("employee_id", "=", employee.id),
                    "|",
                    ("date_to", "=", False),
                    ("date_to", ">=", roster.date_from),
                ]
                + ([("date_from", "<=", roster.date_to)] if roster.date_to else []),
                limit=1,
            )
            if overlapping:
                raise ValidationError(
                    _(
                        "%(employee)s already has a roster in %(store)s over these dates: end it "
                        "the day before this one starts.",
                        employee=employee.name,
                        store=roster.store_id.display_name,
                    )
                )

    def _chain_check_store_manager(self, stores):
        if self.env.su:
            return
        if not self.env.user._has_group("chain_member.group_chain_store_manager"):
            raise AccessError(_("Only a store manager or headquarters plans rosters."))
        for store in stores:
            self.env["res.users"]._chain_check_works_in(store)

    @api.model_create_multi
    def create(self, vals_list):
        stores = self.env["chain.store"].browse(
            [vals["store_id"] for vals in vals_list if vals.get("store_id")]
        )
        self._chain_check_store_manager(stores)
        return super().create(vals_list)

    def write(self, vals):
        stores = self.store_id
        if vals.get("store_id"):
            stores |= self.env["chain.store"].browse(vals["store_id"])
        self._chain_check_store_manager(stores)
        return super().write(vals)

    def unlink(self):
        self._chain_check_store_manager(self.store_id)
        return super().unlink()
