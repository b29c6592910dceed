from odoo import _, fields, models


class ChainWalletTopup(models.TransientModel):
    _name = "chain.wallet.topup.wizard"
    _inherit = ["chain.wallet.topup.wizard", "chain.wallet.staff.share.mixin"]

    chain_staff_share_ids = fields.One2many(
        "chain.wallet.staff.share.input",
        "topup_wizard_id",
        string="Staff",
        help="Who made the top-up (导购), and their shares (percent, adding up to 100). Nobody: "
        "your own employee in the store.",
    )

    def action_confirm(self):
        """The shares are checked before the top-up and recorded with it, in one transaction:
        a refused share leaves no top-up."""
        self.ensure_one()
        shares = self._chain_staff_shares(self.store_id, _("the top-up"))
        result = super().action_confirm()
        line = self.env["chain.wallet.transaction"]._find_by_key(self._key("topup"))
        line._chain_commission_post(shares)
        return result
