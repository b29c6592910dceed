import { _t } from "@web/core/l10n/translation";
import { patch } from "@web/core/utils/patch";
import { AlertDialog } from "@web/core/confirmation_dialog/confirmation_dialog";
import { ControlButtons } from "@point_of_sale/app/screens/product_screen/control_buttons/control_buttons";
import { SelectionPopup } from "@point_of_sale/app/utils/input_popups/selection_popup";
import { makeAwaitable } from "@point_of_sale/app/store/make_awaitable_dialog";

const PACKAGE_FIELDS = ["name", "partner_id", "product_id", "service_ids", "uses_remaining", "date_expiry", "state"];
const TIMER_FIELDS = ["partner_id", "product_id", "start", "stop", "units", "state"];

patch(ControlButtons.prototype, {
    _chainAlert(body) {
        this.dialog.add(AlertDialog, { title: _t("Member services"), body });
    },

    _chainSelect(title, list) {
        return makeAwaitable(this.dialog, SelectionPopup, { title, list });
    },

    /** Use a count card: a zero-priced line of the service that references the card. */
    async clickChainCountCard() {
        const order = this.pos.get_order();
        const partner = order.get_partner();
        if (!partner) {
            return this._chainAlert(_t("Select the member first."));
        }
        const packages = await this.pos.data.searchRead(
            "chain.count.card.package",
            [["partner_id", "=", partner.id], ["state", "=", "active"]],
            PACKAGE_FIELDS
        );
        if (!packages.length) {
            return this._chainAlert(_t("%s has no count card with uses left.", partner.name));
        }
        const card =
            packages.length === 1
                ? packages[0]
                : await this._chainSelect(
                      _t("Which count card?"),
                      packages.map((p) => ({
                          id: p.id,
                          label: _t("%(name)s (%(uses)s uses left)", { name: p.name, uses: p.uses_remaining }),
                          item: p,
                      }))
                  );
        if (!card) {
            return;
        }
        const services = (card.service_ids.length ? card.service_ids : [card.product_id]).filter(
            (product) => product && this.pos.models["product.product"].get(product.id)
        );
        if (!services.length) {
            return this._chainAlert(_t("The services of %s are not sold at this till.", card.name));
        }
        const service =
            services.length === 1
                ? services[0]
                : await this._chainSelect(
                      _t("Which service?"),
                      services.map((p) => ({ id: p.id, label: p.display_name, item: p }))
                  );
        if (!service) {
            return;
        }
        await this.pos.addLineToCurrentOrder(
            {
                product_id: service,
                price_unit: 0,
                qty: 1,
                chain_count_card_package_id: card,
            },
            {},
            false
        );
    },

    /** Start, stop and charge timed services (计时消费); the server keeps the clock. */
    async clickChainTimedService() {
        const order = this.pos.get_order();
        const partner = order.get_partner();
        if (!partner) {
            return this._chainAlert(_t("Select the member first."));
        }
        const timers = await this.pos.data.searchRead(
            "chain.timed.session",
            [["partner_id", "=", partner.id], ["state", "in", ["running", "stopped"]]],
            TIMER_FIELDS
        );
        const choices = [];
        for (const timer of timers) {
            const label =
                timer.state === "running"
                    ? _t("Stop %s", timer.product_id.display_name)
                    : _t("Charge %(service)s: %(units)s units", {
                          service: timer.product_id.display_name,
                          units: timer.units,
                      });
            choices.push({ id: `timer-${timer.id}`, label, item: { timer } });
        }
        for (const product of this.pos.models["product.product"].filter((p) => p.chain_timed_service)) {
            choices.push({ id: `start-${product.id}`, label: _t("Start %s", product.display_name), item: { product } });
        }
        if (!choices.length) {
            return this._chainAlert(_t("No timed service is sold at this till."));
        }
        const choice = await this._chainSelect(_t("Timed services"), choices);
        if (!choice) {
            return;
        }
        if (choice.product) {
            await this.pos.data.call("chain.timed.session", "chain_timer_start", [
                partner.id,
                choice.product.id,
                this.pos.config.id,
            ]);
            return this.notification.add(_t("%s started.", choice.product.display_name));
        }
        let timer = choice.timer;
        if (timer.state === "running") {
            await this.pos.data.call("chain.timed.session", "chain_timer_stop", [[timer.id]]);
            [timer] = await this.pos.data.read("chain.timed.session", [timer.id], TIMER_FIELDS);
        }
        await this.pos.addLineToCurrentOrder(
            { product_id: timer.product_id, qty: timer.units, chain_timed_session_id: timer },
            {},
            false
        );
    },
});
