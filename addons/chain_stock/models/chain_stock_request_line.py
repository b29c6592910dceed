from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import float_compare, float_is_zero, float_round

# The most a store requests of one product on one request (in the product's unit).
MAX_QTY = 100000
EDITABLE_FIELDS = frozenset({"request_id", "product_id", "requested_qty", "sequence"})


class ChainStockRequestLine(models.Model):
    _name = "chain.stock.request.line"
    _description = "Store Request Line"
    _order = "request_id, sequence, id"
    _check_company_auto = True

    request_id = fields.Many2one(
        "chain.stock.request", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(related="request_id.company_id", store=True)
    state = fields.Selection(related="request_id.state")
    product_id = fields.Many2one(
        "product.product",
        required=True,
        check_company=True,
        domain="[('is_storable', '=', True)]",
    )
    product_uom_id = fields.Many2one(related="product_id.uom_id", string="Unit")
    requested_qty = fields.Float(digits="Product Unit of Measure", required=True, default=1.0)
    approved_qty = fields.Float(digits="Product Unit of Measure", readonly=True, copy=False)
    received_qty = fields.Float(digits="Product Unit of Measure", readonly=True, copy=False)
    damaged_qty = fields.Float(digits="Product Unit of Measure", readonly=True, copy=False)
    damage_reason = fields.Char(readonly=True, copy=False)
    out_move_id = fields.Many2one(
        "stock.move", readonly=True, copy=False, groups="stock.group_stock_user"
    )
    in_move_id = fields.Many2one(
        "stock.move", readonly=True, copy=False, groups="stock.group_stock_user"
    )

    @api.constrains("requested_qty")
    def _check_requested_qty(self):
        for line in self:
            if not 0 < line.requested_qty <= MAX_QTY:
                raise ValidationError(
                    _(
                        "Request between 0 and %(max)s of %(product)s.",
                        max=MAX_QTY,
                        product=line.product_id.display_name,
                    )
                )

    @api.constrains("product_id")
    def _check_storable(self):
        for line in self:
            if not line.product_id.is_storable:
                raise ValidationError(
                    _(
                        "%(product)s is not a stocked product: only goods are requested.",
                        product=line.product_id.display_name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        Request = self.env["chain.stock.request"]
        for vals in vals_list:
            if not self.env.su:
                self._check_client_values(vals)
                Request.browse(vals.get("request_id"))._check_editable_by_caller()
            self._round_requested(vals)
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            self._check_client_values(vals)
            self.request_id._check_editable_by_caller()
            if "request_id" in vals:
                self.env["chain.stock.request"].browse(
                    vals["request_id"]
                )._check_editable_by_caller()
        if "requested_qty" in vals:
            for line in self:
                line_vals = dict(vals, product_id=vals.get("product_id", line.product_id.id))
                self._round_requested(line_vals)
                super(ChainStockRequestLine, line).write({key: line_vals[key] for key in vals})
            return True
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft_lines(self):
        if not self.env.su:
            self.request_id._check_editable_by_caller()

    # Private helpers

    @api.model
    def _check_client_values(self, vals):
        protected = sorted(set(vals) - EDITABLE_FIELDS)
        if protected:
            raise AccessError(
                _(
                    "%(fields)s of a request line change only through the request's operations "
                    "(approve, receive).",
                    fields=", ".join(protected),
                )
            )

    @api.model
    def _round_requested(self, vals):
        """Round the requested quantity to the product's unit (e.g. whole pieces)."""
        if vals.get("product_id") and vals.get("requested_qty"):
            uom = self.env["product.product"].browse(vals["product_id"]).uom_id
            vals["requested_qty"] = float_round(
                float(vals["requested_qty"]), precision_rounding=uom.rounding
            )

    def _round(self, qty):
        return float_round(qty, precision_rounding=self.product_uom_id.rounding)

    def _is_zero(self, qty):
        return float_is_zero(qty, precision_rounding=self.product_uom_id.rounding)

    def _compare(self, qty, other):
        return float_compare(qty, other, precision_rounding=self.product_uom_id.rounding)

    def _check_qty(self, qty, label):
        try:
            qty = float(qty)
        except (TypeError, ValueError) as error:
            raise UserError(_("%(label)s must be a number.", label=label)) from error
        if qty != qty or qty < 0 or qty > MAX_QTY:  # qty != qty: not a number
            raise UserError(
                _(
                    "%(label)s of %(product)s must be between 0 and %(max)s.",
                    label=label,
                    product=self.product_id.display_name,
                    max=MAX_QTY,
                )
            )
        return qty

    def _check_approved_qty(self, qty):
        qty = self._check_qty(qty, _("The approved quantity"))
        if self._compare(qty, self.requested_qty) > 0:
            raise UserError(
                _(
                    "Approve at most the requested %(requested)s of %(product)s.",
                    requested=self.requested_qty,
                    product=self.product_id.display_name,
                )
            )

    def _check_received(self, received, damaged, reason):
        received = self._check_qty(received, _("The received quantity"))
        damaged = self._check_qty(damaged, _("The damaged quantity"))
        if self._compare(damaged, min(received, self.approved_qty)) > 0:
            raise UserError(
                _(
                    "The damaged %(damaged)s of %(product)s cannot exceed what arrived of the "
                    "shipment (%(limit)s).",
                    damaged=damaged,
                    product=self.product_id.display_name,
                    limit=min(received, self.approved_qty),
                )
            )
        if not self._is_zero(damaged) and not (reason or "").strip():
            raise UserError(
                _("Say why %(product)s arrived damaged.", product=self.product_id.display_name)
            )
