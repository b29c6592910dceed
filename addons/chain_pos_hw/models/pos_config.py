from urllib.parse import urlsplit

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, ValidationError

# The fields the POS needs in the browser to talk to the hardware proxy.
CHAIN_HW_POS_FIELDS = [
    "chain_hw_proxy_url",
    "chain_hw_proxy_token",
    "chain_hw_cashdrawer",
    "chain_hw_customer_display",
]
# Who sets up a till's devices (cashiers may write pos.config for their session's needs, but
# never where the till sends its receipts, nor the proxy's token).
POS_MANAGER = "point_of_sale.group_pos_manager"
CHAIN_HW_ADDRESS_FIELDS = ("chain_hw_proxy_url", "chain_hw_proxy_token")


class PosConfig(models.Model):
    _inherit = "pos.config"

    chain_hw_proxy_url = fields.Char(
        string="Hardware Proxy URL",
        help="Address of the hardware proxy on the till, e.g. http://127.0.0.1:8070. "
        "Leave empty to print from the browser.",
    )
    chain_hw_proxy_token = fields.Char(
        string="Hardware Proxy Token",
        help="The shared token set in the hardware proxy's configuration file.",
    )
    chain_hw_cashdrawer = fields.Boolean(
        string="Cash Drawer on the Proxy",
        default=True,
        help="Open the cash drawer wired to the proxy's receipt printer on cash payments "
        "and cash moves.",
    )
    chain_hw_customer_display = fields.Boolean(
        string="Customer Display on the Proxy",
        default=True,
        help="Show the order on the proxy's pole display and web customer display.",
    )

    @api.constrains("chain_hw_proxy_url")
    def _check_chain_hw_proxy_url(self):
        for config in self.filtered("chain_hw_proxy_url"):
            url = urlsplit(config.chain_hw_proxy_url.strip())
            if (
                url.scheme not in ("http", "https")
                or not url.hostname
                or url.path not in ("", "/")
                or url.query
            ):
                raise ValidationError(
                    _(
                        "The hardware proxy URL must look like http://127.0.0.1:8070, "
                        "not %(url)s.",
                        url=config.chain_hw_proxy_url,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        if not self._chain_hw_may_configure() and any(
            vals.get(name) for vals in vals_list for name in CHAIN_HW_ADDRESS_FIELDS
        ):
            raise AccessError(_("Only point of sale managers set up a till's hardware proxy."))
        return super().create(vals_list)

    def write(self, vals):
        """The hardware proxy settings change by a POS manager (or the server) only: a cashier
        (who may write pos.config) could else send another till's receipts and proxy token to
        a machine of their choosing. A value that changes nothing (a form saving every field)
        passes."""
        if not self._chain_hw_may_configure() and any(
            name in vals and any(config[name] != (vals[name] or False) for config in self)
            for name in CHAIN_HW_POS_FIELDS
        ):
            raise AccessError(_("Only point of sale managers set up a till's hardware proxy."))
        return super().write(vals)

    @api.model
    def _chain_hw_may_configure(self):
        return self.env.su or self.env.user.has_group(POS_MANAGER)

    @api.model
    def _load_pos_data_fields(self, config_id):
        fields_list = super()._load_pos_data_fields(config_id)
        # An empty list loads every field: only an explicit list needs ours.
        if fields_list:
            fields_list += [name for name in CHAIN_HW_POS_FIELDS if name not in fields_list]
        return fields_list
