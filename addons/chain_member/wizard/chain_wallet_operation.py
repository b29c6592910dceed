from odoo import api, fields, models


class ChainWalletOperation(models.AbstractModel):
    """What every stored-value operation asks: which member, in which store. Each wizard
    record posts under its own idempotency key, so a double click posts once."""

    _name = "chain.wallet.operation"
    _description = "Stored-Value Operation"

    partner_id = fields.Many2one(
        "res.partner", string="Member", required=True, domain=[("is_member", "=", True)]
    )
    store_id = fields.Many2one(
        "chain.store",
        required=True,
        default=lambda self: self.env.user._chain_default_store(),
    )
    company_id = fields.Many2one(related="store_id.company_id")
    currency_id = fields.Many2one(related="store_id.company_id.currency_id")
    wallet_principal = fields.Monetary(compute="_compute_wallet", string="Principal")
    wallet_bonus = fields.Monetary(compute="_compute_wallet", string="Bonus")
    wallet_balance = fields.Monetary(compute="_compute_wallet", string="Balance")

    @api.depends("partner_id", "store_id")
    def _compute_wallet(self):
        for wizard in self:
            partner = wizard.partner_id.with_company(wizard.company_id or self.env.company)
            wizard.wallet_principal = partner.wallet_principal
            wizard.wallet_bonus = partner.wallet_bonus
            wizard.wallet_balance = partner.wallet_balance

    def _key(self, operation):
        self.ensure_one()
        return f"wizard:{operation}:{self._name}:{self.id}"

    def _close(self):
        return {"type": "ir.actions.act_window_close"}
