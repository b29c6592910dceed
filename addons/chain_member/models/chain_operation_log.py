from odoo import _, api, fields, models
from odoo.exceptions import UserError

OPERATIONS = [
    ("store_create", "Store created"),
    ("store_update", "Store changed"),
    ("store_headquarters", "Headquarters moved"),
    ("user_stores", "User's stores changed"),
    ("card_issue", "Card issued"),
    ("card_lost", "Card reported lost"),
    ("card_found", "Card unblocked"),
    ("card_replace", "Card replaced"),
    ("card_extend", "Card extended"),
    ("card_cancel", "Card cancelled"),
    ("tier_change", "Tier changed by hand"),
    ("member_export", "Member data exported"),
    ("member_anonymise", "Member anonymised"),
]


class ChainOperationLog(models.Model):
    """Append-only audit log of sensitive operations.

    Lines are written only through :meth:`log_operation` (which runs as superuser so that the
    acting user needs no create right). Nobody can change or delete a line: the ORM refuses it,
    and a database trigger refuses it for raw SQL too. The one sanctioned exception is the
    anonymisation of a member on request, which sets ``chain.allow_log_rewrite`` for its own
    transaction only.
    """

    _name = "chain.operation.log"
    _description = "Chain Operation Log"
    _order = "id desc"
    _rec_name = "operation"

    create_date = fields.Datetime(string="Date", readonly=True, index=True)
    user_id = fields.Many2one(
        "res.users",
        string="Operator",
        required=True,
        readonly=True,
        ondelete="restrict",
        index=True,
    )
    store_id = fields.Many2one("chain.store", readonly=True, ondelete="restrict", index=True)
    company_id = fields.Many2one("res.company", readonly=True)
    operation = fields.Selection(OPERATIONS, required=True, readonly=True, index=True)
    res_model = fields.Char(string="Document Model", readonly=True)
    res_id = fields.Many2oneReference(string="Document ID", model_field="res_model", readonly=True)
    record_name = fields.Char(string="Document", readonly=True)
    values_before = fields.Json(readonly=True)
    values_after = fields.Json(readonly=True)
    changes = fields.Text(compute="_compute_changes")
    reason = fields.Text(readonly=True)

    def init(self):
        self.env.cr.execute(
            """
            CREATE INDEX IF NOT EXISTS chain_operation_log_res_idx
                ON chain_operation_log (res_model, res_id);
            CREATE OR REPLACE FUNCTION chain_operation_log_append_only() RETURNS trigger AS $$
            BEGIN
                IF coalesce(current_setting('chain.allow_log_rewrite', true), '') = 'on' THEN
                    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
                END IF;
                RAISE EXCEPTION 'chain_operation_log is append-only (% refused)', TG_OP;
            END;
            $$ LANGUAGE plpgsql;
            DROP TRIGGER IF EXISTS chain_operation_log_append_only ON chain_operation_log;
            CREATE TRIGGER chain_operation_log_append_only
                BEFORE UPDATE OR DELETE ON chain_operation_log
                FOR EACH ROW EXECUTE FUNCTION chain_operation_log_append_only();
            """
        )

    @api.depends("values_before", "values_after")
    def _compute_changes(self):
        for line in self:
            before, after = line.values_before or {}, line.values_after or {}
            rows = []
            for key in sorted(set(before) | set(after)):
                if before.get(key) != after.get(key):
                    rows.append(f"{key}: {before.get(key, '')} → {after.get(key, '')}")
            line.changes = "\n".join(rows)

    def write(self, vals):  # pylint: disable=method-required-super
        raise UserError(_("The operation log cannot be changed: it is an audit trail."))

    def unlink(self):  # pylint: disable=method-required-super
        raise UserError(_("The operation log cannot be deleted: it is an audit trail."))

    @api.model
    def _log_operation(
        self, operation, record=None, before=None, after=None, reason=None, store=None
    ):
        """Append one line to the log and return it.

        :param operation: a key of the ``operation`` selection
        :param record: the document the operation was done on (any model), optional
        :param before/after: JSON-serialisable dicts of the values that changed
        :param reason: why (required by the callers of sensitive operations)
        :param store: the store where it happened; defaults to the user's first store
        """
        store = store or self.env.user._chain_default_store()
        values = {
            "user_id": self.env.uid,
            "store_id": store.id if store else False,
            "company_id": (store.company_id if store else self.env.company).id,
            "operation": operation,
            "values_before": before or {},
            "values_after": after or {},
            "reason": reason or False,
        }
        if record:
            record.ensure_one()
            values.update(
                res_model=record._name, res_id=record.id, record_name=record.sudo().display_name
            )
        return self.sudo().create(values)

    def action_open_document(self):
        self.ensure_one()
        if not self.res_model or not self.res_id:
            return False
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "views": [(False, "form")],
        }
