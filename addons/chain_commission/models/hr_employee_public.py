from odoo import fields, models


class HrEmployeePublic(models.Model):
    """The staff level and the stores are public: a user without HR rights reading employees
    (a POS user whose till loads pos_hr's cashiers) prefetches every field of ``hr.employee``
    that has no ``groups``, and hr answers from this view, refusing the fields it lacks; a
    cashier picking the staff of a backend operation searches employees by store (hr answers
    that search from this view too)."""

    _inherit = "hr.employee.public"

    chain_staff_level_id = fields.Many2one("chain.staff.level", string="Staff Level", readonly=True)
    # the view's rows are hr.employee's ids: the relation table is hr.employee's
    chain_store_ids = fields.Many2many(
        "chain.store",
        "chain_store_hr_employee_rel",
        "employee_id",
        "store_id",
        string="Chain Stores",
        readonly=True,
    )
