from odoo import _, fields, models

from odoo.addons.chain_member.tools.amounts import check_amount


class ChainWalletTransfer(models.TransientModel):
    _name = "chain.wallet.transfer.wizard"
    _inherit = "chain.wallet.operation"
    _description = "Transfer Stored Value"

    target_partner_id = fields.Many2one(
        "res.partner", string="To Member", required=True, domain=[("is_member", "=", True)]
    )
    amount = fields.Monetary(required=True)
    reason = fields.Char(required=True)

    def action_confirm(self):
        self.ensure_one()
        self.partner_id._chain_wallet_account(self.store_id)._transfer(
            self.target_partner_id,
            check_amount(self.env, self.amount, _("The transfer")),
            self.reason,
            store=self.store_id,
            key=self._key("transfer"),
        )
        return self._close()
