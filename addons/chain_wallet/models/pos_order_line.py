from odoo import _, api, fields, models
from odoo.exceptions import UserError


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

    @api.model_create_multi
    def create(self, vals_list):
        """A till's line names the count card or timed session it uses by id: one that does
        not exist is refused with a message (not a database error), and nothing is saved."""
        for field, model in (
            ("chain_count_card_package_id", "chain.count.card.package"),
            ("chain_timed_session_id", "chain.timed.session"),
        ):
            ids = {vals[field] for vals in vals_list if vals.get(field)}
            if not ids:
                continue
            if not all(isinstance(value, int) and value > 0 for value in ids) or len(
                self.env[model].sudo().browse(ids).exists()
            ) != len(ids):
                raise UserError(
                    _(
                        "The order names a %(what)s that does not exist: it was not saved.",
                        what=self.env[model]._description,
                    )
                )
        return super().create(vals_list)

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

    def _chain_not_member_spend(self):
        """Money loaded into the balance is counted when it is spent from the balance."""
        return super()._chain_not_member_spend() or self.product_id.chain_wallet_topup
