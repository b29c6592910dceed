import base64

from odoo import fields, models


class ChainMemberPrivacyExport(models.TransientModel):
    """Export everything held on a member, as a JSON file (headquarters only)."""

    _name = "chain.member.privacy.export"
    _description = "Export a Member's Data"

    partner_id = fields.Many2one(
        "res.partner",
        string="Member",
        required=True,
        domain=[("is_member", "=", True)],
        default=lambda self: self._default_partner(),
    )
    reason = fields.Char(
        required=True, help="Why the data is exported, e.g. the member's request of a date."
    )
    data = fields.Binary(string="File", readonly=True, attachment=False)
    filename = fields.Char(readonly=True)

    def _default_partner(self):
        context = self.env.context
        if context.get("active_model") == "res.partner":
            return context.get("active_id")
        return False

    def action_export(self):
        self.ensure_one()
        filename, content = self.partner_id.chain_privacy_export_file(reason=self.reason)
        self.write({"data": base64.b64encode(content), "filename": filename})
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/?model={self._name}&id={self.id}&field=data"
            "&filename_field=filename&download=true",
            "target": "download",
        }
