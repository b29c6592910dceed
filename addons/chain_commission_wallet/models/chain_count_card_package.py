from odoo import models


class ChainCountCardPackage(models.Model):
    _inherit = "chain.count.card.package"

    def _chain_count_card_refund(self, journal, reason, store=None, key=None):
        """A refund of the unused uses also claws back the commission of the card's sales and
        renewals (``chain.count.card.move._chain_commission_claw_back``), in the same
        transaction."""
        line = super()._chain_count_card_refund(journal, reason, store=store, key=key)
        line._chain_commission_claw_back()
        return line
