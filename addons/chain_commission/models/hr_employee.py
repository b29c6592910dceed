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
        """Can this employee be credited commission at a till of ``store`` (``company``)?"""
        self.ensure_one()
        employee = self.sudo()
        return bool(
            employee.active and store in employee.chain_store_ids and employee.company_id == company
        )
