from odoo import fields, models


class ChainCommissionAdjust(models.TransientModel):
    """Adjust an employee's commission in a store by hand: a reason is required, the line is
    appended to the ledger (``chain.commission.line._post_adjustment``, which checks the
    caller) and logged."""

    _name = "chain.commission.adjust"
    _description = "Adjust Commission"

    employee_id = fields.Many2one("hr.employee", required=True)
    store_id = fields.Many2one(
        "chain.store",
        required=True,
        default=lambda self: self.env.user._chain_default_store(),
    )
    currency_id = fields.Many2one(related="store_id.currency_id")
    amount = fields.Monetary(required=True, help="Positive: credited; negative: taken back.")
    date = fields.Date(required=True, default=fields.Date.context_today)
    reason = fields.Text(required=True)

    def action_confirm(self):
        self.ensure_one()
        line = self.env["chain.commission.line"]._post_adjustment(
            self.employee_id,
            self.store_id,
            self.amount,
            self.reason,
            date=self.date,
            key=f"adjust:wizard:{self.id}",
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "chain.commission.line",
            "res_id": line.id,
            "views": [(False, "form")],
        }
