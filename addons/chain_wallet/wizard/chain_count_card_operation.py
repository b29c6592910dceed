from odoo import fields, models


class ChainCountCardUse(models.TransientModel):
    """Use a count card from the backend (a service given outside a till)."""

    _name = "chain.count.card.use.wizard"
    _inherit = ["chain.wallet.input"]
    _description = "Use a Count Card"

    package_id = fields.Many2one("chain.count.card.package", string="Count Card", required=True)
    service_id = fields.Many2one("product.product")
    service_domain_ids = fields.Many2many(related="package_id.service_ids")
    uses = fields.Integer(default=1, required=True)
    store_id = fields.Many2one(
        "chain.store", required=True, default=lambda self: self.env.user._chain_default_store()
    )

    def action_confirm(self):
        self.ensure_one()
        self.package_id._chain_count_card_use(
            store=self.store_id,
            uses=self.uses,
            service=self.service_id or None,
            key=f"wizard:use:{self._name}:{self.id}",
        )
        return {"type": "ir.actions.act_window_close"}


class ChainCountCardRefund(models.TransientModel):
    """Refund the unused uses of a count card, pro rata (store managers)."""

    _name = "chain.count.card.refund.wizard"
    _inherit = ["chain.wallet.input"]
    _description = "Refund a Count Card"

    package_id = fields.Many2one("chain.count.card.package", string="Count Card", required=True)
    company_id = fields.Many2one(related="package_id.company_id")
    currency_id = fields.Many2one(related="package_id.currency_id")
    uses_remaining = fields.Integer(related="package_id.uses_remaining")
    value_remaining = fields.Monetary(related="package_id.value_remaining", string="Refund")
    journal_id = fields.Many2one(
        "account.journal",
        string="Paid From",
        required=True,
        domain="[('type', 'in', ('cash', 'bank')), ('company_id', '=', company_id)]",
    )
    store_id = fields.Many2one(
        "chain.store", required=True, default=lambda self: self.env.user._chain_default_store()
    )
    reason = fields.Char(required=True)

    def action_confirm(self):
        self.ensure_one()
        self.package_id._chain_count_card_refund(
            self.journal_id,
            self.reason,
            store=self.store_id,
            key=f"wizard:refund:{self._name}:{self.id}",
        )
        return {"type": "ir.actions.act_window_close"}
