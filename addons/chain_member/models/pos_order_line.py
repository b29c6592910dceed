from odoo import api, fields, models


class PosOrderLine(models.Model):
    _inherit = "pos.order.line"

    chain_count_card_package_id = fields.Many2one(
        "chain.count.card.package",
        string="Count Card Used",
        readonly=True,
        index="btree_not_null",
        help="This zero-priced line consumes uses of this count card.",
    )
    chain_timed_session_id = fields.Many2one(
        "chain.timed.session", string="Timed Service", readonly=True, index="btree_not_null"
    )

    @api.model
    def _load_pos_data_fields(self, config_id):
        return super()._load_pos_data_fields(config_id) + [
            "chain_count_card_package_id",
            "chain_timed_session_id",
        ]

    def _prepare_tax_base_line_values(self):
        """Top-ups are booked to the member-deposit liability and count cards to deferred
        revenue, whatever the product's income account says (the ledger and the books must
        agree)."""
        base_lines = super()._prepare_tax_base_line_values()
        for base_line in base_lines:
            line = base_line["record"]
            account = line._chain_special_account()
            if account:
                fiscal_position = line.order_id.fiscal_position_id
                base_line["account_id"] = (
                    fiscal_position.map_account(account) if fiscal_position else account
                )
        return base_lines

    def _chain_special_account(self):
        self.ensure_one()
        template = self.product_id.product_tmpl_id
        if not (template.chain_wallet_topup or template.chain_count_card):
            return self.env["account.account"]
        accounts = self.order_id.company_id._chain_wallet_accounts()
        return accounts["liability"] if template.chain_wallet_topup else accounts["deferred"]
