from odoo import _, fields, models


class PosPayment(models.Model):
    _inherit = "pos.payment"

    def _create_payment_moves(self, is_reverse=False):
        """An invoiced order paid from the balance: the payment clears the invoice's receivable
        against the member-deposit liability (stock Odoo posts nothing for a method without a
        journal and would leave the invoice open).

        When the order is invoiced after its session was closed (``is_reverse``), the closing
        entry already debited the liability: the reversal of the closing entry settles the
        invoice instead (``pos.order._prepare_aml_values_list_per_nature``), so the liability
        moves once."""
        wallet = self.filtered(lambda payment: payment.payment_method_id.chain_wallet)
        result = super(PosPayment, self - wallet)._create_payment_moves(is_reverse)
        if is_reverse:
            return result
        for payment in wallet:
            order = payment.pos_order_id
            currency = order.currency_id
            if currency.is_zero(payment.amount):
                continue
            company = order.company_id
            partner = self.env["res.partner"]._find_accounting_partner(payment.partner_id)
            receivable = partner.with_company(company).property_account_receivable_id
            liability = company._chain_wallet_accounts()["liability"]
            amount = abs(payment.amount)
            debit, credit = (
                (liability, receivable) if payment.amount > 0 else (receivable, liability)
            )
            label = _("%(order)s paid from the stored value", order=order.name)
            move = (
                self.env["account.move"]
                .with_company(company)
                .create(
                    {
                        "journal_id": order.session_id.config_id.journal_id.id,
                        "date": fields.Date.context_today(order, order.date_order),
                        "ref": label,
                        "pos_payment_ids": payment.ids,
                        "line_ids": [
                            fields.Command.create(
                                {
                                    "account_id": debit.id,
                                    "debit": amount,
                                    "partner_id": partner.id,
                                    "name": label,
                                }
                            ),
                            fields.Command.create(
                                {
                                    "account_id": credit.id,
                                    "credit": amount,
                                    "partner_id": partner.id,
                                    "name": label,
                                }
                            ),
                        ],
                    }
                )
            )
            move._post()
            payment.write({"account_move_id": move.id})
            result |= move
        return result
