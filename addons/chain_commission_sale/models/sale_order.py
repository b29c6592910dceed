from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError


class SaleOrder(models.Model):
    """The store a sales order is made in and the staff who sold it: its invoices credit them
    their commission (``chain.commission.line._chain_post_invoices``)."""

    _inherit = "sale.order"

    chain_store_id = fields.Many2one(
        "chain.store",
        default=lambda self: self._chain_default_store(),
        domain="[('company_id', '=', company_id)]",
        index="btree_not_null",
        help="The store this order is made in: its staff are credited commission when the "
        "order is invoiced. Empty: no commission.",
    )
    chain_staff_share_ids = fields.One2many(
        "chain.sale.order.share",
        "order_id",
        string="Staff",
        copy=True,
        help="Who sold this order (导购), and their shares (percent, adding up to 100). Nobody: "
        "the salesperson's employee in the store.",
    )

    @api.model
    def _chain_default_store(self):
        if not self.env.user.chain_store_ids:
            return False
        store = self.env.user._chain_default_store()
        return store if store and store.kind != "headquarters" else False

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("chain_store_id") and not self.env.su:
                store = self.env["chain.store"].browse(vals["chain_store_id"])
                self.env["res.users"]._chain_check_works_in(store)
        return super().create(vals_list)

    def write(self, vals):
        if "chain_store_id" in vals:
            self._chain_check_staff_editable()
            if vals["chain_store_id"] and not self.env.su:
                store = self.env["chain.store"].browse(vals["chain_store_id"])
                self.env["res.users"]._chain_check_works_in(store)
        return super().write(vals)

    @api.constrains("chain_store_id", "chain_staff_share_ids", "company_id")
    def _check_chain_staff(self):
        for order in self:
            store = order.chain_store_id
            if store and store.company_id != order.company_id:
                raise ValidationError(
                    _(
                        "%(store)s belongs to another company than %(order)s.",
                        store=store.display_name,
                        order=order.name,
                    )
                )
            if order.chain_staff_share_ids and not store:
                raise ValidationError(
                    _(
                        "Say in which store %(order)s is made: its staff work there.",
                        order=order.name,
                    )
                )
            if order.chain_staff_share_ids:
                order._chain_commission_shares()

    def _chain_check_staff_editable(self):
        """UserError when an invoice of these orders has recorded commission: the staff and
        store it was credited to stay as they were (a credit note gives it back)."""
        posted = self.filtered(lambda order: order.sudo().order_line.chain_commission_line_ids)
        if posted:
            raise UserError(
                _(
                    "The commission of %(order)s is recorded: its store and staff can no longer "
                    "be changed.",
                    order=posted[0].name,
                )
            )

    def _chain_commission_shares(self):
        """[(employee, share)] of this order: its staff shares, checked
        (``hr.employee._chain_check_staff_shares``), else the salesperson's employee in the
        store at 100 %, else nobody."""
        self.ensure_one()
        order = self.sudo()
        store = order.chain_store_id
        Employee = self.env["hr.employee"].sudo()
        if not store:
            return []
        entries = [(share.employee_id.id, share.share) for share in order.chain_staff_share_ids]
        if not entries:
            employee = Employee._chain_commission_user_employee(
                order.user_id, store, order.company_id
            )
            return [(employee, 100.0)] if employee else []
        checked = Employee._chain_check_staff_shares(entries, store, order.company_id, order.name)
        return [(Employee.browse(employee_id), share) for employee_id, share in checked]
