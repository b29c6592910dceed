import base64
import binascii
import csv
import hashlib
import io

from odoo import _, fields, models
from odoo.exceptions import AccessError, UserError

from odoo.addons.chain_member.tools.amounts import check_amount

# Encodings tried in turn: UTF-8 (with or without the BOM Excel writes), then GB18030, which
# Chinese Excel uses for "CSV" (a superset of GBK and GB2312).
ENCODINGS = ("utf-8-sig", "gb18030")
# Rejected rows listed in the refusal (the rest are counted).
MAX_LISTED = 30


class ChainWalletImport(models.TransientModel):
    """Opening balances from a former system, through the stored-value service.

    A CSV file with the columns ``member`` (member code or mobile), ``principal`` and ``bonus``;
    each row becomes an adjustment (reason: the file's name) against the counterpart account
    (e.g. the former system's clearing account). Rows are keyed by the file's content and the
    row number: importing the same file again changes nothing. All rows or none: every row is
    checked first, and a file with a rejected row (no such member, an amount that is not a
    number or is above the chain's ceiling, a balance that does not allow it) imports nothing
    and lists the rejected rows.
    """

    _name = "chain.wallet.import.wizard"
    _inherit = ["chain.wallet.input"]
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
        Partner = self.env["res.partner"]
        # the role first (HQ managers adjust balances), before the file is even read
        Partner._chain_wallet_check_right("adjust", self.store_id.sudo())
        Partner._chain_wallet_check_account(self.counterpart_account_id, self.store_id.company_id)
        content = self._read_file()
        digest = hashlib.sha256(content).hexdigest()[:16]
        rows, errors = self._parse_rows(self._decode(content))
        reason = _("Opening balance (%(file)s)", file=self.filename or digest)
        count = 0
        with self.env.cr.savepoint() as savepoint:
            for number, member, principal, bonus in rows:
                try:
                    with self.env.cr.savepoint():
                        member._chain_wallet_account(self.store_id)._adjust(
                            principal=principal,
                            bonus=bonus,
                            reason=reason,
                            store=self.store_id,
                            key=f"import:{digest}:{number}",
                            counterpart_account=self.counterpart_account_id,
                        )
                except (UserError, AccessError) as error:
                    errors.append(self._row_error(number, str(error.args[0])))
                else:
                    count += 1
            if errors:
                savepoint.rollback()
        if errors:
            self.env.invalidate_all()
            raise UserError(self._refusal(errors))
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

    # ------------------------------------------------------------------------------------------
    def _read_file(self):
        try:
            content = base64.b64decode(self.file or b"", validate=False)
        except (binascii.Error, ValueError) as error:
            raise UserError(_("The file could not be read: upload it again.")) from error
        if not content:
            raise UserError(_("The file is empty."))
        return content

    def _decode(self, content):
        for encoding in ENCODINGS:
            try:
                text = content.decode(encoding)
            except UnicodeDecodeError:
                continue
            if "\x00" not in text:
                return text
        raise UserError(
            _(
                "The file is not a text CSV file in UTF-8 or GB18030/GBK (the encodings Excel "
                'uses). Save it again as "CSV UTF-8" and import it again.'
            )
        )

    def _parse_rows(self, text):
        """[(line number, member, principal, bonus)] of the rows to post, and the errors of the
        rows refused."""
        try:
            reader = csv.DictReader(io.StringIO(text))
            fieldnames = [(name or "").strip().lower() for name in (reader.fieldnames or [])]
            missing = {"member", "principal", "bonus"} - set(fieldnames)
            if missing:
                raise UserError(
                    _(
                        "The file lacks the columns: %(columns)s.",
                        columns=", ".join(sorted(missing)),
                    )
                )
            reader.fieldnames = fieldnames
            raw_rows = list(enumerate(reader, start=2))
        except csv.Error as error:
            raise UserError(
                _("The file is not a valid CSV file: %(error)s", error=str(error))
            ) from error
        Partner = self.env["res.partner"]
        rows, errors = [], []
        for number, row in raw_rows:
            token = (row.get("member") or "").strip()
            try:
                principal = check_amount(self.env, row.get("principal") or 0, _("The principal"))
                bonus = check_amount(self.env, row.get("bonus") or 0, _("The bonus"))
                if not principal and not bonus:
                    continue
                member = Partner._chain_find_member(token) if token else Partner
                if not member:
                    raise UserError(_("no member %(member)s.", member=token or "-"))
            except UserError as error:
                errors.append(self._row_error(number, str(error.args[0])))
                continue
            rows.append((number, member, principal, bonus))
        return rows, errors

    @staticmethod
    def _row_error(number, message):
        return _("Line %(line)s: %(message)s", line=number, message=message)

    @staticmethod
    def _refusal(errors):
        listed = "\n".join(errors[:MAX_LISTED])
        more = len(errors) - MAX_LISTED
        if more > 0:
            listed += "\n" + _("… and %(count)s more rejected lines.", count=more)
        return _(
            "Nothing was imported: correct these lines and import the whole file again.\n"
            "%(lines)s",
            lines=listed,
        )
