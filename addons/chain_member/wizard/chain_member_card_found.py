from odoo import models


class ChainMemberCardFound(models.TransientModel):
    _name = "chain.member.card.found"
    _inherit = "chain.member.card.wizard"
    _description = "Unblock a Member Card Found Again"

    def action_confirm(self):
        self._check_reason()
        self.card_id._found(self.reason, store=self.store_id)
        return self._close()
