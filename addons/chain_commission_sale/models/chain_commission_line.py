from datetime import datetime, time

from odoo import api, fields, models

SALE_FIELDS = ("account_move_line_id", "sale_order_line_id", "sale_order_id")


class ChainCommissionLine(models.Model):
    """Commission lines of sales orders: credited when an invoice is posted, clawed back by
    its credit notes."""

    _inherit = "chain.commission.line"

    account_move_line_id = fields.Many2one(
        "account.move.line",
        string="Invoice Line",
        readonly=True,
        index="btree_not_null",
        ondelete="restrict",
    )
    sale_order_line_id = fields.Many2one(
        "sale.order.line",
        string="Sales Order Line",
        readonly=True,
        index="btree_not_null",
        ondelete="restrict",
    )
    # written with the line (the ledger is inserted in SQL: a stored related would stay empty)
    sale_order_id = fields.Many2one(
        "sale.order", string="Sales Order", readonly=True, index="btree_not_null"
    )

    @api.model
    def _chain_insert_fields(self):
        return (*super()._chain_insert_fields(), *SALE_FIELDS)

    @api.model
    def _chain_post_invoices(self, moves):
        """Credit the posted customer invoices ``moves`` to the staff of their sales orders
        (of a chain store), and claw back what their credit notes refund; once per invoice
        line and employee (a replay posts nothing)."""
        vals_list = []
        contexts = {}
        for move in moves.sudo():
            if move.state != "posted" or move.move_type not in ("out_invoice", "out_refund"):
                continue
            day = move.invoice_date or move.date
            for line in move.invoice_line_ids:
                sale_line = line.sale_line_ids[:1]
                store = sale_line.order_id.chain_store_id
                if line.display_type != "product" or not store or not line.quantity:
                    continue
                refund = (move.move_type == "out_refund") != (line.quantity < 0)
                key = (store.id, day)
                if key not in contexts:
                    contexts[key] = {
                        "store": store,
                        "plan": self.env["chain.commission.plan"]._chain_in_force(
                            store.company_id, day
                        ),
                        "totals": {},
                        "periods": {},
                    }
                context = contexts[key]
                source = {
                    "key": f"account.move.line:{line.id}",
                    "date": datetime.combine(day, time(12, 0)),
                    "account_move_line_id": line.id,
                    "sale_order_line_id": sale_line.id,
                    "sale_order_id": sale_line.order_id.id,
                    "product_id": line.product_id.id,
                }
                if refund:
                    vals_list += self._chain_invoice_clawback_vals(
                        line, sale_line, context, source, day
                    )
                elif context["plan"]:
                    vals_list += self._chain_invoice_sale_vals(
                        line, sale_line, context, source, day
                    )
        return self.sudo()._insert(vals_list)

    @api.model
    def _chain_invoice_sale_vals(self, line, sale_line, context, source, day):
        move = line.move_id
        company = move.company_id
        qty = abs(line.quantity)
        received = move.currency_id._convert(
            abs(line.price_total), company.currency_id, company, day
        )
        product = line.product_id

        def base(rule):
            if rule.base_type == "list_price":
                return product.lst_price * qty
            return received

        return self._chain_earned_vals(
            sale_line.order_id._chain_commission_shares(),
            context,
            source,
            event_type=product._chain_commission_event_type(),
            product=product,
            day=day,
            qty=qty,
            base=base,
            discounted=lambda: line.discount > 0,
        )

    @api.model
    def _chain_invoice_clawback_vals(self, line, sale_line, context, source, day):
        """A credit note line gives back, pro rata of the quantity refunded over the quantity
        invoiced, what the invoices of the sales order line earned."""
        origins = self.search(
            [("sale_order_line_id", "=", sale_line.id), ("kind", "=", "sale")], order="id"
        )
        invoiced = sum(abs(inv_line.quantity) for inv_line in origins.account_move_line_id)
        if not origins or not invoiced:
            return []
        ratio = min(1.0, abs(line.quantity) / invoiced)
        left = self._chain_left_to_give_back(origins)
        pairs = [(origin, min(ratio, left[origin.id])) for origin in origins]
        return self._chain_given_back_vals(
            [pair for pair in pairs if pair[1] > 0], context, source, day, per_origin=True
        )
