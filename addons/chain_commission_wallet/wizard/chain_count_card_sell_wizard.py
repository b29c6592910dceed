from odoo import _, fields, models


class ChainCountCardSell(models.TransientModel):
    _name = "chain.count.card.sell.wizard"
    _inherit = ["chain.count.card.sell.wizard", "chain.wallet.staff.share.mixin"]

    chain_staff_share_ids = fields.One2many(
        "chain.wallet.staff.share.input",
        "sell_wizard_id",
        string="Staff",
        help="Who sold the count card (导购), and their shares (percent, adding up to 100). "
        "Nobody: your own employee in the store.",
    )

    def action_confirm(self):
        """The shares are checked before the sale or renewal and recorded with it, in one
        transaction: a refused share leaves no card sold."""
        self.ensure_one()
        shares = self._chain_staff_shares(
            self.store_id, self.product_id.display_name or _("the card")
        )
        result = super().action_confirm()
        key = self._key("renew" if self.package_id else "sell")
        line = self.env["chain.count.card.move"]._find_by_key(key)
        line._chain_commission_post(shares)
        return result
