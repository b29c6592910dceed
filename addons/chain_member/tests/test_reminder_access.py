from datetime import date

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common_reminder import ReminderCase


@tagged("post_install", "-at_install")
class TestReminderAccess(ReminderCase):
    """Who sees which reminders, who configures the types, and the staff's actions."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.types["birthday"].lead_days = 3
        for code, rtype in cls.types.items():
            rtype.enabled = code == "birthday"
        cls.member_a = cls.make_member("Wang Wei", store=cls.store_a, birthday=date(1988, 10, 5))
        cls.member_b = cls.make_member("Li Na", store=cls.store_b, birthday=date(1991, 10, 6))
        cls.env["chain.member.reminder"]._cron_raise_reminders(today=date(2025, 10, 3))
        cls.reminder_a = cls.env["chain.member.reminder"].search(
            [("partner_id", "=", cls.member_a.id)]
        )
        cls.reminder_b = cls.env["chain.member.reminder"].search(
            [("partner_id", "=", cls.member_b.id)]
        )

    def visible(self, user, domain=()):
        Reminder = self.env["chain.member.reminder"].with_user(user)
        return Reminder.search([("id", "in", (self.reminder_a | self.reminder_b).ids), *domain])

    def test_staff_see_their_stores_reminders_hq_sees_all(self):
        self.assertEqual(self.visible(self.cashier_a), self.reminder_a)
        self.assertEqual(self.visible(self.manager_a), self.reminder_a)
        self.assertEqual(self.visible(self.manager_b), self.reminder_b)
        self.assertEqual(self.visible(self.hq_manager), self.reminder_a | self.reminder_b)

    def test_partner_merchant_sees_no_reminder(self):
        with self.assertRaises(AccessError):
            self.visible(self.merchant)

    def test_my_stores_filter(self):
        self.assertEqual(
            self.visible(self.hq_manager, [("is_my_store", "=", True)]),
            self.env["chain.member.reminder"],
        )
        self.assertEqual(
            self.visible(self.manager_b, [("is_my_store", "=", True)]), self.reminder_b
        )

    def test_cashier_cannot_configure_types_hq_can(self):
        birthday = self.types["birthday"]
        self.assertEqual(birthday.with_user(self.cashier_a).lead_days, 3)
        with self.assertRaises(AccessError):
            birthday.with_user(self.cashier_a).write({"lead_days": 5})
        with self.assertRaises(AccessError):
            birthday.with_user(self.manager_a).write({"enabled": False})
        birthday.with_user(self.hq_manager).write({"lead_days": 5, "store_ids": self.store_a.ids})
        self.assertEqual((birthday.lead_days, birthday.store_ids), (5, self.store_a))

    def test_cashier_marks_called_with_a_note_on_the_member(self):
        self.reminder_a.with_user(self.cashier_a).action_mark_called()
        self.assertEqual(self.reminder_a.state, "called")
        self.assertEqual(self.reminder_a.handled_uid, self.cashier_a)
        note = self.member_a.message_ids[0]
        self.assertIn("Birthday on 2025-10-05", str(note.body))
        self.assertIn("Called", str(note.body))
        self.assertEqual(note.author_id, self.cashier_a.partner_id)

    def test_messaged_and_done(self):
        self.reminder_a.with_user(self.manager_a).action_mark_messaged()
        self.assertEqual(self.reminder_a.state, "messaged")
        self.reminder_b.with_user(self.manager_b).action_mark_done()
        self.assertEqual(self.reminder_b.state, "done")

    def test_a_handled_reminder_cannot_be_handled_again(self):
        self.reminder_a.with_user(self.cashier_a).action_mark_done()
        with self.assertRaises(UserError):
            self.reminder_a.with_user(self.cashier_a).action_mark_called()

    def test_cashier_cannot_handle_another_stores_reminder(self):
        with self.assertRaises(AccessError):
            self.reminder_b.with_user(self.cashier_a).action_mark_done()

    def test_cashier_cannot_create_or_delete_reminders(self):
        with self.assertRaises(AccessError):
            self.reminder_a.with_user(self.cashier_a).unlink()

    def test_only_a_store_manager_reopens(self):
        self.reminder_a.with_user(self.cashier_a).action_mark_done()
        with self.assertRaises(AccessError):
            self.reminder_a.with_user(self.cashier_a).action_reopen()
        self.reminder_a.with_user(self.manager_a).action_reopen()
        self.assertEqual((self.reminder_a.state, self.reminder_a.handled_uid.id), ("new", False))

    def test_member_form_counts_the_open_reminders_the_user_sees(self):
        member_a = self.member_a.with_user(self.cashier_a)
        self.assertEqual(member_a.member_reminder_count, 1)
        action = member_a.action_chain_view_reminders()
        self.assertEqual(
            self.env["chain.member.reminder"].with_user(self.cashier_a).search(action["domain"]),
            self.reminder_a,
        )
        # store B's staff do not see the reminders of store A's members
        self.assertEqual(self.member_a.with_user(self.manager_b).member_reminder_count, 0)
        self.reminder_a.with_user(self.cashier_a).action_mark_called()
        member_a.invalidate_recordset(["member_reminder_count"])
        self.assertEqual(member_a.member_reminder_count, 0)

    def test_a_reminder_is_handled_with_its_buttons_only(self):
        """A cashier cannot set a handled reminder back to "new" (which would skip the store
        manager's reopen) nor move it to another member by writing it; nothing is written."""
        self.reminder_a.with_user(self.cashier_a).action_mark_called()
        self.env.flush_all()
        before = (self.reminder_a.state, self.reminder_a.partner_id, self.reminder_a.handled_uid)
        for user in (self.cashier_a, self.manager_a, self.hq_manager):
            for values in ({"state": "new"}, {"partner_id": self.member_b.id}):
                with (
                    self.subTest(user=user.login, values=values),
                    self.assertRaisesRegex(UserError, "handled with its buttons"),
                    self.env.cr.savepoint(),
                ):
                    self.reminder_a.with_user(user).write(values)
        self.reminder_a.invalidate_recordset()
        self.assertEqual(
            (self.reminder_a.state, self.reminder_a.partner_id, self.reminder_a.handled_uid),
            before,
        )
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            self.reminder_a.with_user(self.cashier_a).action_reopen()
        self.reminder_a.with_user(self.manager_a).action_reopen()
        self.assertEqual(self.reminder_a.state, "new")
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            self.reminder_b.with_user(self.cashier_a).action_mark_done()
        self.assertEqual(self.reminder_b.state, "new")
