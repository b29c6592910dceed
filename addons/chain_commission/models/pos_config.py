from odoo import api, fields, models


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
        return bool(self.sudo().browse(config_id).exists().chain_store_id)
