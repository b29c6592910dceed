from odoo import _, fields, models
from odoo.exceptions import UserError

from odoo.addons.chain_member.tools.downloads import download_action


class ChainCommissionPayrollExport(models.TransientModel):
    """The payroll sheet of a month's approved commission settlements (提成工资表), in Excel:
    what payroll pays each employee, per store."""

    _name = "chain.commission.payroll.export"
    _description = "Commission Payroll Sheet"

    period = fields.Date(
        string="Month",
        required=True,
        default=lambda self: fields.Date.context_today(self).replace(day=1),
        help="Any day of the month.",
    )
    store_ids = fields.Many2many(
        "chain.store",
        string="Stores",
        default=lambda self: self.env.user.chain_store_ids,
        help="Empty: every store of the companies you work in (headquarters).",
    )

    def action_export(self):
        self.ensure_one()
        Line = self.env["chain.commission.line"]
        stores = self.store_ids
        if not stores:
            if not self.env.user._has_group("chain_member.group_chain_hq_manager"):
                raise UserError(_("Choose the stores of the payroll sheet."))
            stores = self.env["chain.store"].search([("company_id", "in", self.env.companies.ids)])
        for store in stores:
            Line._chain_check_manager(store)
        period = self.period.replace(day=1)
        Settlement = self.env["chain.commission.settlement"]
        settlements = Settlement.search(
            [
                ("period", "=", period),
                ("store_id", "in", stores.ids),
                ("state", "in", ("approved", "locked")),
            ]
        )
        if not settlements:
            raise UserError(
                _("No settlement of %(month)s is approved yet.", month=period.strftime("%Y-%m"))
            )
        data = settlements.sudo()._chain_payroll_xlsx()
        name = _("Commission payroll %(month)s.xlsx", month=period.strftime("%Y-%m"))
        return download_action(self, name, data)
