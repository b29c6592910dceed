from odoo import fields, models


class HrEmployeePublic(models.Model):
    """The staff level is public: a user without HR rights reading employees (a POS user whose
    till loads pos_hr's cashiers) prefetches every field of ``hr.employee`` that has no
    ``groups``, and hr answers from this view, refusing the fields it lacks."""

    _inherit = "hr.employee.public"

    chain_staff_level_id = fields.Many2one("chain.staff.level", string="Staff Level", readonly=True)
