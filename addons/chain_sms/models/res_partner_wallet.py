import inspect

from odoo import _, api, models
from odoo.exceptions import AccessError, UserError

from odoo.addons.chain_member.tools.amounts import check_amount

# the longest code a till may send (a code is six digits; anything longer is not one)
MAX_CODE_LENGTH = 16


class ResPartner(models.Model):
    """An SMS code for large stored-value payments at the till.

    When the store's company enables it, ``chain_wallet_authorize`` answers a payment whose
    order takes at least the threshold from the balance with ``sms_code_required`` and sends a
    code to the member's mobile; the till asks the member for it and calls again with
    ``sms_code``. The code is bound to the order (its uuid, matched exactly), the member and
    the order's total from the balance; the confirmed code is the proof the order sync looks
    for (``pos.order._chain_check_sms_confirmation``, which recomputes that total from the
    order's payments), so a browser that skips the step, or shapes the order, has it refused.

    While the member has a card reported lost, chain_member asks for the payment PIN; a member
    who has no PIN confirms with an SMS code instead, which yields the same token.
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
        """As chain_member's (the caller's role and store, the amounts, the card, the balance,
        the PIN), plus the SMS code.

        :param sms_code: the code the member read from their phone (six digits)
        :param sms_resend: send a new code (the previous one stops working)
        :param wallet_paid: what other stored-value lines of the same order already take; the
            threshold applies to ``amount + wallet_paid``. The till says it, but the order
            sync recomputes the total from the order itself, so a lower figure here only gets
            a code that does not cover the order
        :return: chain_member's answer, or ``{"ok": False, "sms_code_required": True,
            "sms_error", "message", "mobile_tail"}`` while the code is missing or wrong
        """
        try:
            amount = check_amount(self.env, amount, _("The payment from the stored value"))
            if not self.env["chain.sms.verification"]._payment_reference(order_uuid):
                raise UserError(_("The order reference sent by the till is not valid."))
            sms_code = self._chain_wallet_sms_code_arg(sms_code)
            wallet_paid = check_amount(
                self.env, wallet_paid or 0.0, _("What the order's other stored-value payments take")
            )
            if wallet_paid < 0:
                raise UserError(
                    _("What the order's other stored-value payments take cannot be negative.")
                )
        except UserError as error:
            return {"ok": False, "message": str(error.args[0])}
        result = super().chain_wallet_authorize(
            partner_id,
            amount,
            order_uuid,
            config_id,
            pin=pin,
            card_number=card_number,
            **self._chain_wallet_super_kwargs(wallet_paid=wallet_paid),
        )
        lost_without_pin = bool(result.get("card_lost") and result.get("pin_missing"))
        if not result.get("ok") and not lost_without_pin:
            return result
        # chain_member checked the caller, the amounts, the card and the balance: the values
        # below are the ones it accepted
        partner = self.browse(partner_id).sudo()
        store = self.env["pos.config"].browse(config_id).sudo().chain_store_id
        currency = store.company_id.currency_id
        total = currency.round(amount + wallet_paid)
        Verification = self.env["chain.sms.verification"]
        if lost_without_pin:
            if not partner.mobile:
                return result
        elif not Verification._payment_requires_code(partner, total, store):
            return result
        extra = {"card_lost": True} if lost_without_pin else {}
        try:
            if sms_code and not sms_resend:
                return self._chain_wallet_sms_check(
                    partner, order_uuid, total, store, sms_code, dict(result, ok=True), extra
                )
            with self.env.cr.savepoint():  # a refused request leaves no code behind
                self._chain_wallet_sms_send(partner, total, order_uuid, store, sms_resend)
        except (UserError, AccessError) as error:
            return self._chain_wallet_sms_answer(partner, str(error.args[0]), True, extra)
        if lost_without_pin:
            message = _(
                "This member's card was reported lost and the member has no payment PIN: a "
                "verification code was sent to the member's mobile ending %(tail)s.",
                tail=partner._chain_sms_mobile_tail(),
            )
        else:
            message = _(
                "A verification code was sent to the member's mobile ending %(tail)s.",
                tail=partner._chain_sms_mobile_tail(),
            )
        return self._chain_wallet_sms_answer(partner, message, False, extra)

    # -- helpers -------------------------------------------------------------------------------
    def _chain_wallet_super_kwargs(self, **kwargs):
        """The keyword arguments chain_member's ``chain_wallet_authorize`` takes among
        ``kwargs`` (``wallet_paid`` arrives with chain_member's token over the order's
        total)."""
        parameters = inspect.signature(super().chain_wallet_authorize).parameters
        if any(p.kind == p.VAR_KEYWORD for p in parameters.values()):
            return kwargs
        return {key: value for key, value in kwargs.items() if key in parameters}

    @api.model
    def _chain_wallet_sms_code_arg(self, sms_code):
        """The code the till sent, stripped (None when none), or a UserError."""
        if sms_code in (None, False, ""):
            return None
        if not isinstance(sms_code, str) or len(sms_code) > MAX_CODE_LENGTH:
            raise UserError(_("The verification code is the 6 digits of the SMS."))
        return sms_code.strip() or None

    def _chain_wallet_sms_send(self, partner, total, order_uuid, store, resend):
        """Send a code for this order and total unless one is already on its way (no resend
        asked)."""
        Verification = self.env["chain.sms.verification"]
        if not resend and Verification._pending_payment_code(partner, order_uuid, total, store):
            return
        Verification._request_payment_code(partner, total, order_uuid, store=store)

    def _chain_wallet_sms_check(self, partner, order_uuid, total, store, code, result, extra):
        Verification = self.env["chain.sms.verification"]
        confirmed, refusal = Verification._check_payment_code(
            partner, order_uuid, code, total, store=store
        )
        if confirmed:
            # the same token as a PIN check (over the order's total from the balance), so that
            # the sync's PIN rule keeps holding
            answer = {key: value for key, value in result.items() if key not in ("message",)}
            answer.pop("pin_required", None)
            answer.pop("pin_missing", None)
            answer.pop("card_lost", None)
            return dict(answer, ok=True, token=partner._chain_wallet_token(order_uuid, total))
        return self._chain_wallet_sms_answer(partner, refusal, True, extra)

    @api.model
    def _chain_wallet_sms_answer(self, partner, message, error=False, extra=None):
        return {
            "ok": False,
            "sms_code_required": True,
            "sms_error": error,
            "message": message,
            "mobile_tail": partner._chain_sms_mobile_tail(),
            **(extra or {}),
        }

    def _chain_sms_mobile_tail(self):
        self.ensure_one()
        digits = "".join(ch for ch in self.sudo().mobile or "" if ch.isdigit())
        return digits[-4:]
