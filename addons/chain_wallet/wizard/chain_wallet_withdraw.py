from odoo import _, api, fields, models

from odoo.addons.chain_member.tools.amounts import check_amount


class ChainWalletWithdraw(models.TransientModel):
    _name = "chain.wallet.withdraw.wizard"
    _inherit = "chain.wallet.operation"
    _description = "Withdraw Stored Value"

    amount = fields.Monetary(required=True, help="Principal paid out; bonus is never paid out.")
    journal_id = fields.Many2one(
        "account.journal",
        string="Paid From",
        required=True,
        domain="[('type', 'in', ('cash', 'bank')), ('company_id', '=', company_id)]",
    )
    bonus_voided = fields.Monetary(compute="_compute_bonus_voided")
    reason = fields.Char(required=True)

    @api.depends("amount", "wallet_principal", "wallet_bonus")
    def _compute_bonus_voided(self):
        for wizard in self:
            principal = wizard.wallet_principal
            if not principal or wizard.amount <= 0:
                wizard.bonus_voided = 0.0
            elif wizard.amount >= principal:
                wizard.bonus_voided = wizard.wallet_bonus
            else:
                wizard.bonus_voided = wizard.currency_id.round(
                    wizard.wallet_bonus * wizard.amount / principal
                )

    def action_confirm(self):
        self.ensure_one()
        self.partner_id._chain_wallet_account(self.store_id)._withdraw(
            check_amount(self.env, self.amount, _("The withdrawal")),
            self.journal_id,
            self.reason,
            store=self.store_id,
            key=self._key("withdraw"),
        )
        return self._close()
