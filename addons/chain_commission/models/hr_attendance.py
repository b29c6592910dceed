from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

PUNCH_MODES = [("chain_pos", "Point of Sale")]


class HrAttendance(models.Model):
    """A check-in and its check-out (Odoo's ``hr_attendance``), and the chain store the employee
    clocked in at: staff who work in several stores are counted where they clocked in, even if
    they clock out elsewhere."""

    _inherit = "hr.attendance"

    chain_store_id = fields.Many2one(
        "chain.store",
        index=True,
        ondelete="restrict",
        help="The store the employee clocked in at (the store's kiosk or till). Empty for an "
        "employee of several stores who clocked in elsewhere (Odoo's own kiosk or systray).",
    )
    in_mode = fields.Selection(selection_add=PUNCH_MODES, ondelete={"chain_pos": "set default"})
    out_mode = fields.Selection(selection_add=PUNCH_MODES, ondelete={"chain_pos": "set default"})

    @api.model_create_multi
    def create(self, vals_list):
        """The store of a punch: the one the store's kiosk or till says
        (``chain_attendance_store_id`` in the context, set by the server's routes), if the
        employee works there; else the employee's only store. A context or a value naming a
        store the employee does not work in is refused by ``_check_chain_store``, so it can
        only choose among the employee's own."""
        hinted = self.env.context.get("chain_attendance_store_id")
        Employee = self.env["hr.employee"].sudo()
        for vals in vals_list:
            if vals.get("chain_store_id") or not vals.get("employee_id"):
                continue
            stores = Employee.browse(vals["employee_id"]).chain_store_ids
            if isinstance(hinted, int) and hinted in stores.ids:
                vals["chain_store_id"] = hinted
            elif len(stores) == 1:
                vals["chain_store_id"] = stores.id
        return super().create(vals_list)

    @api.constrains("chain_store_id", "employee_id")
    def _check_chain_store(self):
        for attendance in self.sudo():
            store = attendance.chain_store_id
            if store and store not in attendance.employee_id.chain_store_ids:
                raise ValidationError(
                    _(
                        "%(employee)s does not work in %(store)s: an attendance is counted in a "
                        "store of the employee's.",
                        employee=attendance.employee_id.name,
                        store=store.display_name,
                    )
                )
