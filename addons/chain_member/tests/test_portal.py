from odoo import Command, fields, tools
from odoo.tests import tagged

from ..tools.lunar_birthday import Birthday, next_birthday
from .common_portal import MemberPortalCase


@tagged("post_install", "-at_install")
class TestMemberPortal(MemberPortalCase):
    """The member portal as a member (and a visitor) uses it, through HTTP."""

    def test_member_page_shows_own_card_codes_and_tier(self):
        self._login(self.member_user)
        html = self._page("/my/member")
        number = self.card.number
        self.assertIn(" ".join(number[i : i + 4] for i in range(0, len(number), 4)), html)
        self.assertIn("barcode_type=QR&amp;value=CHM%3A" + number, html)
        self.assertIn("barcode_type=Code128&amp;value=" + number, html)
        self.assertIn("P Silver", html)
        self.assertIn("P Gold", html, "the next tier and the spend still needed are shown")
        self.assertRegex(html, r"600\.00 more to reach P Gold")
        self.assertIn(self.member.member_code, html)
        self.assertIn("P-ORDER-1", html, "the purchase is in the history")
        self.assertIn("Portal Store A", html)
        self.assertNotIn(self.other.name, html)
        self.assertNotIn(self.other_card.number, html)

    def test_portal_qr_is_an_image_the_till_can_read(self):
        self._login(self.member_user)
        response = self.url_open(
            f"/report/barcode/?barcode_type=QR&value=CHM:{self.card.number}&width=240&height=240"
        )
        self.assertEqual(response.headers["Content-Type"], "image/png")
        found = self.env["res.partner"].chain_lookup_member(f"CHM:{self.card.number}")
        self.assertEqual(found["partner_id"], self.member.id)

    def test_another_member_sees_only_their_own_data(self):
        self._login(self.other_user)
        html = self._page("/my/member")
        self.assertIn(self.other_card.number[:4], html)
        self.assertNotIn(self.card.number, html)
        self.assertNotIn("Li Lei", html)

    def test_home_page_links_to_the_membership(self):
        self._login(self.member_user)
        html = self._page("/my")
        self.assertIn('href="/my/member"', html)
        self.assertIn(self.card.number_tail, html)

    def test_a_portal_user_who_is_not_a_member_is_sent_home(self):
        user = self.env["res.users"].create(
            {
                "name": "Not A Member",
                "login": "p_nobody",
                "password": "p_nobody_pass",
                "groups_id": [Command.set([self.env.ref("base.group_portal").id])],
            }
        )
        self._login(user)
        response = self.url_open("/my/member")
        self.assertTrue(response.url.endswith("/my"), response.url)

    def test_member_without_card_gets_an_electronic_card(self):
        self.card._cancel("Card broken")
        self._login(self.member_user)
        html = self._page("/my/member")
        self.assertIn("You have no active member card", html)
        response = self._post_form("/my/member/card", {}, page_url="/my/member")
        self.assertEqual(response.status_code, 200)
        card = self.member.member_card_id
        self.assertEqual(card.kind, "electronic")
        self.assertEqual(card.store_id, self.store)
        self.assertIn("CHM%3A" + card.number, response.text)
        log = self.env["chain.operation.log"].search(
            [("res_model", "=", "chain.member.card"), ("res_id", "=", card.id)]
        )
        self.assertEqual(log.operation, "card_issue")
        self.assertEqual(log.user_id, self.member_user)

    def test_profile_form_updates_profile_and_consents(self):
        self._login(self.member_user)
        channel = self.member.transactional_consent_channel
        response = self._post_form(
            "/my/member/profile",
            {
                "name": "Li Leilei",
                "gender": "male",
                "birthday": "1990-09-04",
                "birthday_calendar": "lunar",
                "birthday_lunar_month": "7",
                "birthday_lunar_day": "15",
                "marketing_consent": "on",
                "transactional_consent": "on",
            },
        )
        self.assertIn("Your profile was saved", response.text)
        self.assertIn("Lunar calendar: month 7, day 15", response.text)
        member = self.member
        # the page tells when it is next celebrated (the chain's rule, computed with borax)
        today = fields.Date.context_today(member.with_user(self.member_user))
        upcoming = next_birthday(Birthday(True, 7, 15, False), today)
        self.assertEqual(member._chain_next_birthday(today), upcoming)
        shown = tools.format_date(member.with_context(lang=member.lang).env, upcoming)
        self.assertIn(f"(next celebrated on {shown})", response.text)
        self.assertEqual(member.name, "Li Leilei")
        self.assertEqual(member.gender, "male")
        self.assertEqual(str(member.birthday), "1990-09-04")
        self.assertEqual((member.birthday_lunar_month, member.birthday_lunar_day), (7, 15))
        self.assertTrue(member.marketing_consent)
        self.assertEqual(member.marketing_consent_channel, "portal")
        self.assertTrue(member.marketing_consent_date)
        self.assertEqual(
            member.transactional_consent_channel, channel, "an unchanged consent keeps its stamp"
        )

    def test_withdrawing_a_consent_is_stamped_portal(self):
        self.member.marketing_consent = True
        self._login(self.member_user)
        self._post_form("/my/member/profile", {"name": "Li Lei", "transactional_consent": "on"})
        self.assertFalse(self.member.marketing_consent)
        self.assertEqual(self.member.marketing_consent_channel, "portal")

    def test_profile_form_refuses_a_bad_lunar_date_and_writes_nothing(self):
        self._login(self.member_user)
        response = self._post_form(
            "/my/member/profile",
            {
                "name": "Someone Else",
                "birthday_calendar": "lunar",
                "birthday_lunar_month": "13",
                "birthday_lunar_day": "1",
            },
        )
        self.assertIn("A lunar birthday needs a month from 1 to 12", response.text)
        self.assertEqual(self.member.name, "Li Lei")

    def test_profile_form_ignores_fields_outside_the_profile(self):
        self._login(self.member_user)
        self._post_form(
            "/my/member/profile",
            {
                "name": "Li Lei",
                "mobile": "13700000000",
                "member_tier_id": str(self.gold.id),
                "is_member": "",
                "email": "attacker@example.com",
            },
        )
        self.assertEqual(self.member.mobile, "+8613800138000")
        self.assertEqual(self.member.member_tier_id, self.silver)
        self.assertTrue(self.member.is_member)
        self.assertFalse(self.member.email)

    def test_profile_form_needs_the_csrf_token(self):
        self._login(self.member_user)
        response = self.url_open("/my/member/profile", data={"name": "No Token"})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self.member.name, "Li Lei")

    def test_signup_registers_a_portal_member_and_signs_in(self):
        response = self._signup(home_store_id=str(self.store.id))
        member = self.env["res.partner"].search([("mobile", "=", "+8613700137000")])
        self.assertTrue(member.is_member)
        self.assertEqual(member.member_registration_channel, "portal")
        self.assertEqual(member.home_store_id, self.store)
        self.assertEqual(member.marketing_consent_channel, "portal")
        self.assertEqual(member.user_ids.login, "+8613700137000")
        self.assertTrue(member.user_ids.share)
        self.assertIn("/my/member", response.url)
        self.assertIn("Wang Fang", response.text)
        card = member.member_card_id
        self.assertEqual(
            (card.kind, card.state, card.store_id), ("electronic", "active", self.store)
        )
        self.assertIn("CHM%3A" + card.number, response.text)

    def test_member_signs_in_with_the_mobile_as_typed(self):
        self._signup()
        self.authenticate("137 0013 7000", "s3cret-pass")
        self.assertIn("Wang Fang", self._page("/my/member"))

    def test_signup_with_a_known_mobile_names_the_member_masked(self):
        count = self.env["res.partner"].search_count([])
        response = self._signup(name="Someone", mobile="+86 139-0013-9000")
        self.assertIn("already belongs to member H** M*****", response.text)
        self.assertNotIn("Han Meimei", response.text)
        self.assertNotIn(self.other.member_code, response.text)
        self.assertEqual(self.env["res.partner"].search_count([]), count)

    def test_signup_refuses_different_passwords(self):
        response = self._signup(confirm_password="other-pass")
        self.assertIn("The two passwords are not the same", response.text)
        self.assertFalse(self.env["res.partner"].search([("mobile", "=", "+8613700137000")]))
        self.assertNotIn("s3cret-pass", response.text)

    def test_signup_is_closed_when_signup_is_on_invitation_only(self):
        self.env["ir.config_parameter"].sudo().set_param("auth_signup.invitation_scope", "b2b")
        self.authenticate(None, None)
        self.assertEqual(self.url_open("/member/signup").status_code, 404)
