from odoo import _, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.chain_member.tools.amounts import check_amount


class ChainCountCardSell(models.TransientModel):
    _name = "chain.count.card.sell.wizard"
    _inherit = "chain.wallet.operation"
    _description = "Sell or Renew a Count Card"

    product_id = fields.Many2one(
        "product.product",
        string="Count Card",
        required=True,
        domain=[("chain_count_card", "=", True)],
    )
    package_id = fields.Many2one(
        "chain.count.card.package",
        string="Renew",
        domain="[('partner_id', '=', partner_id), ('product_id', '=', product_id), "
        "('state', 'in', ('active', 'used_up'))]",
        help="Add the uses to this card (续费) instead of selling a new one.",
    )
    qty = fields.Integer(string="Quantity", default=1)
    price = fields.Monetary(
        compute="_compute_price",
        store=True,
        help="The list price of the count cards: prepaid value is never discounted.",
    )
    journal_id = fields.Many2one(
        "account.journal",
        string="Paid By",
        required=True,
        domain="[('type', 'in', ('cash', 'bank')), ('company_id', '=', company_id)]",
    )

    @api.depends("product_id", "qty")
    def _compute_price(self):
        for wizard in self:
            wizard.price = wizard.product_id.lst_price * wizard.qty

    def action_confirm(self):
        self.ensure_one()
        if self.qty <= 0:
            raise UserError(_("Sell at least one count card."))
        product = self.product_id.sudo()
        if not product.chain_count_card:
            raise UserError(_("%(product)s is not a count card.", product=product.display_name))
        # prepaid value is never discounted: the price is the list price, whatever was sent
        price = self.currency_id.round(
            check_amount(self.env, product.lst_price * self.qty, _("The count card's price"))
        )
        if self.currency_id.compare_amounts(self.price, price):
            raise UserError(
                _(
                    "%(product)s is sold at its list price, %(price)s: prepaid value is never "
                    "discounted.",
                    product=product.display_name,
                    price=self.currency_id.format(price),
                )
            )
        if self.package_id:
            package = self.package_id.sudo()
            if package.partner_id != self.partner_id or package.product_id != product:
                raise UserError(
                    _(
                        "%(card)s is not a %(product)s card of %(member)s.",
                        card=package.name,
                        product=product.display_name,
                        member=self.partner_id.display_name,
                    )
                )
            uses = product.chain_count_card_uses * self.qty
            self.package_id._chain_count_card_renew(
                uses,
                price,
                store=self.store_id,
                journal=self.journal_id,
                key=self._key("renew"),
            )
        else:
            self.env["chain.count.card.package"]._sell(
                self.partner_id,
                self.product_id,
                store=self.store_id,
                qty=self.qty,
                price=price,
                journal=self.journal_id,
                key=self._key("sell"),
            )
        return self._close()
