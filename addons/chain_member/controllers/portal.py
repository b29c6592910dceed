from werkzeug.exceptions import NotFound

from odoo import _
from odoo.exceptions import UserError
from odoo.http import request, route

from odoo.addons.portal.controllers.portal import CustomerPortal


class ChainMemberPortal(CustomerPortal):
    """The member portal: /my/member (card, tier, balances, history), the profile form and
    /member/signup. Routes stay thin: the work is done by ``res.partner._chain_portal_*``,
    always on the signed-in user's own member record (``sudo()`` of that one record only)."""

    # ------------------------------------------------------------------------------------------
    # /my home
    # ------------------------------------------------------------------------------------------
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if not counters:
            member = self._chain_portal_member()
            if member:
                values["chain_member"] = member
                values["chain_member_card"] = member.member_card_id
        return values

    # ------------------------------------------------------------------------------------------
    # The member page
    # ------------------------------------------------------------------------------------------
    @route("/my/member", type="http", auth="user", website=True)
    def portal_my_member(self, notice=None, **kw):
        member = self._chain_portal_member()
        if not member:
            return request.redirect("/my")
        return self._chain_render_member(member, notice=notice)

    @route("/my/member/card", type="http", auth="user", website=True, methods=["POST"])
    def portal_my_member_card(self, **kw):
        member = self._chain_portal_member()
        if not member:
            return request.redirect("/my")
        try:
            member._chain_portal_issue_card()
        except UserError as error:
            return self._chain_render_member(member, error=str(error))
        return request.redirect("/my/member?notice=card")

    @route("/my/member/profile", type="http", auth="user", website=True, methods=["GET", "POST"])
    def portal_my_member_profile(self, **post):
        member = self._chain_portal_member()
        if not member:
            return request.redirect("/my")
        error = False
        if request.httprequest.method == "POST":
            try:
                member._chain_portal_update_profile(post)
            except UserError as exc:  # ValidationError is a UserError
                error = str(exc)
            else:
                return request.redirect("/my/member?notice=saved")
        values = self._prepare_portal_layout_values()
        values.update(
            member=member,
            form=post if error else member._chain_portal_profile_form(),
            error=error,
            genders=member._fields["gender"]._description_selection(request.env),
            page_name="chain_member_profile",
        )
        return request.render("chain_member.portal_my_member_profile", values)

    # ------------------------------------------------------------------------------------------
    # Self-signup
    # ------------------------------------------------------------------------------------------
    @route(
        "/member/signup",
        type="http",
        auth="public",
        website=True,
        sitemap=False,
        methods=["GET", "POST"],
    )
    def member_signup(self, **post):
        if not request.env.user._is_public():
            return request.redirect("/my/member")
        if request.env["res.users"].sudo()._get_signup_invitation_scope() != "b2c":
            raise NotFound()
        Partner = request.env["res.partner"].sudo()
        error = False
        if request.httprequest.method == "POST":
            try:
                _member, login = Partner._chain_portal_signup(post)
            except UserError as exc:
                error = str(exc)
            else:
                return self._chain_signup_sign_in(login, post["password"])
        values = {
            "form": {key: value for key, value in post.items() if "password" not in key},
            "error": error,
            "stores": Partner._chain_portal_signup_stores(),
        }
        return request.render("chain_member.member_signup", values)

    def _chain_signup_sign_in(self, login, password):
        # the session authenticates in its own cursor: the new user must be committed first
        request.env.cr.commit()  # pylint: disable=invalid-commit
        request.session.authenticate(
            request.db, {"login": login, "password": password, "type": "password"}
        )
        return request.redirect("/my/member?notice=welcome")

    # ------------------------------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------------------------------
    def _chain_portal_member(self):
        """The signed-in user's own member record, as sudo (empty when the user's own contact
        is not a member: a contact of a member company does not act for it)."""
        partner = request.env.user.partner_id.sudo()
        return partner if partner.is_member else partner.browse()

    def _chain_render_member(self, member, notice=None, error=None):
        values = self._prepare_portal_layout_values()
        values.update(member._chain_portal_values())
        values.update(
            notice=notice,
            error=error,
            page_name="chain_member",
            notices={
                "saved": _("Your profile was saved."),
                "card": _("Your electronic card is ready: show this code at the till."),
                "welcome": _("Welcome! Your membership is active: show this code at the till."),
            },
        )
        return request.render("chain_member.portal_my_member", values)
