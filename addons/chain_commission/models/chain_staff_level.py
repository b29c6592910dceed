from odoo import fields, models


class ChainStaffLevel(models.Model):
    """A staff level of the chain's stores (店长, 高级技师, 技师, 导购): commission rules may
    name one, and an employee has one."""

    _name = "chain.staff.level"
    _description = "Staff Level"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    employee_ids = fields.One2many("hr.employee", "chain_staff_level_id", string="Employees")

    _sql_constraints = [
        ("code_unique", "unique(code)", "A staff level's code is unique."),
    ]
