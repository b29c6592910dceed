from odoo import _, fields, models


class ChainCountCardUse(models.TransientModel):
    _name = "chain.count.card.use.wizard"
    _inherit = ["chain.count.card.use.wizard", "chain.wallet.staff.share.mixin"]

    chain_staff_share_ids = fields.One2many(
        "chain.wallet.staff.share.input",
        "use_wizard_id",
        string="Staff",
        help="Who performed the service (技师), and their shares (percent, adding up to 100). "
        "Nobody: your own employee in the store.",
    )

    def action_confirm(self):
        """The shares are checked before the use and recorded with it, in one transaction: a
        refused share leaves the card untouched."""
        self.ensure_one()
        service = self.service_id or self.package_id.service_ids[:1] or self.package_id.product_id
        shares = self._chain_staff_shares(self.store_id, service.display_name or _("the service"))
        result = super().action_confirm()
        line = self.env["chain.count.card.move"]._find_by_key(f"wizard:use:{self._name}:{self.id}")
        line._chain_commission_post(shares)
        return result
