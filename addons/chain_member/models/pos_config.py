from odoo import _, fields, models
from odoo.exceptions import AccessError

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

    def write(self, vals):
        """Stock Odoo lets every POS user write a till's settings; the store, payment methods,
        company and journals of a till (and the suite's own ``chain_*`` settings) are a POS
        manager's, since the order sync trusts them."""
        if self.env.su or self.env.user.has_group("point_of_sale.group_pos_manager"):
            return super().write(vals)
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
        return super().write(vals)

    def _chain_changes(self, name, value):
        """Whether writing ``value`` to field ``name`` changes one of these tills."""
        field = self._fields[name]
        for config in self:
            new = field.convert_to_record(field.convert_to_cache(value, config), config)
            if new != config[name]:
                return True
        return False
