from odoo import models


class ChainWalletAccount(models.Model):
    _inherit = "chain.wallet.account"

    def _withdraw(self, amount, journal, reason, store=None, key=None):
        """A withdrawal also claws back the commission of the top-ups it pays out
        (``chain.wallet.transaction._chain_commission_claw_back``), in the same transaction."""
        line = super()._withdraw(amount, journal, reason, store=store, key=key)
        line._chain_commission_claw_back()
        return line
