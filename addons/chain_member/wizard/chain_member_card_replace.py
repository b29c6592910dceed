from odoo import fields, models


class ChainMemberCardReplace(models.TransientModel):
    _name = "chain.member.card.replace"
    _inherit = "chain.member.card.wizard"
    _description = "Replace a Member Card"

    kind = fields.Selection(
        selection=lambda self: self.env["chain.member.card"]._fields["kind"].selection,
        required=True,
        default="electronic",
    )
    number = fields.Char(help="Number of the pre-printed new card; empty for the next number.")
    fee_product_id = fields.Many2one("product.product", string="Replacement Fee")

    def action_confirm(self):
        self._check_reason()
        new_card = self.card_id._replace(
            self.reason,
            kind=self.kind,
            number=(self.number or "").strip() or None,
            store=self.store_id,
        )
        fee = self._create_fee_invoice(new_card.partner_id, self.fee_product_id, self.store_id)
        new_card._write_operation({"fee_move_id": fee.id})
        return {
            "type": "ir.actions.act_window",
            "res_model": "chain.member.card",
            "res_id": new_card.id,
            "views": [(False, "form")],
        }
