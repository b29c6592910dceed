from odoo import _, api, fields, models
from odoo.exceptions import UserError


class ChainLedgerMixin(models.AbstractModel):
    """The core of every balance ledger of the suite (stored value, count cards, points).

    A ledger is append-only (``chain.append.only.mixin``) and idempotent: each line carries the
    key of the operation that posted it (unique, indexed). Posting again under a key returns
    the line already posted (a re-sent POS order, a double click, a retried request) and
    changes nothing; the same key sent for a different operation is refused. The services that
    post lines (on the records that hold the balances) go through ``_find_by_key`` and
    ``_check_same_operation``; a ledger names the member (``partner_id``) and the operation
    (``kind``) of each line, and may widen what "the same operation" means
    (``_chain_same_operation``).
    """

    _name = "chain.ledger.mixin"
    _inherit = ["chain.append.only.mixin"]
    _description = "Append-Only Ledger"

    idempotency_key = fields.Char(
        string="Operation Key",
        required=True,
        readonly=True,
        copy=False,
        help="Names the operation that posted the line: posting again under it changes nothing.",
    )

    _sql_constraints = [
        (
            "idempotency_key_unique",
            "unique(idempotency_key)",
            "This operation was already recorded.",
        ),
    ]

    @api.model
    def _find_by_key(self, key):
        """The line posted under ``key``, or an empty recordset (record rules do not hide it:
        a key is global)."""
        return (
            self.sudo()
            .with_context(active_test=False)
            .search([("idempotency_key", "=", key)], limit=1)
            .with_env(self.env)
        )

    def _chain_same_operation(self, partner, kind):
        """Is this line the one an operation of ``kind`` for ``partner`` would post?"""
        self.ensure_one()
        return self.partner_id == partner and self.kind == kind

    def _check_same_operation(self, partner, kind):
        """A key names one operation: refuse a different operation sent under the same key."""
        self.ensure_one()
        if not self.sudo()._chain_same_operation(partner, kind):
            raise UserError(
                _(
                    "The reference %(key)s was already used for another operation (%(ledger)s).",
                    key=self.idempotency_key,
                    ledger=self._chain_ledger_name(),
                )
            )
