import json
import logging
import re
import unicodedata

from odoo import _, http
from odoo.exceptions import AccessDenied, UserError
from odoo.http import request

from ..models.res_users import CREDENTIAL_TYPE

_logger = logging.getLogger(__name__)

MAX_ID = 2**31 - 1  # PostgreSQL integer: a larger id is no record
MAX_TOKEN = 256
MAX_CODE = 64
MAX_NUMBER_INPUT = 64
MAX_REDIRECT = 2048
# what a visitor may type as a mobile number: digits, +, spaces, dashes, dots, brackets
PHONE_INPUT = re.compile(r"\+?[0-9][0-9 ()\-.]{2,30}")


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
        """A provider pushes delivery reports or replies. Nothing changes unless the gateway's
        secret token (and, for Twilio, the request's signature) is right; a payload that is not
        the provider's format is refused with 400 and changes nothing."""
        if not 0 < gateway_id <= MAX_ID or len(token) > MAX_TOKEN:
            return request.make_response("Forbidden", status=403)
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
        try:
            with request.env.cr.savepoint():
                if kind == "report":
                    reports = provider.parse_report_push(payload, form)
                    request.env["sms.sms"].sudo()._chain_apply_reports(gateway, reports)
                else:
                    replies = provider.parse_inbound_push(payload, form)
                    request.env["chain.sms.inbound"].sudo()._chain_receive(gateway, replies)
        except (AttributeError, KeyError, TypeError, ValueError):
            _logger.warning("SMS push to gateway %s in an unknown format", gateway.id)
            return request.make_response("Bad Request", status=400)
        body, content_type = provider.push_reply()
        return request.make_response(body, headers=[("Content-Type", content_type)])

    @http.route("/chain_sms/login", type="http", auth="public", methods=["GET"], sitemap=False)
    def login_form(self, redirect=None, **_kwargs):
        return request.render(
            "chain_sms.portal_login", {"step": "number", "redirect": self._clean_redirect(redirect)}
        )

    @http.route(
        "/chain_sms/login/send", type="http", auth="public", methods=["POST"], sitemap=False
    )
    def login_send(self, number="", redirect=None, **_kwargs):
        """Send a sign-in code. The answer is the same for every number, a member's or not:
        an unknown number gets no SMS but the same record of a request (so the same rate
        limits), and a member's code leaves through the queue (so both take the same time)."""
        redirect = self._clean_redirect(redirect)
        number = self._normalise(number)
        if not number:
            values = {
                "step": "number",
                "redirect": redirect,
                "error": _("Enter a mobile number."),
            }
            return request.render("chain_sms.portal_login", values)
        user = self._portal_user(number)
        values = {
            "step": "code",
            "number": number,
            "redirect": redirect,
            "message": _("If this number belongs to a member, a code is on its way."),
        }
        try:
            request.env["chain.sms.verification"].sudo()._request_code(
                number,
                "portal_login",
                partner=user.partner_id if user else None,
                deliver="queue" if user else None,
                requester=self._requester(),
            )
        except UserError as error:
            values.update(step="number", error=error.args[0], message=False)
        return request.render("chain_sms.portal_login", values)

    @http.route(
        "/chain_sms/login/verify", type="http", auth="public", methods=["POST"], sitemap=False
    )
    def login_verify(self, number="", code="", redirect=None, **_kwargs):
        redirect = self._clean_redirect(redirect)
        number = self._normalise(number)
        refused = {
            "step": "code",
            "number": number,
            "redirect": redirect,
            "error": _("The code is wrong or has expired."),
        }
        if not number or not isinstance(code, str) or len(code) > MAX_CODE:
            return request.render("chain_sms.portal_login", refused)
        user = self._portal_user(number)
        Verification = request.env["chain.sms.verification"].sudo()
        try:
            check = Verification._try_code(
                number,
                "portal_login",
                code.strip(),
                ticket_for=user.partner_id if user else None,
            )
        except UserError as error:
            return request.render("chain_sms.portal_login", dict(refused, error=error.args[0]))
        if not user or not check.ticket or user.partner_id != check.verification.partner_id:
            return request.render("chain_sms.portal_login", refused)
        # the ticket was committed with the code's check; the sign-in checks it in its own
        # transaction
        credential = {"type": CREDENTIAL_TYPE, "login": user.login, "token": check.ticket}
        try:
            request.session.authenticate(request.db, credential)
        except AccessDenied:
            values = {"step": "number", "redirect": redirect, "error": _("Sign-in refused.")}
            return request.render("chain_sms.portal_login", values)
        return request.redirect(redirect or "/my")

    @staticmethod
    def _normalise(number):
        """The visitor's number in E.164 (full-width digits are read as digits), or "" when it
        cannot be a mobile number."""
        if not isinstance(number, str) or len(number) > MAX_NUMBER_INPUT:
            return ""
        number = unicodedata.normalize("NFKC", number).strip()
        if not PHONE_INPUT.fullmatch(number):
            return ""
        country = request.env.company.sudo().chain_phone_country_id
        formatted = request.env["res.partner"]._phone_format(
            number=number, country=country, force_format="E164"
        )
        return formatted or number

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
    def _requester():
        return f"ip:{request.httprequest.remote_addr or ''}"

    @staticmethod
    def _clean_redirect(redirect):
        """A path of this site to go to after sign-in, or None (never another site, whatever
        the browser makes of backslashes or control characters)."""
        if not isinstance(redirect, str) or len(redirect) > MAX_REDIRECT:
            return None
        if (
            redirect.startswith("/")
            and not redirect.startswith("//")
            and not any(ch == "\\" or ord(ch) < 32 or ord(ch) == 127 for ch in redirect)
        ):
            return redirect
        return None
