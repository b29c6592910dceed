import logging

from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError

_logger = logging.getLogger(__name__)

# What makes a till a chain till and decides what its orders may do: the store (the order
# sync checks the caller's rights there), the payment methods, the company and journals.
MANAGER_ONLY_FIELDS = frozenset(
    {"chain_store_id", "payment_method_ids", "company_id", "journal_id", "invoice_journal_id"}
)


class PosConfig(models.Model):
    _inherit = "pos.config"

    chain_store_id = fields.Many2one(
        "chain.store",
        index=True,
        help="The store this point of sale belongs to; its operations are recorded there.",
    )
    chain_member_till = fields.Boolean(
        compute="_compute_chain_member_till",
        help="A till of a chain store: the member panel (and the chain's tenders) are shown.",
    )

    @api.depends("chain_store_id")
    def _compute_chain_member_till(self):
        for config in self:
            config.chain_member_till = bool(config.chain_store_id)

    @api.model_create_multi
    def create(self, vals_list):
        configs = super().create(vals_list)
        configs.filtered("chain_store_id")._chain_add_tenders()
        return configs

    def write(self, vals):
        """Stock Odoo lets every POS user write a till's settings; the store, payment methods,
        company and journals of a till (and the suite's own ``chain_*`` settings) are a POS
        manager's, since the order sync trusts them. A till linked to a store gets the chain's
        tenders (``_chain_add_tenders``)."""
        if not (self.env.su or self.env.user.has_group("point_of_sale.group_pos_manager")):
            self._chain_check_guarded_fields(vals)
        result = super().write(vals)
        if vals.get("chain_store_id"):
            self._chain_add_tenders()
        return result

    def _chain_check_guarded_fields(self, vals):
        # a form or the settings save unchanged values too: only a change is refused
        guarded = sorted(
            name
            for name in vals
            if (name in MANAGER_ONLY_FIELDS or name.startswith("chain_"))
            and name in self._fields
            and self._chain_changes(name, vals[name])
        )
        if guarded:
            raise AccessError(
                _(
                    "Only a Point of Sale administrator changes a till's %(fields)s.",
                    fields=", ".join(
                        self._fields[name].get_description(self.env)["string"] for name in guarded
                    ),
                )
            )

    def _chain_changes(self, name, value):
        """Whether writing ``value`` to field ``name`` changes one of these tills."""
        field = self._fields[name]
        for config in self:
            new = field.convert_to_record(field.convert_to_cache(value, config), config)
            if new != config[name]:
                return True
        return False

    @api.model
    def _chain_tender_methods(self, company):
        """Extension hook: the payment methods every till of a chain store in ``company``
        accepts (chain_wallet: the stored value; chain_loyalty: points), created if missing."""
        return self.env["pos.payment.method"]

    def _chain_add_tenders(self):
        """Give these tills of chain stores the chain's tenders (``_chain_tender_methods``);
        a till with an open session, or of a company without a chart of accounts, is left as
        it is."""
        for config in self.sudo().filtered("chain_store_id"):
            company = config.company_id
            if not company.chart_template or config.current_session_id:
                continue
            missing = self._chain_tender_methods(company) - config.payment_method_ids
            if missing:
                config.write({"payment_method_ids": [Command.link(m.id) for m in missing]})
                _logger.info("%s added to %s", ", ".join(missing.mapped("name")), config.name)
