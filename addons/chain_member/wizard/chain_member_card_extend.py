from odoo import fields, models


class ChainMemberCardExtend(models.TransientModel):
    _name = "chain.member.card.extend"
    _inherit = "chain.member.card.wizard"
    _description = "Extend a Member Card"

    new_expiry_date = fields.Date(string="Valid Until", required=True)

    def action_confirm(self):
        self._check_reason()
        self.card_id._extend(self.new_expiry_date, self.reason, store=self.store_id)
        return self._close()
