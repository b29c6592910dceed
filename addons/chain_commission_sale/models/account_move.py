from odoo import _, models
from odoo.exceptions import UserError


class AccountMove(models.Model):
    """Posting a customer invoice or credit note of a chain store's sales order records its
    staff commission in the same transaction; an invoice whose commission is recorded is not
    reset to draft (a credit note gives the commission back, and a settled month is never
    rewritten)."""

    _inherit = "account.move"

    def _post(self, soft=True):
        posted = super()._post(soft)
        invoices = posted.filtered(lambda move: move.move_type in ("out_invoice", "out_refund"))
        if invoices:
            self.env["chain.commission.line"]._chain_post_invoices(invoices)
        return posted

    def button_draft(self):
        lines = (
            self.env["chain.commission.line"]
            .sudo()
            .search([("account_move_line_id", "in", self.line_ids.ids)], limit=1)
        )
        if lines:
            raise UserError(
                _(
                    "The staff commission of %(move)s is recorded: issue a credit note instead "
                    "of resetting it to draft.",
                    move=lines.account_move_line_id.move_id.display_name,
                )
            )
        return super().button_draft()
