import { _t } from "@web/core/l10n/translation";
import { Component, useState } from "@odoo/owl";
import { Dialog } from "@web/core/dialog/dialog";
import { useService } from "@web/core/utils/hooks";
import { usePos } from "@point_of_sale/app/store/pos_hook";

/** Quick registration at the till: name and mobile; the new member is set on the order. */
export class ChainQuickRegisterDialog extends Component {
    static template = "chain_member.ChainQuickRegisterDialog";
    static components = { Dialog };
    static props = { close: Function };

    setup() {
        this.pos = usePos();
        this.notification = useService("notification");
        this.state = useState({ name: "", mobile: "", error: "", busy: false });
    }

    async confirm() {
        if (this.state.busy) {
            return;
        }
        if (!this.state.name.trim() || !this.state.mobile.trim()) {
            this.state.error = _t("A member needs a name and a mobile number.");
            return;
        }
        this.state.busy = true;
        try {
            const result = await this.pos.data.call("res.partner", "chain_pos_register", [
                { name: this.state.name.trim(), mobile: this.state.mobile.trim() },
                this.pos.config.id,
            ]);
            const [partner] = this.pos.chainLoadPartners(result["res.partner"]);
            this.pos.chainMembers[partner.id] = result.summary;
            this.pos.chainSetMember(partner);
            this.props.close();
        } catch (error) {
            this.state.error =
                error?.data?.message || _t("The member could not be registered (no connection?).");
        } finally {
            this.state.busy = false;
        }
    }

    onKeydown(ev) {
        if (ev.key === "Enter") {
            this.confirm();
        }
    }
}
