from odoo import _, fields, models
from odoo.exceptions import UserError


class ChainWalletPin(models.TransientModel):
    _name = "chain.wallet.pin.wizard"
    _inherit = "chain.wallet.operation"
    _description = "Set the Payment PIN"

    pin = fields.Char(string="New PIN")
    pin_confirm = fields.Char(string="Repeat the PIN")

    def action_confirm(self):
        self.ensure_one()
        if self.pin != self.pin_confirm:
            raise UserError(_("The two PINs differ."))
        self.partner_id._chain_wallet_account(self.store_id)._set_pin(self.pin, store=self.store_id)
        return self._close()

    def action_unlock(self):
        self.ensure_one()
        self.partner_id._chain_wallet_account(self.store_id)._reset_pin_lock(store=self.store_id)
        return self._close()
