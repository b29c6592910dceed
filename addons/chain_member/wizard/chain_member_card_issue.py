from odoo import fields, models


class ChainMemberCardIssue(models.TransientModel):
    _name = "chain.member.card.issue"
    _description = "Issue a Member Card"

    partner_id = fields.Many2one(
        "res.partner",
        string="Member",
        required=True,
        domain=[("is_member", "=", True)],
        default=lambda self: self.env.context.get("active_id")
        if self.env.context.get("active_model") == "res.partner"
        else False,
    )
    kind = fields.Selection(
        selection=lambda self: self.env["chain.member.card"]._fields["kind"].selection,
        required=True,
        default="electronic",
    )
    number = fields.Char(
        help="The number printed on a pre-printed card. Leave empty to give the next number."
    )
    expiry_date = fields.Date(
        default=lambda self: self.env["chain.member.card"]._default_expiry_date()
    )
    store_id = fields.Many2one(
        "chain.store", required=True, default=lambda self: self.env.user._chain_default_store()
    )
    fee_product_id = fields.Many2one(
        "product.product", string="Card Fee", help="Invoice the member this fee for the card."
    )

    def action_issue(self):
        self.ensure_one()
        self.env["res.users"]._chain_check_works_in(self.store_id)
        card = self.env["chain.member.card"].create(
            {
                "partner_id": self.partner_id.id,
                "kind": self.kind,
                "expiry_date": self.expiry_date,
                "store_id": self.store_id.id,
                **({"number": self.number.strip()} if self.number else {}),
            }
        )
        card._activate(store=self.store_id)
        fee = self.env["chain.member.card.wizard"]._create_fee_invoice(
            self.partner_id, self.fee_product_id, self.store_id
        )
        card._write_operation({"fee_move_id": fee.id})
        return {
            "type": "ir.actions.act_window",
            "res_model": "chain.member.card",
            "res_id": card.id,
            "views": [(False, "form")],
        }
