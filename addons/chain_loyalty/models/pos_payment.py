from odoo import _, fields, models


class PosPayment(models.Model):
    _inherit = "pos.payment"

    def _create_payment_moves(self, is_reverse=False):
        """An invoiced order paid partly with points: the points settle their share of the
        invoice against the points redemption expense.

        Stock Odoo posts nothing for a method without a journal (it treats it as a customer
        account) and would leave that share open on the invoice. When the session is still open,
        the payment move credits the customer's receivable and debits the method's account (the
        expense); the session closing books nothing more for it (stock skips the customer-account
        payments of invoiced orders). When the order is invoiced after its session was closed
        (``is_reverse``), the closing entry already booked the expense: the reversal entry
        settles the invoice instead (``pos.order._prepare_aml_values_list_per_nature``).
        """
        points = self.filtered(lambda payment: payment.payment_method_id.chain_points)
        result = super(PosPayment, self - points)._create_payment_moves(is_reverse)
        if is_reverse:
            return result
        for payment in points:
            order = payment.pos_order_id
            if order.currency_id.is_zero(payment.amount):
                continue
            result |= payment._chain_points_invoice_move()
        return result

    def _chain_points_invoice_move(self):
        """Post the entry that pays this points payment's share of its order's invoice."""
        self.ensure_one()
        order = self.pos_order_id
        company = order.company_id
        session = order.session_id
        partner = self.env["res.partner"]._find_accounting_partner(self.partner_id)
        receivable = partner.with_company(company).property_account_receivable_id
        expense = (
            self.payment_method_id.receivable_account_id or company._chain_points_expense_account()
        )
        label = _("%(order)s paid with points", order=order.name)
        amounts = session._update_amounts(
            {"amount": 0, "amount_converted": 0}, {"amount": self.amount}, self.payment_date
        )
        line_vals = [
            session._credit_amounts(
                {"account_id": receivable.id, "partner_id": partner.id, "name": label},
                amounts["amount"],
                amounts["amount_converted"],
            ),
            session._debit_amounts(
                {"account_id": expense.id, "partner_id": partner.id, "name": label},
                amounts["amount"],
                amounts["amount_converted"],
            ),
        ]
        move = (
            self.env["account.move"]
            .with_company(company)
            .create(
                {
                    "journal_id": session.config_id.journal_id.id,
                    "date": fields.Date.context_today(order, order.date_order),
                    "ref": label,
                    "pos_payment_ids": self.ids,
                    "line_ids": [fields.Command.create(vals) for vals in line_vals],
                }
            )
        )
        move._post()
        self.write({"account_move_id": move.id})
        return move
