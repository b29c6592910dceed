from odoo import _, fields, models
from odoo.exceptions import UserError


class ChainMemberPrivacyAnonymise(models.TransientModel):
    """Anonymise a member on request (headquarters only)."""

    _name = "chain.member.privacy.anonymise"
    _description = "Anonymise a Member"

    partner_id = fields.Many2one(
        "res.partner",
        string="Member",
        required=True,
        domain=[("is_member", "=", True)],
        default=lambda self: self._default_partner(),
    )
    member_code = fields.Char(related="partner_id.member_code")
    reason = fields.Char(
        required=True,
        help="Why, e.g. 'Request of the member received on 2025-03-01'. Do not write personal "
        "data here: the reason stays in the operation log.",
    )
    confirm_code = fields.Char(
        string="Type the Member Code",
        required=True,
        help="Anonymisation cannot be undone: type the member code to confirm.",
    )

    def _default_partner(self):
        context = self.env.context
        if context.get("active_model") == "res.partner":
            return context.get("active_id")
        return False

    def action_anonymise(self):
        self.ensure_one()
        expected = self.partner_id.member_code or ""
        if (self.confirm_code or "").strip().upper() != expected.upper():
            raise UserError(_("Type the member code %s to confirm.", expected))
        self.partner_id.chain_privacy_anonymise(self.reason)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": _("The member was anonymised."),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
