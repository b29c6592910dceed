import re

from odoo import _, api, fields, models
from odoo.exceptions import AccessError

# What a typed mobile number may look like: digits with spaces, dashes, dots or a leading +.
MOBILE_LOGIN = re.compile(r"^\+?[\d\s().-]{6,20}$")


class ResUsers(models.Model):
    _inherit = "res.users"

    chain_store_ids = fields.Many2many(
        "chain.store",
        "chain_store_res_users_rel",
        "user_id",
        "store_id",
        string="Chain Stores",
        help="Stores this user works in. Cashiers and store managers see the records of these "
        "stores only; headquarters managers see all.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        users = super().create(vals_list)
        if any("chain_store_ids" in vals for vals in vals_list):
            self.env.registry.clear_cache()
        return users

    def write(self, vals):
        if "chain_store_ids" not in vals:
            return super().write(vals)
        before = {user.id: user.chain_store_ids.mapped("display_name") for user in self}
        result = super().write(vals)
        # record rules depend on the user's stores
        self.env.registry.clear_cache()
        for user in self:
            self.env["chain.operation.log"]._log_operation(
                "user_stores",
                user,
                before={"stores": before[user.id]},
                after={"stores": user.chain_store_ids.mapped("display_name")},
            )
        return result

    @property
    def SELF_READABLE_FIELDS(self):
        return super().SELF_READABLE_FIELDS + ["chain_store_ids"]

    @api.model
    def _chain_check_works_in(self, store):
        """AccessError unless the current user works in ``store`` (headquarters managers work
        in every store; the server's own operations, under ``sudo``, anywhere): an operation is
        recorded in the store it names, so a user names only a store of theirs. Called on the
        caller's environment: ``self.env["res.users"]._chain_check_works_in(store)``."""
        if self.env.su:
            return True
        user = self.env.user
        if user._has_group("chain_member.group_chain_hq_manager"):
            return True
        if not store or store not in user.chain_store_ids:
            raise AccessError(
                _(
                    "You do not work in %(store)s: ask a colleague of that store.",
                    store=store.display_name if store else "-",
                )
            )
        return True

    def _chain_default_store(self):
        """The store an operation of this user happens in, when the caller does not say: the
        user's first store, else the headquarters."""
        self.ensure_one()
        return self.sudo().chain_store_ids[:1] or self.env["chain.store"].get_headquarters()

    # Portal sign-in

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
