from odoo import models
from odoo.exceptions import AccessDenied

CREDENTIAL_TYPE = "chain_sms_code"


class ResUsers(models.Model):
    _inherit = "res.users"

    def _check_credentials(self, credential, env):
        """Portal users may also sign in with the single-use ticket that a verified SMS code
        gives them (see the /chain_sms/login routes). Internal users keep their password."""
        try:
            return super()._check_credentials(credential, env)
        except AccessDenied:
            if credential.get("type") != CREDENTIAL_TYPE:
                raise
        user = self.env.user
        if not user.share or not self.env["chain.sms.verification"]._consume_login_ticket(
            user.partner_id, credential.get("token")
        ):
            raise AccessDenied()
        return {"uid": user.id, "auth_method": CREDENTIAL_TYPE, "mfa": "default"}
