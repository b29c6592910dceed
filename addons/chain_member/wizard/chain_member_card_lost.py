from odoo import models


class ChainMemberCardLost(models.TransientModel):
    _name = "chain.member.card.lost"
    _inherit = "chain.member.card.wizard"
    _description = "Report a Member Card Lost"

    def action_confirm(self):
        self._check_reason()
        self.card_id._report_lost(self.reason, store=self.store_id)
        return self._close()
