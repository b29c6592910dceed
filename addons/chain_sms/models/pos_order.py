from odoo import _, models
from odoo.exceptions import UserError


class PosOrder(models.Model):
    """The order sync refuses a large payment from the balance that no SMS code confirmed.

    The till asks for the code before it accepts the payment line (``res.partner.
    chain_wallet_authorize``); this check is the server's own, so a till that skips the step
    (an old browser tab, a crafted request) cannot take the money.
    """

    _inherit = "pos.order"

    def _chain_apply_wallet_payments(self, partner, store, key):
        self._chain_check_sms_confirmation(partner, store)
        return super()._chain_apply_wallet_payments(partner, store, key)

    def _chain_check_sms_confirmation(self, partner, store):
        """Refuse the order when its payments from the balance reach the threshold and no SMS
        code confirmed them: the total is the order's own (the sum of its positive
        stored-value payments, whatever the number of lines), and the code must be the
        member's, for exactly this order's uuid, for at least that total, and taken by no other
        order (``chain.sms.verification._payment_confirmed``)."""
        payments = self.payment_ids.filtered(
            lambda p: p.payment_method_id.chain_wallet and p.amount > 0
        )
        if not payments or not partner:
            return
        currency = store.company_id.currency_id
        total = currency.round(sum(payments.mapped("amount")))
        Verification = self.env["chain.sms.verification"]
        if not Verification._payment_requires_code(partner, total, store):
            return
        if not Verification._payment_confirmed(partner, self, total, store):
            raise UserError(
                _(
                    "The payment of %(amount)s from the stored value of %(member)s was not "
                    "confirmed with the code sent to the member's mobile.",
                    amount=currency.format(total),
                    member=partner.display_name,
                )
            )
