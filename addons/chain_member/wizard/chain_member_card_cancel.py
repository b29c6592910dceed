from odoo import models


class ChainMemberCardCancel(models.TransientModel):
    _name = "chain.member.card.cancel"
    _inherit = "chain.member.card.wizard"
    _description = "Cancel a Member Card"

    def action_confirm(self):
        self._check_reason()
        self.card_id._cancel(self.reason, store=self.store_id)
        return self._close()
