from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import float_compare, float_is_zero

REQUEST_STATES = [
    ("draft", "Draft"),
    ("submitted", "Submitted"),
    ("approved", "Approved"),
    ("rejected", "Rejected"),
    ("shipped", "In Transit"),
    ("received", "Received"),
    ("closed", "Closed"),
]
# What a client may set on a request: the rest changes only through the operations.
EDITABLE_FIELDS = frozenset({"store_id", "supplier_store_id", "note", "line_ids"})
STORE_MANAGER = "chain_member.group_chain_store_manager"
HQ_MANAGER = "chain_member.group_chain_hq_manager"


class ChainStockRequest(models.Model):
    """A store's request for goods (要货单) from headquarters' or another store's warehouse.

    draft → submitted → approved (or rejected) → shipped (the goods sit in the company's
    transit location) → received → closed once every receipt difference is resolved. Every
    step goes through a private service (``_submit``, ``_approve``, ``_reject``, ``_ship``,
    ``_receive``) that checks the caller's role and store and moves the state with a guarded
    ``UPDATE`` so that two clicks never run a step twice.
    """

    _name = "chain.stock.request"
    _description = "Store Request"
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(string="Number", readonly=True, copy=False, default="/", index=True)
    store_id = fields.Many2one(
        "chain.store",
        string="Requesting Store",
        required=True,
        index=True,
        domain="[('company_id', '=', company_id), ('warehouse_id', '!=', False)]",
        default=lambda self: self.env.user.chain_store_ids[:1],
    )
    supplier_store_id = fields.Many2one(
        "chain.store",
        string="Supplying Store",
        required=True,
        index=True,
        domain="[('company_id', '=', company_id), ('warehouse_id', '!=', False)]",
        default=lambda self: self.env["chain.store"].get_headquarters(),
        help="Headquarters (its central warehouse) or another store of the same company.",
    )
    company_id = fields.Many2one(
        "res.company", related="store_id.company_id", store=True, index=True, precompute=True
    )
    warehouse_id = fields.Many2one(related="store_id.warehouse_id", string="Warehouse")
    supplier_warehouse_id = fields.Many2one(
        related="supplier_store_id.warehouse_id", string="Supplier Warehouse"
    )
    state = fields.Selection(
        REQUEST_STATES, default="draft", required=True, readonly=True, copy=False, index=True
    )
    line_ids = fields.One2many("chain.stock.request.line", "request_id", string="Lines", copy=True)
    note = fields.Text()
    reject_reason = fields.Text(readonly=True, copy=False)
    origin_request_id = fields.Many2one(
        "chain.stock.request",
        string="Re-shipment Of",
        readonly=True,
        copy=False,
        help="The request whose missing goods this request ships again.",
    )
    out_picking_id = fields.Many2one(
        "stock.picking",
        string="Shipment",
        readonly=True,
        copy=False,
        groups="stock.group_stock_user",
    )
    in_picking_id = fields.Many2one(
        "stock.picking",
        string="Receipt",
        readonly=True,
        copy=False,
        groups="stock.group_stock_user",
    )
    out_picking_name = fields.Char(
        string="Shipment Reference", compute="_compute_picking_names", compute_sudo=True
    )
    in_picking_name = fields.Char(
        string="Receipt Reference", compute="_compute_picking_names", compute_sudo=True
    )
    difference_ids = fields.One2many(
        "chain.stock.difference", "request_id", string="Differences", readonly=True
    )
    open_difference_count = fields.Integer(compute="_compute_open_difference_count")
    date_submitted = fields.Datetime(readonly=True, copy=False)
    date_approved = fields.Datetime(readonly=True, copy=False)
    date_shipped = fields.Datetime(readonly=True, copy=False)
    date_received = fields.Datetime(readonly=True, copy=False)
    requested_by_me = fields.Boolean(
        compute="_compute_my_request", search="_search_requested_by_me"
    )
    supplied_by_me = fields.Boolean(compute="_compute_my_request", search="_search_supplied_by_me")

    @api.depends("out_picking_id", "in_picking_id")
    def _compute_picking_names(self):
        for request in self:
            request.out_picking_name = request.out_picking_id.name or False
            request.in_picking_name = request.in_picking_id.name or False

    @api.depends("difference_ids.state")
    def _compute_open_difference_count(self):
        for request in self:
            request.open_difference_count = len(
                request.difference_ids.filtered(lambda diff: diff.state == "open")
            )

    @api.depends_context("uid")
    def _compute_my_request(self):
        stores = self.env.user.chain_store_ids
        for request in self:
            request.requested_by_me = request.store_id in stores
            request.supplied_by_me = request.supplier_store_id in stores

    def _search_requested_by_me(self, operator, value):
        return self._search_my_store("store_id", operator, value)

    def _search_supplied_by_me(self, operator, value):
        return self._search_my_store("supplier_store_id", operator, value)

    @api.constrains("store_id", "supplier_store_id")
    def _check_stores(self):
        for request in self:
            if request.store_id == request.supplier_store_id:
                raise ValidationError(_("A store cannot request goods from itself."))
            if request.supplier_store_id.company_id != request.store_id.company_id:
                raise ValidationError(
                    _(
                        "%(supplier)s belongs to another company than %(store)s: transfers "
                        "between companies are not supported yet.",
                        supplier=request.supplier_store_id.display_name,
                        store=request.store_id.display_name,
                    )
                )
            for store in request.store_id | request.supplier_store_id:
                if not store.warehouse_id:
                    raise ValidationError(
                        _("The store %(store)s has no warehouse.", store=store.display_name)
                    )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            for vals in vals_list:
                self._check_client_values(vals)
                vals.setdefault("store_id", self.env.user.chain_store_ids[:1].id)
                self._check_can_request(self.env["chain.store"].browse(vals["store_id"]))
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].sudo().next_by_code("chain.stock.request")
        requests = super().create(vals_list)
        for request in requests:
            request._log("stock_request_create", after=request._logged_lines("requested_qty"))
        return requests

    def write(self, vals):
        if not self.env.su:
            self._check_client_values(vals)
            for request in self:
                request._check_draft()
                request._check_can_request(request.store_id)
            if "store_id" in vals:
                self._check_can_request(self.env["chain.store"].browse(vals["store_id"]))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_drafts(self):
        for request in self:
            request._check_draft()
            if not self.env.su:
                request._check_can_request(request.store_id)

    def action_submit(self):
        """Send the draft to headquarters for approval (the requesting store's managers)."""
        for request in self:
            request._submit()
        return True

    def action_ship(self):
        """Validate the shipment: the approved goods leave the supplier's stock for the
        company's transit location (the supplying store's managers, or headquarters)."""
        for request in self:
            request._ship()
        return True

    # Private services (the only way the protected fields change)

    def _submit(self):
        self.ensure_one()
        self._check_can_request(self.store_id)
        lines = self.line_ids.filtered(lambda line: line.requested_qty > 0)
        if not lines:
            raise UserError(_("Add at least one product to request before submitting."))
        self._transition(("draft",), "submitted", date_submitted=fields.Datetime.now())
        self._log("stock_request_submit", after=self._logged_lines("requested_qty"))

    def _approve(self, approved_qties):
        """Approve the request, all or part per line.

        :param approved_qties: {request line: approved quantity} for every line (0 refuses
            the line); each quantity is between 0 and the line's requested quantity.
        """
        self.ensure_one()
        self._check_hq_manager()
        if set(approved_qties) != set(self.line_ids):
            raise UserError(
                _("Give an approved quantity for every line of %(request)s.", request=self.name)
            )
        for line, qty in approved_qties.items():
            line._check_approved_qty(qty)
        if all(line._is_zero(qty) for line, qty in approved_qties.items()):
            raise UserError(
                _("Nothing is approved on %(request)s: reject it instead.", request=self.name)
            )
        self._transition(("submitted",), "approved", date_approved=fields.Datetime.now())
        for line, qty in approved_qties.items():
            line.sudo().approved_qty = line._round(qty)
        self.sudo().out_picking_id = self._create_shipment()
        self._log(
            "stock_request_approve",
            before=self._logged_lines("requested_qty"),
            after=self._logged_lines("approved_qty"),
        )

    def _reject(self, reason):
        self.ensure_one()
        self._check_hq_manager()
        reason = (reason or "").strip()
        if not reason:
            raise UserError(_("Say why the request is rejected."))
        self._transition(("submitted",), "rejected")
        self.sudo().reject_reason = reason
        self._log("stock_request_reject", reason=reason)

    def _ship(self):
        self.ensure_one()
        self._check_store_manager()
        self.env["res.users"]._chain_check_works_in(self.supplier_store_id)
        self._transition(("approved",), "shipped", date_shipped=fields.Datetime.now())
        picking = self.sudo().out_picking_id
        picking.action_assign()
        for move in picking.move_ids:
            if (
                float_compare(
                    move.quantity,
                    move.product_uom_qty,
                    precision_rounding=move.product_uom.rounding,
                )
                < 0
            ):
                raise UserError(
                    _(
                        "Not enough %(product)s in %(warehouse)s to ship %(request)s: "
                        "%(available)s available, %(needed)s to ship.",
                        product=move.product_id.display_name,
                        warehouse=self.supplier_warehouse_id.display_name,
                        request=self.name,
                        available=move.quantity,
                        needed=move.product_uom_qty,
                    )
                )
        self._validate_moves(
            picking.move_ids, {move: move.product_uom_qty for move in picking.move_ids}
        )
        self.sudo().in_picking_id = self._create_receipt()
        self._log(
            "stock_request_ship",
            after={"shipment": picking.name, **self._logged_lines("approved_qty")},
            store=self.supplier_store_id,
        )

    def _receive(self, counts):
        """Record the receipt: the goods that arrived in good order enter the store's stock;
        the missing and damaged ones stay in transit, and every short, over or damaged
        quantity becomes an open difference for headquarters to resolve.

        :param counts: {request line: (received qty, damaged qty, damage reason)} for every
            shipped line; the received quantity counts the damaged goods too.
        """
        self.ensure_one()
        self._check_can_request(self.store_id, operation=_("receive"))
        shipped = self.line_ids.filtered(lambda line: line.approved_qty > 0)
        if set(counts) != set(shipped):
            raise UserError(_("Count every shipped line of %(request)s.", request=self.name))
        for line, (received, damaged, reason) in counts.items():
            line._check_received(received, damaged, reason)
        self._transition(("shipped",), "received", date_received=fields.Datetime.now())
        picking = self.sudo().in_picking_id
        good = {}
        for line, (received, damaged, reason) in counts.items():
            line.sudo().write(
                {
                    "received_qty": line._round(received),
                    "damaged_qty": line._round(damaged),
                    "damage_reason": reason or False,
                }
            )
            good[line.in_move_id] = min(line.received_qty, line.approved_qty) - line.damaged_qty
        self._validate_moves(picking.move_ids, good)
        differences = self.env["chain.stock.difference"].sudo()._create_from_receipt(shipped)
        self._log(
            "stock_request_receive",
            after={
                **self._logged_lines("received_qty"),
                "differences": [
                    f"{d.kind} {d.product_id.display_name} {d.quantity}" for d in differences
                ],
            },
        )
        self._close_if_resolved()

    def _create_reshipment(self, missing):
        """A new approved request that ships ``missing`` ({product: qty}) again."""
        self.ensure_one()
        request = self.sudo().create(
            {
                "store_id": self.store_id.id,
                "supplier_store_id": self.supplier_store_id.id,
                "origin_request_id": self.id,
                "note": _("Re-shipment of the goods missing from %(request)s.", request=self.name),
                "line_ids": [
                    fields.Command.create(
                        {"product_id": product.id, "requested_qty": qty, "approved_qty": qty}
                    )
                    for product, qty in missing.items()
                ],
            }
        )
        request.write(
            {
                "state": "approved",
                "date_submitted": fields.Datetime.now(),
                "date_approved": fields.Datetime.now(),
            }
        )
        request.out_picking_id = request._create_shipment()
        request._log(
            "stock_request_approve",
            after=request._logged_lines("approved_qty"),
            reason=_("Re-shipment of the goods missing from %(request)s.", request=self.name),
        )
        return request

    # Private helpers

    def _search_my_store(self, field_name, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Unsupported search on %(field)s.", field=field_name))
        positive = (operator == "=") == value
        return [(field_name, "in" if positive else "not in", self.env.user.chain_store_ids.ids)]

    @api.model
    def _check_client_values(self, vals):
        protected = sorted(set(vals) - EDITABLE_FIELDS)
        if protected:
            raise AccessError(
                _(
                    "%(fields)s of a store request change only through its operations (submit, "
                    "approve, ship, receive).",
                    fields=", ".join(protected),
                )
            )

    @api.model
    def _check_can_request(self, store, operation=None):
        """The caller is a store manager working in ``store`` (headquarters everywhere)."""
        if self.env.su:
            return
        if not self.env.user.has_group(STORE_MANAGER):
            raise AccessError(
                _(
                    "Only store managers %(operation)s store requests.",
                    operation=operation or _("create and submit"),
                )
            )
        self.env["res.users"]._chain_check_works_in(store)

    def _check_store_manager(self):
        if not self.env.su and not self.env.user.has_group(STORE_MANAGER):
            raise AccessError(_("Only store managers and headquarters ship store requests."))

    def _check_hq_manager(self):
        if not self.env.su and not self.env.user.has_group(HQ_MANAGER):
            raise AccessError(_("Only headquarters managers approve or reject store requests."))

    def _check_editable_by_caller(self):
        """A client changes a request's lines only on a draft of a store it requests for."""
        for request in self:
            request._check_draft()
            request._check_can_request(request.store_id)

    def _check_draft(self):
        if self.state != "draft":
            raise UserError(
                _(
                    "%(request)s is %(state)s: only a draft request can be changed or deleted.",
                    request=self.name,
                    state=dict(self._fields["state"]._description_selection(self.env))[self.state],
                )
            )

    def _transition(self, from_states, to_state, **values):
        """Move the state with a guarded UPDATE (the row stays locked until the transaction
        ends): a second click, or a concurrent one, finds the state moved and stops here."""
        self.ensure_one()
        self.flush_recordset()
        self.env.cr.execute(
            "UPDATE chain_stock_request SET state = %s, write_uid = %s, write_date = now() "
            "WHERE id = %s AND state IN %s RETURNING id",
            (to_state, self.env.uid, self.id, tuple(from_states)),
        )
        if not self.env.cr.fetchone():
            self.invalidate_recordset(["state"])
            raise UserError(
                _(
                    "%(request)s is no longer %(states)s (now %(state)s): reload it.",
                    request=self.name,
                    states=", ".join(from_states),
                    state=self.state,
                )
            )
        self.invalidate_recordset(["state", "write_uid", "write_date"])
        if values:
            self.sudo().write(values)

    def _picking_values(self, picking_type, source, destination):
        return {
            "picking_type_id": picking_type.id,
            "location_id": source.id,
            "location_dest_id": destination.id,
            "origin": self.name,
            "company_id": self.company_id.id,
        }

    def _move_values(self, line, qty, source, destination):
        return {
            "name": self.name,
            "product_id": line.product_id.id,
            "product_uom": line.product_uom_id.id,
            "product_uom_qty": qty,
            "location_id": source.id,
            "location_dest_id": destination.id,
            "origin": self.name,
            "company_id": self.company_id.id,
        }

    def _transit_location(self):
        transit = self.company_id.internal_transit_location_id
        if not transit:
            raise UserError(
                _("The company %(company)s has no transit location.", company=self.company_id.name)
            )
        return transit

    def _create_shipment(self):
        """The approved lines as a picking from the supplier's stock into transit (confirmed,
        validated when shipped)."""
        warehouse, transit = self.supplier_warehouse_id, self._transit_location()
        picking = (
            self.env["stock.picking"]
            .sudo()
            .create(self._picking_values(warehouse.out_type_id, warehouse.lot_stock_id, transit))
        )
        for line in self.line_ids.filtered(lambda item: item.approved_qty > 0):
            line.sudo().out_move_id = (
                self.env["stock.move"]
                .sudo()
                .create(
                    {
                        **self._move_values(
                            line, line.approved_qty, warehouse.lot_stock_id, transit
                        ),
                        "picking_id": picking.id,
                        "picking_type_id": warehouse.out_type_id.id,
                    }
                )
            )
        picking.action_confirm()
        return picking

    def _create_receipt(self):
        """The shipped goods as a picking from transit into the requesting store's stock."""
        warehouse, transit = self.warehouse_id, self._transit_location()
        picking = (
            self.env["stock.picking"]
            .sudo()
            .create(self._picking_values(warehouse.in_type_id, transit, warehouse.lot_stock_id))
        )
        for line in self.line_ids.filtered(lambda item: item.approved_qty > 0):
            line.sudo().in_move_id = (
                self.env["stock.move"]
                .sudo()
                .create(
                    {
                        **self._move_values(
                            line, line.approved_qty, transit, warehouse.lot_stock_id
                        ),
                        "picking_id": picking.id,
                        "picking_type_id": warehouse.in_type_id.id,
                    }
                )
            )
        picking.action_confirm()
        return picking

    @api.model
    def _validate_moves(self, moves, quantities):
        """Book ``quantities`` ({move: qty}) as done; a move with nothing to book is cancelled,
        and no backorder is left for the rest."""
        moves = moves.sudo()
        empty = moves.filtered(
            lambda move: float_is_zero(
                quantities.get(move, 0), precision_rounding=move.product_uom.rounding
            )
        )
        empty._action_cancel()
        todo = moves - empty
        for move in todo:
            move.quantity = quantities[move]
            move.picked = True
        todo._action_done(cancel_backorder=True)

    def _close_if_resolved(self):
        self.ensure_one()
        if self.state == "received" and not self.difference_ids.filtered(
            lambda diff: diff.state == "open"
        ):
            self._transition(("received",), "closed")

    def _logged_lines(self, field_name):
        return {line.product_id.display_name: line[field_name] for line in self.line_ids}

    def _log(self, operation, before=None, after=None, reason=None, store=None):
        self.env["chain.operation.log"]._log_operation(
            operation, self, before=before, after=after, reason=reason, store=store or self.store_id
        )

    @api.model
    def _demo_advance(self, submitted, in_transit):
        """Demo data: submit one request; approve and ship another (headquarters' warehouse
        first gets the stock it ships)."""
        submitted = self.browse(submitted).sudo()
        in_transit = self.browse(in_transit).sudo()
        for request in (submitted | in_transit).filtered(lambda req: req.state == "draft"):
            request._submit()
        if in_transit.state == "submitted":
            for line in in_transit.line_ids:
                self.env["stock.quant"].sudo().with_context(inventory_mode=True).create(
                    {
                        "product_id": line.product_id.id,
                        "location_id": in_transit.supplier_warehouse_id.lot_stock_id.id,
                        "inventory_quantity": line.requested_qty * 10,
                    }
                ).action_apply_inventory()
            in_transit._approve({line: line.requested_qty for line in in_transit.line_ids})
            in_transit._ship()
