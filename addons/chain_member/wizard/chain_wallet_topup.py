from odoo import api, fields, models


class ChainWalletTopup(models.TransientModel):
    _name = "chain.wallet.topup.wizard"
    _inherit = "chain.wallet.operation"
    _description = "Top Up Stored Value"

    amount = fields.Monetary(required=True)
    journal_id = fields.Many2one(
        "account.journal",
        string="Paid By",
        required=True,
        domain="[('type', 'in', ('cash', 'bank')), ('company_id', '=', company_id)]",
    )
    bonus = fields.Monetary(compute="_compute_bonus", string="Bonus Earned")
    bonus_points = fields.Float(compute="_compute_bonus", string="Points Earned")
    rule_name = fields.Char(compute="_compute_bonus", string="Bonus Rule")
    reason = fields.Char(string="Note")

    @api.depends("amount", "partner_id", "store_id")
    def _compute_bonus(self):
        for wizard in self:
            preview = {"bonus": 0.0, "points": 0.0, "rule": ""}
            if wizard.amount > 0 and wizard.partner_id and wizard.store_id:
                preview = wizard.partner_id.chain_wallet_preview_bonus(
                    wizard.amount, store=wizard.store_id, partner=wizard.partner_id
                )
            wizard.bonus = preview["bonus"]
            wizard.bonus_points = preview["points"]
            wizard.rule_name = preview["rule"]

    def action_confirm(self):
        self.ensure_one()
        self.partner_id._chain_wallet_topup(
            self.amount,
            store=self.store_id,
            journal=self.journal_id,
            key=self._key("topup"),
            reason=self.reason,
        )
        return self._close()
