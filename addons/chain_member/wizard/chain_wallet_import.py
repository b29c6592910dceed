import base64
import csv
import hashlib
import io

from odoo import _, fields, models
from odoo.exceptions import UserError


class ChainWalletImport(models.TransientModel):
    """Opening balances from a former system, through the stored-value service.

    A CSV file with the columns ``member`` (member code or mobile), ``principal`` and ``bonus``;
    each row becomes an adjustment (reason: the file's name) against the counterpart account
    (e.g. the former system's clearing account). Rows are keyed by the file's content and the
    row number: importing the same file again changes nothing.
    """

    _name = "chain.wallet.import.wizard"
    _description = "Import Stored-Value Balances"

    file = fields.Binary(required=True)
    filename = fields.Char()
    store_id = fields.Many2one(
        "chain.store", required=True, default=lambda self: self.env.user._chain_default_store()
    )
    company_id = fields.Many2one(related="store_id.company_id")
    counterpart_account_id = fields.Many2one(
        "account.account",
        required=True,
        domain="[('company_ids', 'in', company_id)]",
        help="Where the balances come from in the books (e.g. the former system's clearing "
        "account).",
    )
    imported_count = fields.Integer(readonly=True)

    def action_import(self):
        self.ensure_one()
        content = base64.b64decode(self.file)
        digest = hashlib.sha256(content).hexdigest()[:16]
        reader = csv.DictReader(io.StringIO(content.decode("utf-8-sig")))
        missing = {"member", "principal", "bonus"} - set(reader.fieldnames or [])
        if missing:
            raise UserError(
                _("The file lacks the columns: %(columns)s.", columns=", ".join(sorted(missing)))
            )
        Partner = self.env["res.partner"]
        count = 0
        for number, row in enumerate(reader, start=2):
            member = Partner._chain_find_member(row["member"].strip())
            if not member:
                raise UserError(
                    _("Line %(line)s: no member %(member)s.", line=number, member=row["member"])
                )
            try:
                principal, bonus = float(row["principal"] or 0), float(row["bonus"] or 0)
            except ValueError as error:
                raise UserError(
                    _("Line %(line)s: the amounts are not numbers.", line=number)
                ) from error
            if not principal and not bonus:
                continue
            member._chain_wallet_adjust(
                principal=principal,
                bonus=bonus,
                reason=_("Opening balance (%(file)s)", file=self.filename or digest),
                store=self.store_id,
                key=f"import:{digest}:{number}",
                counterpart_account=self.counterpart_account_id,
            )
            count += 1
        self.imported_count = count
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "message": _("%(count)s balances imported.", count=count),
                "type": "success",
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
