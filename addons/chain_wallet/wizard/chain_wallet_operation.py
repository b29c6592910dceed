from odoo import _, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.chain_member.tools.amounts import check_amount


class ChainWalletInput(models.AbstractModel):
    """The amounts and counts a backend wizard receives are read through ``check_amount`` when
    the wizard is saved: ``'abc'``, NaN, infinity or an amount above the chain's ceiling get a
    clear UserError at once, instead of a Python error in the ORM or a surprise at confirm."""

    _name = "chain.wallet.input"
    _description = "Stored-Value Wizard Input"

    @api.model_create_multi
    def create(self, vals_list):
        return super().create([self._chain_clean_input(vals) for vals in vals_list])

    def write(self, vals):
        return super().write(self._chain_clean_input(vals))

    @api.model
    def _chain_clean_input(self, vals):
        vals = dict(vals)
        for name, value in vals.items():
            field = self._fields.get(name)
            if not field or field.type not in ("monetary", "float", "integer"):
                continue
            label = field._description_string(self.env)
            number = check_amount(self.env, value or 0, label)
            if field.type == "integer":
                if number != int(number):
                    raise UserError(_("%(label)s must be a whole number.", label=label))
                number = int(number)
            vals[name] = number
        return vals


class ChainWalletOperation(models.AbstractModel):
    """What every stored-value operation asks: which member, in which store. Each wizard
    record posts under its own idempotency key, so a double click posts once."""

    _name = "chain.wallet.operation"
    _inherit = ["chain.wallet.input"]
    _description = "Stored-Value Operation"

    partner_id = fields.Many2one(
        "res.partner", string="Member", required=True, domain=[("is_member", "=", True)]
    )
    store_id = fields.Many2one(
        "chain.store",
        required=True,
        default=lambda self: self.env.user._chain_default_store(),
    )
    company_id = fields.Many2one(related="store_id.company_id")
    currency_id = fields.Many2one(related="store_id.company_id.currency_id")
    wallet_principal = fields.Monetary(compute="_compute_wallet", string="Principal")
    wallet_bonus = fields.Monetary(compute="_compute_wallet", string="Bonus")
    wallet_balance = fields.Monetary(compute="_compute_wallet", string="Balance")

    @api.depends("partner_id", "store_id")
    def _compute_wallet(self):
        for wizard in self:
            partner = wizard.partner_id.with_company(wizard.company_id or self.env.company)
            wizard.wallet_principal = partner.wallet_principal
            wizard.wallet_bonus = partner.wallet_bonus
            wizard.wallet_balance = partner.wallet_balance

    def _key(self, operation):
        self.ensure_one()
        return f"wizard:{operation}:{self._name}:{self.id}"

    def _close(self):
        return {"type": "ir.actions.act_window_close"}
