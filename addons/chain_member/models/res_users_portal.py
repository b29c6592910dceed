import re

from odoo import api, models

# What a typed mobile number may look like: digits with spaces, dashes, dots or a leading +.
MOBILE_LOGIN = re.compile(r"^\+?[\d\s().-]{6,20}$")


class ResUsers(models.Model):
    _inherit = "res.users"

    @api.model
    def _get_login_domain(self, login):
        """Members sign in to the portal with their mobile number, which is their login in the
        normalised form (+8613800138000): accept it the way people type it (138 0013 8000)."""
        domain = super()._get_login_domain(login)
        if not login or not MOBILE_LOGIN.match(login):
            return domain
        Partner = self.env["res.partner"]
        mobile = Partner._phone_format(
            number=login, country=Partner._chain_phone_country({}), raise_exception=False
        )
        if not mobile or mobile == login:
            return domain
        # widen the login leaf only, so that other addons' conditions (website) still apply
        return [
            ("login", "in", [login, mobile])
            if isinstance(leaf, (list, tuple)) and tuple(leaf) == ("login", "=", login)
            else leaf
            for leaf in domain
        ]
