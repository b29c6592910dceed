from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import ChainMemberCase


@tagged("post_install", "-at_install")
class TestMemberRegistration(ChainMemberCase):
    def _register(self, mobile="138 0013 8000", name="Li Lei", user=None, **vals):
        Partner = self.env["res.partner"].with_user(user or self.cashier_a)
        return Partner.chain_register_member({"name": name, "mobile": mobile, **vals}, "pos")

    def test_quick_registration_normalises_the_mobile_and_numbers_the_member(self):
        member = self._register()
        self.assertTrue(member.is_member)
        self.assertEqual(member.mobile, "+8613800138000")
        self.assertRegex(member.member_code, r"^M\d{8}$")
        self.assertEqual(member.home_store_id, self.store_a)
        self.assertEqual(member.member_registration_channel, "pos")
        self.assertTrue(member.member_since)

    def test_duplicate_mobile_is_refused_naming_the_existing_member(self):
        first = self._register()
        with self.assertRaises(ValidationError) as caught:
            self._register(mobile="+86 138-0013-8000", name="Han Meimei")
        self.assertIn(first.name, str(caught.exception))
        self.assertIn(first.member_code, str(caught.exception))

    def test_a_member_served_in_another_store_keeps_its_home_store(self):
        member = self._register()
        found = self.env["res.partner"].with_user(self.manager_b).chain_lookup_member("13800138000")
        self.assertEqual(found["partner_id"], member.id)
        self.assertEqual(member.home_store_id, self.store_a)

    def test_invalid_mobile_is_refused_and_nothing_is_written(self):
        count = self.env["res.partner"].search_count([("is_member", "=", True)])
        with self.assertRaises(UserError):
            self._register(mobile="12345")
        self.assertEqual(self.env["res.partner"].search_count([("is_member", "=", True)]), count)

    def test_name_and_mobile_are_required(self):
        with self.assertRaises(UserError):
            self._register(mobile="")
        with self.assertRaises(UserError):
            self._register(name=" ")

    def test_consent_remembers_date_and_channel(self):
        member = self._register(marketing_consent=True)
        self.assertEqual(member.marketing_consent_channel, "pos")
        self.assertTrue(member.marketing_consent_date)
        member.with_context(chain_consent_channel="portal").marketing_consent = False
        self.assertEqual(member.marketing_consent_channel, "portal")

    def test_lunar_birthday_needs_a_real_month_and_day(self):
        with self.assertRaises(ValidationError):
            self._register(birthday_calendar="lunar", birthday_lunar_month=13, birthday_lunar_day=1)
        member = self._register(
            birthday_calendar="lunar",
            birthday_lunar_month=8,
            birthday_lunar_day=15,
            birthday_lunar_leap=False,
        )
        self.assertEqual(member.birthday_month, 8)

    def test_import_validates_each_row_and_writes_nothing_of_a_bad_row(self):
        result = self.env["res.partner"].load(
            ["name", "mobile", "is_member"],
            [["Good Row", "139 0000 0001", "1"], ["Bad Row", "not a phone", "1"]],
        )
        messages = [m["message"] for m in result["messages"]]
        self.assertTrue(any("not a valid mobile number" in m for m in messages), messages)
        self.assertFalse(self.env["res.partner"].search([("name", "=", "Bad Row")]))

    def test_imported_member_is_marked_as_imported(self):
        self.env["res.partner"].with_context(import_file=True).load(
            ["name", "mobile", "is_member"], [["Imported", "139 0000 0002", "1"]]
        )
        member = self.env["res.partner"].search([("name", "=", "Imported")])
        self.assertEqual(member.member_registration_channel, "import")
        self.assertEqual(member.mobile, "+8613900000002")
