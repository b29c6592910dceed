from odoo import fields, models


class ChainStockRequestReject(models.TransientModel):
    _name = "chain.stock.request.reject"
    _description = "Reject a Store Request"

    request_id = fields.Many2one("chain.stock.request", required=True, ondelete="cascade")
    reason = fields.Text(required=True)

    def action_confirm(self):
        """Reject the request with the reason (headquarters managers; checked by the
        request's ``_reject``)."""
        self.ensure_one()
        self.request_id._reject(self.reason)
        return {"type": "ir.actions.act_window_close"}
