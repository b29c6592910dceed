from odoo import _, api, fields, models
from odoo.exceptions import UserError


class ChainMemberCardWizard(models.AbstractModel):
    """What every card operation asks: which card, in which store, and why."""

    _name = "chain.member.card.wizard"
    _description = "Member Card Operation"

    card_id = fields.Many2one(
        "chain.member.card",
        required=True,
        default=lambda self: self.env.context.get("active_id")
        if self.env.context.get("active_model") == "chain.member.card"
        else False,
    )
    partner_id = fields.Many2one(related="card_id.partner_id")
    store_id = fields.Many2one(
        "chain.store",
        required=True,
        default=lambda self: self.env.user._chain_default_store(),
    )
    reason = fields.Char(required=True)

    def _check_reason(self):
        """The reason is given and the caller works in the store the operation names."""
        if not (self.reason or "").strip():
            raise UserError(_("Say why: the reason goes to the operation log."))
        self.env["res.users"]._chain_check_works_in(self.store_id)

    def _close(self):
        return {"type": "ir.actions.act_window_close"}

    @api.model
    def _create_fee_invoice(self, partner, product, store):
        """Invoice the member a card fee (issue or replacement), posted in the store's company."""
        if not product:
            return self.env["account.move"]
        move = (
            self.env["account.move"]
            .with_company(store.company_id)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "invoice_line_ids": [fields.Command.create({"product_id": product.id})],
                }
            )
        )
        move.action_post()
        return move
