from odoo import _, api, models
from odoo.exceptions import UserError
from odoo.tools import SQL

# Refuses UPDATE and DELETE on a ledger table, even in raw SQL. Test clean-up lifts it for one
# transaction with SET LOCAL chain.allow_ledger_rewrite = 'on'.
APPEND_ONLY_FUNCTION = """
    CREATE OR REPLACE FUNCTION chain_ledger_append_only() RETURNS trigger AS $$
    BEGIN
        IF coalesce(current_setting('chain.allow_ledger_rewrite', true), '') = 'on' THEN
            RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
        END IF;
        RAISE EXCEPTION '% is an append-only ledger (% refused)', TG_TABLE_NAME, TG_OP;
    END;
    $$ LANGUAGE plpgsql;
"""


class ChainAppendOnlyMixin(models.AbstractModel):
    """An append-only table: its lines are inserted by a service in SQL and never changed or
    deleted. The ORM refuses ``create``/``write``/``unlink`` with a message naming the table,
    and a database trigger refuses UPDATE and DELETE for raw SQL too. A mistake is corrected by
    posting a correcting line. The ledgers (``chain.ledger.mixin``) are such tables; so are the
    points lot allocations."""

    _name = "chain.append.only.mixin"
    _description = "Append-Only Table"

    def init(self):
        result = super().init()
        if not self._abstract:
            trigger = SQL.identifier(f"{self._table}_append_only")
            table = SQL.identifier(self._table)
            self.env.cr.execute(APPEND_ONLY_FUNCTION)
            self.env.cr.execute(
                SQL(
                    "DROP TRIGGER IF EXISTS %s ON %s; CREATE TRIGGER %s BEFORE UPDATE OR DELETE "
                    "ON %s FOR EACH ROW EXECUTE FUNCTION chain_ledger_append_only()",
                    trigger,
                    table,
                    trigger,
                    table,
                )
            )
        return result

    def _chain_ledger_name(self):
        """The table's name as the user reads it (the model's description, translated)."""
        return self.env["ir.model"]._get(self._name).name or self._description

    def _chain_ledger_refusal(self, operation):
        """The message refusing ``operation`` (create, write, unlink) through the ORM."""
        ledger = self._chain_ledger_name()
        return {
            "create": _(
                "%(ledger)s: lines are written only by their service (see the README).",
                ledger=ledger,
            ),
            "write": _("%(ledger)s cannot be changed: post a correcting line.", ledger=ledger),
            "unlink": _("%(ledger)s cannot be deleted: post a correcting line.", ledger=ledger),
        }[operation]

    @api.model_create_multi
    def create(self, vals_list):  # pylint: disable=method-required-super
        raise UserError(self._chain_ledger_refusal("create"))

    def write(self, vals):  # pylint: disable=method-required-super
        raise UserError(self._chain_ledger_refusal("write"))

    def unlink(self):  # pylint: disable=method-required-super
        raise UserError(self._chain_ledger_refusal("unlink"))
