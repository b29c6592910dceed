import { patch } from "@web/core/utils/patch";
import { makeAwaitable } from "@point_of_sale/app/store/make_awaitable_dialog";
import { ChainWalletPayment } from "@chain_wallet/wallet/payment_chain_wallet";
import { SmsCodeDialog } from "@chain_sms/wallet/sms_code_dialog";

/**
 * A large payment from the balance needs the code the member received by SMS (when the chain
 * enables it): the server answers ``sms_code_required``, the cashier enters the code (or has
 * a new one sent) and the authorisation is asked again with it. (chain_member's tender already
 * sends ``wallet_paid``, what the order's other stored-value lines take.)
 */
patch(ChainWalletPayment.prototype, {
    async _nextAuthorizeKwargs(result, kwargs) {
        if (!result.sms_code_required) {
            return super._nextAuthorizeKwargs(...arguments);
        }
        const answer = await makeAwaitable(this.env.services.dialog, SmsCodeDialog, {
            message: result.message || "",
            isError: !!result.sms_error,
            mobileTail: result.mobile_tail || "",
        });
        if (!answer) {
            return null;
        }
        if (answer.resend) {
            return { ...kwargs, sms_code: null, sms_resend: true };
        }
        return { ...kwargs, sms_code: answer.code, sms_resend: false };
    },
});
