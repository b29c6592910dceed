import json
import logging

from odoo import _, http
from odoo.exceptions import AccessDenied, UserError
from odoo.http import request

from ..models.res_users import CREDENTIAL_TYPE

_logger = logging.getLogger(__name__)


class ChainSmsController(http.Controller):
    """Provider pushes (delivery reports, replies) and the portal's sign-in by SMS code. The
    work is done by the models; these routes only parse and check."""

    @http.route(
        "/chain_sms/<int:gateway_id>/<string:token>/<any(report,inbound):kind>",
        type="http",
        auth="public",
        methods=["POST"],
        csrf=False,
        save_session=False,
    )
    def provider_push(self, gateway_id, token, kind, **_kwargs):
        gateway = request.env["chain.sms.gateway"].sudo().browse(gateway_id).exists()
        if not gateway or not gateway._chain_check_token(token):
            return request.make_response("Forbidden", status=403)
        provider = gateway._chain_provider()
        if provider is None:
            return request.make_response("Not Found", status=404)
        httprequest = request.httprequest
        payload = None
        if httprequest.mimetype == "application/json":
            try:
                payload = json.loads(httprequest.get_data() or b"null")
            except ValueError:
                return request.make_response("Bad Request", status=400)
        form = httprequest.form.to_dict()
        if provider.code == "twilio" and not provider.check_signature(
            httprequest.url, form, httprequest.headers.get("X-Twilio-Signature")
        ):
            _logger.warning("SMS push to gateway %s with a wrong signature", gateway.id)
            return request.make_response("Forbidden", status=403)
        if kind == "report":
            reports = provider.parse_report_push(payload, form)
            request.env["sms.sms"].sudo()._chain_apply_reports(gateway, reports)
        else:
            replies = provider.parse_inbound_push(payload, form)
            request.env["chain.sms.inbound"].sudo()._chain_receive(gateway, replies)
        body, content_type = provider.push_reply()
        return request.make_response(body, headers=[("Content-Type", content_type)])

    @http.route("/chain_sms/login", type="http", auth="public", methods=["GET"], sitemap=False)
    def login_form(self, redirect=None, **_kwargs):
        return request.render("chain_sms.portal_login", {"step": "number", "redirect": redirect})

    @http.route(
        "/chain_sms/login/send", type="http", auth="public", methods=["POST"], sitemap=False
    )
    def login_send(self, number="", redirect=None, **_kwargs):
        number = self._normalise(number)
        user = self._portal_user(number)
        values = {
            "step": "code",
            "number": number,
            "redirect": redirect,
            "message": _("If this number belongs to a member, a code is on its way."),
        }
        if user:
            try:
                request.env["chain.sms.verification"].sudo().request_code(
                    number, "portal_login", partner=user.partner_id
                )
            except UserError as error:
                values.update(step="number", error=error.args[0], message=False)
        return request.render("chain_sms.portal_login", values)

    @http.route(
        "/chain_sms/login/verify", type="http", auth="public", methods=["POST"], sitemap=False
    )
    def login_verify(self, number="", code="", redirect=None, **_kwargs):
        number = self._normalise(number)
        Verification = request.env["chain.sms.verification"].sudo()
        verification = Verification.check_code(number, "portal_login", (code or "").strip())
        user = self._portal_user(number) if verification else None
        if not user or user.partner_id != verification.partner_id:
            values = {
                "step": "code",
                "number": number,
                "redirect": redirect,
                "error": _("The code is wrong or has expired."),
            }
            return request.render("chain_sms.portal_login", values)
        ticket = verification._issue_login_ticket()
        # the sign-in below checks the ticket in its own transaction
        request.env.cr.commit()  # pylint: disable=invalid-commit
        credential = {"type": CREDENTIAL_TYPE, "login": user.login, "token": ticket}
        try:
            request.session.authenticate(request.db, credential)
        except AccessDenied:
            values = {"step": "number", "redirect": redirect, "error": _("Sign-in refused.")}
            return request.render("chain_sms.portal_login", values)
        return request.redirect(self._safe_redirect(redirect))

    @staticmethod
    def _normalise(number):
        country = request.env.company.sudo().chain_phone_country_id
        formatted = request.env["res.partner"]._phone_format(
            number=(number or "").strip(), country=country, force_format="E164"
        )
        return formatted or (number or "").strip()

    @staticmethod
    def _portal_user(number):
        if not number:
            return None
        return (
            request.env["res.users"]
            .sudo()
            .search([("partner_id.mobile", "=", number), ("share", "=", True)], limit=1)
        )

    @staticmethod
    def _safe_redirect(redirect):
        if redirect and redirect.startswith("/") and not redirect.startswith("//"):
            return redirect
        return "/my"
