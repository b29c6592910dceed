import os

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.chain_member.tools.downloads import download_action

from ..report.chain_wallet_xlsx import REPORTS


class ChainWalletReport(models.TransientModel):
    """Export a stored-value or count-card report to Excel, by store and period."""

    _name = "chain.wallet.report.wizard"
    _description = "Stored-Value Reports"

    report = fields.Selection(REPORTS, required=True, default="deposits")
    date_from = fields.Date(
        required=True, default=lambda self: fields.Date.context_today(self).replace(day=1)
    )
    date_to = fields.Date(required=True, default=fields.Date.context_today)
    store_ids = fields.Many2many(
        "chain.store", string="Stores", help="Empty: every store you may see."
    )

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for wizard in self:
            if wizard.date_from > wizard.date_to:
                raise ValidationError(_("The period ends before it starts."))

    def action_export(self):
        self.ensure_one()
        path = self.env["chain.wallet.xlsx"]._export(
            self.report, self.date_from, self.date_to, self.store_ids
        )
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        finally:
            os.unlink(path)
        label = dict(self._fields["report"]._description_selection(self.env))[self.report]
        name = f"{label} {self.date_from} {self.date_to}.xlsx"
        return download_action(self, name, data)
