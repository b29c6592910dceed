from odoo import _, api, fields, models
from odoo.exceptions import UserError


class PosOrder(models.Model):
    """Commission of a chain till's order: posted once when the order is paid (the sync path
    and the backend's payment both go through ``action_pos_order_paid``), in the transaction
    that saves the order. Tills of no chain store keep stock Odoo's behaviour."""

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

    def write(self, vals):
        if "chain_commission_posted" in vals and not self.env.su:
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
            # one query (record rules included)
            result["chain.pos.order.line.share"] = Share.search_read(
                [("line_id", "in", line_ids)], Share._load_pos_data_fields(config_id), load=False
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
        if orders:
            self.env["chain.commission.line"]._post_pos_orders(orders)

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
