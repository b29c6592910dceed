from odoo import fields, models


class PosPayment(models.Model):
    _inherit = "pos.payment"

    def _create_payment_moves(self, is_reverse=False):
        """An invoiced order paid with a method that settles its share of the invoice by itself
        (``pos.order._chain_invoice_settling_methods``: stored value here, points in
        chain_loyalty): the payment credits the invoice's receivable against the method's
        counterpart (``_chain_invoice_counterpart``). Stock Odoo posts nothing for a method
        without a journal and would leave that share open on the invoice; the session closing
        books nothing more for it (stock skips the customer-account payments of invoiced
        orders).

        When the order is invoiced after its session was closed (``is_reverse``), the closing
        entry already booked the counterpart: the reversal of the closing entry settles the
        invoice instead (``pos.order._prepare_aml_values_list_per_nature``), so the
        counterpart moves once."""
        settling = self.filtered(
            lambda payment: payment.payment_method_id
            in payment.pos_order_id._chain_invoice_settling_methods()
        )
        result = super(PosPayment, self - settling)._create_payment_moves(is_reverse)
        if is_reverse:
            return result
        for payment in settling:
            if not payment.pos_order_id.currency_id.is_zero(payment.amount):
                result |= payment._chain_invoice_settling_move()
        return result

    def _chain_invoice_settling_move(self):
        """Post the entry that pays this payment's share of its order's invoice: the customer's
        receivable is credited, the method's counterpart debited (the other way round for a
        negative payment)."""
        self.ensure_one()
        order = self.pos_order_id
        company = order.company_id
        session = order.session_id
        partner = self.env["res.partner"]._find_accounting_partner(self.partner_id)
        receivable = partner.with_company(company).property_account_receivable_id
        counterpart, label = self._chain_invoice_counterpart()
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
                {"account_id": counterpart.id, "partner_id": partner.id, "name": label},
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

    def _chain_invoice_counterpart(self):
        """The account this payment's invoice share is booked against, and the entry's label.
        Each addon that adds a settling method answers for its own (chain_wallet: the
        member-deposit liability; chain_loyalty: the points redemption expense)."""
        raise NotImplementedError(self.payment_method_id.name)
