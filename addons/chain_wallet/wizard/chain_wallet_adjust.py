from odoo import _, fields, models

from odoo.addons.chain_member.tools.amounts import check_amount


class ChainWalletAdjust(models.TransientModel):
    _name = "chain.wallet.adjust.wizard"
    _inherit = "chain.wallet.operation"
    _description = "Adjust Stored Value"

    principal = fields.Monetary(
        string="Principal Change", help="Positive credits, negative debits."
    )
    bonus = fields.Monetary(string="Bonus Change", help="Positive credits, negative debits.")
    counterpart_account_id = fields.Many2one(
        "account.account",
        domain="[('company_ids', 'in', company_id)]",
        help="Empty: the company's stored-value bonus (promotion) account.",
    )
    reason = fields.Char(required=True)

    def action_confirm(self):
        self.ensure_one()
        self.partner_id._chain_wallet_account(self.store_id)._adjust(
            principal=check_amount(self.env, self.principal, _("The principal adjustment")),
            bonus=check_amount(self.env, self.bonus, _("The bonus adjustment")),
            reason=self.reason,
            store=self.store_id,
            key=self._key("adjust"),
            counterpart_account=self.counterpart_account_id or None,
        )
        return self._close()
