import { _t } from "@web/core/l10n/translation";
import { Component, useRef, useState, onMounted } from "@odoo/owl";
import { Dialog } from "@web/core/dialog/dialog";

/**
 * Asks the cashier for the code the member received by SMS for a large payment from the
 * balance. Its payload is ``{ code }`` or ``{ resend: true }``; closing it gives nothing (the
 * payment line is then not accepted). The server's last answer is shown until the cashier
 * types again.
 */
export class SmsCodeDialog extends Component {
    static template = "chain_sms.SmsCodeDialog";
    static components = { Dialog };
    static props = {
        message: { type: String, optional: true },
        isError: { type: Boolean, optional: true },
        mobileTail: { type: String, optional: true },
        getPayload: Function,
        close: Function,
    };

    setup() {
        this.state = useState({ code: "", message: this.props.message || "", isError: !!this.props.isError });
        this.input = useRef("code");
        onMounted(() => this.input.el?.focus());
    }

    get title() {
        return _t("SMS verification code");
    }

    get canConfirm() {
        return /^\d{4,8}$/.test(this.state.code.trim());
    }

    onInput(ev) {
        this.state.code = ev.target.value;
        if (this.state.isError) {
            this.state.message = "";
            this.state.isError = false;
        }
    }

    onKeydown(ev) {
        if (ev.key === "Enter" && this.canConfirm) {
            this.confirm();
        }
    }

    confirm() {
        this.props.getPayload({ code: this.state.code.trim() });
        this.props.close();
    }

    resend() {
        this.props.getPayload({ resend: true });
        this.props.close();
    }

    cancel() {
        this.props.close();
    }
}
