from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

DIFFERENCE_KINDS = [
    ("short", "Short"),
    ("over", "Over"),
    ("damaged", "Damaged"),
]
RESOLUTIONS = [
    ("loss", "Written off"),
    ("reship", "Re-shipped"),
    ("return", "Returned"),
]
# Which resolution fits which difference: missing goods are written off or shipped again,
# damaged goods written off or sent back, goods received over the shipment sent back.
ALLOWED_RESOLUTIONS = {
    "short": ("loss", "reship"),
    "damaged": ("loss", "return"),
    "over": ("return",),
}
HQ_MANAGER = "chain_member.group_chain_hq_manager"


class ChainStockDifference(models.Model):
    """A receipt difference (收货差异) of a store request: goods short, over or damaged.

    Created by the receipt only. Missing and damaged goods stay in the company's transit
    location until headquarters resolves the difference; goods received over the shipment were
    never booked out of the supplier, so sending them back moves nothing in the books.
    """

    _name = "chain.stock.difference"
    _description = "Receipt Difference"
    _order = "id desc"

    request_id = fields.Many2one(
        "chain.stock.request", required=True, readonly=True, ondelete="restrict", index=True
    )
    line_id = fields.Many2one("chain.stock.request.line", required=True, readonly=True)
    company_id = fields.Many2one(related="request_id.company_id", store=True)
    store_id = fields.Many2one(related="request_id.store_id", store=True, string="Store")
    supplier_store_id = fields.Many2one(
        related="request_id.supplier_store_id", store=True, string="Supplying Store"
    )
    product_id = fields.Many2one(related="line_id.product_id", store=True)
    product_uom_id = fields.Many2one(related="line_id.product_uom_id", string="Unit")
    kind = fields.Selection(DIFFERENCE_KINDS, required=True, readonly=True)
    quantity = fields.Float(digits="Product Unit of Measure", required=True, readonly=True)
    reason = fields.Char(readonly=True)
    state = fields.Selection(
        [("open", "Open"), ("resolved", "Resolved")],
        default="open",
        required=True,
        readonly=True,
        index=True,
    )
    resolution = fields.Selection(RESOLUTIONS, readonly=True)
    resolved_uid = fields.Many2one("res.users", string="Resolved By", readonly=True)
    resolved_date = fields.Datetime(readonly=True)
    move_ids = fields.Many2many(
        "stock.move", string="Stock Moves", readonly=True, groups="stock.group_stock_user"
    )
    reship_request_id = fields.Many2one("chain.stock.request", string="Re-shipment", readonly=True)

    @api.depends("request_id.name", "kind", "product_id")
    def _compute_display_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for diff in self:
            diff.display_name = (
                f"{diff.request_id.name} {kinds.get(diff.kind, '')} {diff.product_id.display_name}"
            )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise AccessError(_("Receipt differences are recorded by the receipt only."))
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            raise AccessError(_("A receipt difference changes only when headquarters resolves it."))
        return super().write(vals)

    def action_resolve_loss(self):
        """Write the goods off: from transit to the inventory loss location (报损)."""
        return self._resolve("loss")

    def action_resolve_reship(self):
        """Ship the missing goods again (补发): the lost ones are written off and a new,
        approved request goes to the supplier."""
        return self._resolve("reship")

    def action_resolve_return(self):
        """Send the goods back to the supplier (退回)."""
        return self._resolve("return")

    # Private helpers

    def _resolve(self, resolution):
        if not self.env.su and not self.env.user.has_group(HQ_MANAGER):
            raise AccessError(_("Only headquarters managers resolve receipt differences."))
        for diff in self:
            diff._resolve_one(resolution)
        return True

    def _resolve_one(self, resolution):
        self.ensure_one()
        if resolution not in ALLOWED_RESOLUTIONS[self.kind]:
            labels = dict(self._fields["resolution"]._description_selection(self.env))
            raise UserError(
                _(
                    "%(difference)s cannot be %(resolution)s.",
                    difference=self.display_name,
                    resolution=labels[resolution].lower(),
                )
            )
        self.flush_recordset()
        # touch the request first: two resolutions of one request run one after the other, so
        # that the last one sees every other difference resolved and closes the request
        self.env.cr.execute(
            "UPDATE chain_stock_request SET write_date = now() WHERE id = %s",
            (self.request_id.id,),
        )
        self.env.cr.execute(
            "UPDATE chain_stock_difference SET state = 'resolved', resolution = %s, "
            "resolved_uid = %s, resolved_date = now(), write_uid = %s, write_date = now() "
            "WHERE id = %s AND state = 'open' RETURNING id",
            (resolution, self.env.uid, self.env.uid, self.id),
        )
        if not self.env.cr.fetchone():
            self.invalidate_recordset()
            raise UserError(
                _("%(difference)s is already resolved: reload it.", difference=self.display_name)
            )
        self.invalidate_recordset()
        diff = self.sudo()
        request = diff.request_id
        if resolution in ("loss", "reship") and self.kind != "over":
            diff.move_ids = diff._book_from_transit(diff._loss_location())
        if resolution == "return" and self.kind == "damaged":
            diff.move_ids = diff._book_from_transit(request.supplier_warehouse_id.lot_stock_id)
        if resolution == "reship":
            diff.reship_request_id = request._create_reshipment({diff.product_id: diff.quantity})
        self.env["chain.operation.log"]._log_operation(
            "stock_difference_resolve",
            request,
            before={"difference": self.display_name, "quantity": self.quantity},
            after={
                "resolution": resolution,
                "re-shipment": diff.reship_request_id.name or "",
            },
            store=request.store_id,
        )
        request._close_if_resolved()

    def _loss_location(self):
        product = self.product_id.with_company(self.company_id)
        location = product.property_stock_inventory
        if not location:
            raise UserError(
                _(
                    "%(company)s has no inventory loss location.",
                    company=self.company_id.name,
                )
            )
        return location

    def _book_from_transit(self, destination):
        """A done move of the difference's goods from the transit location to ``destination``
        (the loss location, or the supplier's stock for a return)."""
        request = self.request_id
        move = self.env["stock.move"].create(
            request._move_values(
                self.line_id, self.quantity, request._transit_location(), destination
            )
        )
        move._action_confirm()
        request._validate_moves(move, {move: self.quantity})
        return move

    @api.model
    def _create_from_receipt(self, lines):
        """The short, over and damaged quantities of ``lines`` (just received) as open
        differences."""
        values = []
        for line in lines:
            short = line.approved_qty - line.received_qty
            if not line._is_zero(short):
                kind = "short" if short > 0 else "over"
                values.append({"line_id": line.id, "kind": kind, "quantity": abs(short)})
            if not line._is_zero(line.damaged_qty):
                values.append(
                    {
                        "line_id": line.id,
                        "kind": "damaged",
                        "quantity": line.damaged_qty,
                        "reason": line.damage_reason,
                    }
                )
        for vals in values:
            line = self.env["chain.stock.request.line"].browse(vals["line_id"])
            vals.update(request_id=line.request_id.id, quantity=line._round(vals["quantity"]))
        return self.create(values)
