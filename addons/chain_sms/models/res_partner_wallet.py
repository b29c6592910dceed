from odoo import _, api, models
from odoo.exceptions import UserError


class ResPartner(models.Model):
    """An SMS code for large stored-value payments at the till.

    When the store's company enables it, ``chain_wallet_authorize`` answers a payment at or
    above the threshold with ``sms_code_required`` and sends a code to the member's mobile; the
    till asks the member for it and calls again with ``sms_code``. The confirmed code is the
    proof the order sync looks for (``pos.order._chain_check_sms_confirmation``), so a browser
    that skips the step has its order refused.
    """

    _inherit = "res.partner"

    @api.model
    def chain_wallet_authorize(
        self,
        partner_id,
        amount,
        order_uuid,
        config_id,
        pin=None,
        card_number=False,
        sms_code=None,
        sms_resend=False,
        wallet_paid=0.0,
    ):
        """As chain_member's, plus the SMS code of large payments.

        :param sms_code: the code the member read from their phone
        :param sms_resend: send a new code (the previous one stops working)
        :param wallet_paid: what other stored-value lines of the same order already take; the
            threshold applies to the order's total from the balance, so splitting a payment in
            two lines does not avoid the code
        :return: chain_member's answer, or ``{"ok": False, "sms_code_required": True,
            "message", "mobile_tail"}`` while the code is missing or wrong
        """
        result = super().chain_wallet_authorize(
            partner_id, amount, order_uuid, config_id, pin=pin, card_number=card_number
        )
        if not result.get("ok"):
            return result
        partner = self.browse(partner_id)
        store = self.env["pos.config"].browse(config_id).chain_store_id
        total = (amount or 0.0) + max(wallet_paid or 0.0, 0.0)
        Verification = self.env["chain.sms.verification"]
        if not Verification.payment_requires_code(partner, total, store):
            return result
        reference = Verification._payment_reference(order_uuid, total, store)
        try:
            if sms_code and not sms_resend:
                return self._chain_wallet_sms_check(
                    partner, amount, order_uuid, reference, sms_code, result
                )
            with self.env.cr.savepoint():  # a refused request leaves no code behind
                self._chain_wallet_sms_send(partner, total, reference, store, sms_resend)
        except UserError as error:
            return self._chain_wallet_sms_answer(partner, str(error.args[0]), error=True)
        return self._chain_wallet_sms_answer(
            partner,
            _(
                "A verification code was sent to the member's mobile ending %(tail)s.",
                tail=partner._chain_sms_mobile_tail(),
            ),
        )

    # -- helpers -------------------------------------------------------------------------------
    def _chain_wallet_sms_send(self, partner, total, reference, store, resend):
        """Send a code for ``reference`` unless one is already on its way (no resend asked)."""
        Verification = self.env["chain.sms.verification"]
        if not resend and Verification._pending_payment_code(partner, reference):
            return
        Verification.request_payment_code(partner, total, reference, store=store)

    def _chain_wallet_sms_check(self, partner, amount, order_uuid, reference, code, result):
        Verification = self.env["chain.sms.verification"]
        if Verification.check_payment_code(partner, reference, code.strip()):
            # the same token as a PIN check, so that the sync's PIN rule keeps holding
            return dict(result, token=partner._chain_wallet_token(order_uuid, amount))
        return self._chain_wallet_sms_answer(
            partner, Verification._payment_code_refusal(partner, reference), error=True
        )

    @api.model
    def _chain_wallet_sms_answer(self, partner, message, error=False):
        return {
            "ok": False,
            "sms_code_required": True,
            "sms_error": error,
            "message": message,
            "mobile_tail": partner._chain_sms_mobile_tail(),
        }

    def _chain_sms_mobile_tail(self):
        self.ensure_one()
        digits = "".join(ch for ch in self.sudo().mobile or "" if ch.isdigit())
        return digits[-4:]
