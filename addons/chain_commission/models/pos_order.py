from odoo import _, api, fields, models, tools
from odoo.exceptions import UserError


class PosOrder(models.Model):
    """Commission of a chain till's order: posted once when the order is paid (the sync path
    and the backend's payment both go through ``action_pos_order_paid``), in the transaction
    that saves the order; or, where the company posts it after the sync
    (``res.company.chain_commission_pos_deferred``), marked pending there and posted by the
    minute's job (``chain.commission.line._cron_post_pending_pos_orders``). Tills of no chain
    store keep stock Odoo's behaviour."""

    _inherit = "pos.order"

    chain_commission_line_ids = fields.One2many(
        "chain.commission.line",
        "pos_order_id",
        string="Commission Lines",
        readonly=True,
        # the POS loads every field of its orders: keep this one to the store managers (a
        # cashier's till does not read it on each order synced)
        groups="chain_member.group_chain_store_manager",
    )
    chain_commission_posted = fields.Boolean(
        string="Commission Recorded",
        readonly=True,
        copy=False,
        help="The order's commission was recorded (once).",
    )

    chain_commission_pending = fields.Boolean(
        string="Commission Pending",
        readonly=True,
        copy=False,
        help="Paid at a till whose company posts commission after the sync: the job posts it "
        "within the minute.",
    )

    def init(self):
        result = super().init()
        # the job's queue: only the pending orders are in this index
        tools.create_index(
            self.env.cr,
            "pos_order_chain_commission_pending_index",
            self._table,
            ["id"],
            where="chain_commission_pending",
        )
        return result

    def write(self, vals):
        if {"chain_commission_posted", "chain_commission_pending"} & set(vals) and not self.env.su:
            raise UserError(_("Only the server records an order's commission."))
        return super().write(vals)

    @api.model
    def sync_from_ui(self, orders):
        """The answer carries the staff shares of the lines (a chain till loads them)."""
        result = super().sync_from_ui(orders)
        orders_data = result.get("pos.order") or []
        config_id = orders_data[0].get("config_id") if orders_data else False
        if self.env["pos.config"]._chain_commission_till(config_id):
            Share = self.env["chain.pos.order.line.share"]
            line_ids = [line["id"] for line in result.get("pos.order.line") or []]
            # the shares the sync just saved, read from the cache (one query when the posting
            # left none there), under the caller's record rules
            shares = self.env["pos.order.line"].sudo().browse(line_ids).chain_staff_share_ids
            shares = shares.with_env(self.env)._filtered_access("read")
            result["chain.pos.order.line.share"] = shares._read_format(
                Share._load_pos_data_fields(config_id), load=False
            )
        return result

    def action_pos_order_paid(self):
        result = super().action_pos_order_paid()
        self._chain_commission_post()
        return result

    def _process_saved_order(self, draft):
        """Stock Odoo logs and hides an error of ``action_pos_order_paid`` during the sync:
        the commission is posted again here (a no-op once posted), so an error rolls the sync
        back instead of leaving a paid order without its commission."""
        result = super()._process_saved_order(draft)
        if not draft:
            self._chain_commission_post()
        return result

    # ------------------------------------------------------------------------------------------
    def _chain_commission_post(self):
        orders = self.filtered(lambda o: o.config_id.chain_store_id)
        if not orders:
            return
        Line = self.env["chain.commission.line"]
        deferred = orders.filtered(lambda o: o.company_id.chain_commission_pos_deferred)
        if deferred:
            Line._chain_defer_pos_orders(deferred)
        if orders - deferred:
            Line._post_pos_orders(orders - deferred)

    def _chain_commission_default_employee(self):
        """The employee a line is credited to when the till names nobody: the order's employee
        (pos_hr), else the cashier user's employee in the order's company; only one who serves
        in the till's store."""
        self.ensure_one()
        order = self.sudo()
        store = order.config_id.chain_store_id
        Employee = self.env["hr.employee"].sudo()
        if order.employee_id:
            employee = order.employee_id
            if employee._chain_commission_serves(store, order.company_id):
                return employee
            return Employee
        if not store or not order.user_id:
            return Employee
        return Employee._chain_commission_user_employee(order.user_id, store, order.company_id)

    def _chain_commission_stored_value_share(self):
        """The part (0 to 1) of this order paid from stored value or points: payments whose
        method has a truthy ``chain_wallet`` or ``chain_points`` (chain_wallet, chain_loyalty,
        when installed)."""
        self.ensure_one()
        order = self.sudo()
        flags = [
            name
            for name in ("chain_wallet", "chain_points")
            if name in order.payment_ids.payment_method_id._fields
        ]
        if not flags or order.amount_total <= 0:
            return 0.0
        paid = sum(
            payment.amount
            for payment in order.payment_ids
            if any(payment.payment_method_id[name] for name in flags)
        )
        return min(1.0, max(0.0, paid / order.amount_total))
