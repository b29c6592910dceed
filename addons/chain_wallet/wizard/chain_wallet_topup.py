import logging

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.chain_member.tools.amounts import check_amount

_logger = logging.getLogger(__name__)


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
                try:
                    preview = wizard.partner_id.chain_wallet_preview_bonus(
                        wizard.amount, store=wizard.store_id, partner=wizard.partner_id
                    )
                except UserError as error:  # not the user's store, over the ceiling
                    _logger.debug("no top-up bonus preview: %s", error)
            wizard.bonus = preview["bonus"]
            wizard.bonus_points = preview["points"]
            wizard.rule_name = preview["rule"]

    def action_confirm(self):
        """Top up at the list value: the member pays ``amount`` and receives ``amount`` (plus
        the rule's bonus); the service checks the role and store, the journal and the
        ceiling."""
        self.ensure_one()
        amount = check_amount(self.env, self.amount, _("The top-up"))
        if amount <= 0:
            raise UserError(_("A top-up needs a positive amount."))
        self.partner_id._chain_wallet_account(self.store_id)._topup(
            amount,
            store=self.store_id,
            journal=self.journal_id,
            key=self._key("topup"),
            reason=self.reason,
        )
        return self._close()
