from odoo import api, fields, models


class ChainStockRequestReceive(models.TransientModel):
    _name = "chain.stock.request.receive"
    _description = "Receive a Store Request"

    request_id = fields.Many2one("chain.stock.request", required=True, ondelete="cascade")
    line_ids = fields.One2many(
        "chain.stock.request.receive.line",
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
                    {"request_line_id": line.id, "received_qty": line.approved_qty}
                )
                for line in wizard.request_id.line_ids.filtered(lambda item: item.approved_qty > 0)
            ]

    def action_confirm(self):
        """Record what arrived per line (the requesting store's managers; the request's
        ``_receive`` checks the role, the store, the state and every quantity)."""
        self.ensure_one()
        counts = {
            item.request_line_id: (item.received_qty, item.damaged_qty, item.damage_reason)
            for item in self.line_ids
        }
        self.request_id._receive(counts)
        return {"type": "ir.actions.act_window_close"}


class ChainStockRequestReceiveLine(models.TransientModel):
    _name = "chain.stock.request.receive.line"
    _description = "Receive a Store Request: Line"

    wizard_id = fields.Many2one("chain.stock.request.receive", required=True, ondelete="cascade")
    request_line_id = fields.Many2one("chain.stock.request.line", required=True, readonly=True)
    product_id = fields.Many2one(related="request_line_id.product_id")
    product_uom_id = fields.Many2one(related="request_line_id.product_uom_id")
    shipped_qty = fields.Float(related="request_line_id.approved_qty", string="Shipped")
    received_qty = fields.Float(digits="Product Unit of Measure")
    damaged_qty = fields.Float(digits="Product Unit of Measure")
    damage_reason = fields.Char()
