from odoo import _, fields, models
from odoo.exceptions import UserError


class ChainCommissionSettlementGenerate(models.TransientModel):
    """Generate (or refresh) the month's draft settlements of the caller's stores."""

    _name = "chain.commission.settlement.generate"
    _description = "Generate Commission Settlements"

    period = fields.Date(
        string="Month",
        required=True,
        default=lambda self: fields.Date.context_today(self).replace(day=1),
        help="Any day of the month to settle.",
    )
    store_ids = fields.Many2many(
        "chain.store",
        string="Stores",
        default=lambda self: self.env.user.chain_store_ids,
        help="Empty: every store of the companies you work in (headquarters).",
    )

    def action_generate(self):
        self.ensure_one()
        Line = self.env["chain.commission.line"]
        stores = self.store_ids
        if not stores:
            if not self.env.user._has_group("chain_member.group_chain_hq_manager"):
                raise UserError(_("Choose the stores to settle."))
            stores = self.env["chain.store"].search([("company_id", "in", self.env.companies.ids)])
        for store in stores:
            Line._chain_check_manager(store)
        settlements = self.env["chain.commission.settlement"].sudo()._generate(self.period, stores)
        return {
            "type": "ir.actions.act_window",
            "name": _("Commission Settlements"),
            "res_model": "chain.commission.settlement",
            "views": [(False, "list"), (False, "form")],
            "domain": [("id", "in", settlements.ids)],
        }
