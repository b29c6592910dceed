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
        payments = self.payment_ids.filtered(
            lambda p: p.payment_method_id.chain_wallet and p.amount > 0
        )
        total = sum(payments.mapped("amount"))
        if not payments or not partner:
            return
        Verification = self.env["chain.sms.verification"]
        if not Verification.payment_requires_code(partner, total, store):
            return
        if not Verification.payment_confirmed(partner, self.uuid, total, store):
            raise UserError(
                _(
                    "The payment of %(amount)s from the stored value of %(member)s was not "
                    "confirmed with the code sent to the member's mobile.",
                    amount=store.company_id.currency_id.format(total),
                    member=partner.display_name,
                )
            )
