from urllib.parse import quote

from odoo.exceptions import UserError
from odoo.http import request, route

from odoo.addons.chain_member.controllers.portal import ChainMemberPortal


class ChainLoyaltyPortal(ChainMemberPortal):
    """The member's points statement (/my/points) and daily check-in. Thin routes: the work is
    done by the points service on the signed-in member's own record."""

    @route("/my/points", type="http", auth="user", website=True)
    def portal_my_points(self, notice=None, error=None, **kw):
        member = self._chain_portal_member()
        if not member:
            return request.redirect("/my")
        values = self._prepare_portal_layout_values()
        values.update(
            member=member,
            statement=member._chain_points_statement(),
            notice=notice,
            error=error,
            page_name="chain_points",
        )
        return request.render("chain_loyalty.portal_my_points", values)

    @route("/my/points/checkin", type="http", auth="user", website=True, methods=["POST"])
    def portal_my_points_checkin(self, **kw):
        member = self._chain_portal_member()
        if not member:
            return request.redirect("/my")
        try:
            member.with_user(request.env.user).chain_points_checkin()
        except UserError as exc:
            return request.redirect(f"/my/points?error={quote(str(exc.args[0]))}")
        return request.redirect("/my/points?notice=checkin")
