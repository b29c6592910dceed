from odoo import api, fields, models


class ChainStockRequestApprove(models.TransientModel):
    _name = "chain.stock.request.approve"
    _description = "Approve a Store Request"

    request_id = fields.Many2one("chain.stock.request", required=True, ondelete="cascade")
    line_ids = fields.One2many(
        "chain.stock.request.approve.line",
        "wizard_id",
        compute="_compute_line_ids",
        store=True,
        readonly=False,
    )

    @api.depends("request_id")
    def _compute_line_ids(self):
        for wizard in self:
            wizard.line_ids = [fields.Command.clear()] + [
                fields.Command.create(
                    {"request_line_id": line.id, "approved_qty": line.requested_qty}
                )
                for line in wizard.request_id.line_ids
            ]

    def action_confirm(self):
        """Approve the quantities given per line (headquarters managers; the request's
        ``_approve`` checks the role, the state and every quantity)."""
        self.ensure_one()
        request = self.request_id
        approved = {line: 0.0 for line in request.line_ids}
        for item in self.line_ids:
            if item.request_line_id in approved:
                approved[item.request_line_id] = item.approved_qty
        request._approve(approved)
        return {"type": "ir.actions.act_window_close"}


class ChainStockRequestApproveLine(models.TransientModel):
    _name = "chain.stock.request.approve.line"
    _description = "Approve a Store Request: Line"

    wizard_id = fields.Many2one("chain.stock.request.approve", required=True, ondelete="cascade")
    request_line_id = fields.Many2one("chain.stock.request.line", required=True, readonly=True)
    product_id = fields.Many2one(related="request_line_id.product_id")
    product_uom_id = fields.Many2one(related="request_line_id.product_uom_id")
    requested_qty = fields.Float(related="request_line_id.requested_qty")
    approved_qty = fields.Float(digits="Product Unit of Measure")
