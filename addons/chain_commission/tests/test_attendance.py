import base64
import datetime
import io
import re
import zipfile

import pytz

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import CommissionCase

SHANGHAI = pytz.timezone("Asia/Shanghai")


@tagged("post_install", "-at_install")
class AttendanceCase(CommissionCase):
    """A 09:00–18:00 Monday-to-Friday schedule in Shanghai, Tech One rostered on it in store A
    from four weeks ago; ``monday`` is the Monday of two weeks ago."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.chain_attendance_grace_minutes = 5
        cls.calendar = cls.env["resource.calendar"].create(
            {
                "name": "Store 9-18",
                "tz": "Asia/Shanghai",
                "company_id": cls.company.id,
                "attendance_ids": [
                    Command.create(
                        {
                            "name": f"Day {day}",
                            "dayofweek": str(day),
                            "hour_from": 9,
                            "hour_to": 18,
                            "day_period": "morning",
                        }
                    )
                    for day in range(5)
                ],
            }
        )
        (cls.tech_1 | cls.tech_2 | cls.senior | cls.tech_b).write({"tz": "Asia/Shanghai"})
        today = fields.Date.today()
        cls.monday = today - datetime.timedelta(days=today.weekday() + 14)
        cls.Roster = cls.env["chain.attendance.roster"]
        cls.roster = cls.Roster.create(
            {
                "store_id": cls.store_a.id,
                "employee_id": cls.tech_1.id,
                "resource_calendar_id": cls.calendar.id,
                "date_from": cls.monday - datetime.timedelta(days=14),
            }
        )
        cls.Day = cls.env["chain.attendance.day"]
        cls.Makeup = cls.env["chain.attendance.makeup"]

    def at(self, offset, hour, minute=0):
        """The UTC time (as Odoo stores it) of ``hour:minute`` in Shanghai, ``offset`` days
        after ``monday``."""
        local = datetime.datetime.combine(
            self.monday + datetime.timedelta(days=offset), datetime.time(hour, minute)
        )
        return SHANGHAI.localize(local).astimezone(pytz.utc).replace(tzinfo=None)

    def punch(self, employee, offset, start, end=None, **values):
        return self.env["hr.attendance"].create(
            {
                "employee_id": employee.id,
                "check_in": self.at(offset, *start),
                "check_out": self.at(offset, *end) if end else False,
                **values,
            }
        )

    def week(self, employee=None, store=None):
        store = store or self.store_a
        self.Day._chain_compute(store, self.monday, self.monday + datetime.timedelta(days=6))
        days = self.Day.search(
            [
                ("store_id", "=", store.id),
                ("employee_id", "=", (employee or self.tech_1).id),
                ("date", ">=", self.monday),
                ("date", "<=", self.monday + datetime.timedelta(days=6)),
            ]
        )
        return {(day.date - self.monday).days: day for day in days}


class TestAttendanceDays(AttendanceCase):
    def test_the_roster_marks_late_early_missing_absent_and_rest_day_work(self):
        monday = self.punch(self.tech_1, 0, (9, 3), (18, 0))  # 3 minutes: within the grace
        self.punch(self.tech_1, 1, (9, 20), (18, 0))
        self.punch(self.tech_1, 2, (8, 55), (17, 0))
        self.punch(self.tech_1, 5, (10, 0), (12, 0))  # Saturday, not rostered
        self.punch(self.tech_1, 3, (9, 0))  # Thursday: never clocked out
        # Friday: no punch
        week = self.week()
        self.assertEqual(
            {offset: day.state for offset, day in week.items()},
            {0: "normal", 1: "late", 2: "early", 3: "missing", 4: "absent", 5: "rest_work"},
        )
        self.assertEqual((week[1].late_minutes, week[1].early_minutes), (20, 0))
        self.assertEqual((week[2].late_minutes, week[2].early_minutes), (0, 60))
        self.assertEqual(week[0].late_minutes, 0)
        # Odoo's worked hours of the punch (its lunch break taken off, by the employee's own
        # schedule)
        self.assertAlmostEqual(week[0].worked_hours, monday.worked_hours, places=2)
        self.assertGreater(week[0].worked_hours, 7.9)
        self.assertEqual(week[0].planned_start, self.at(0, 9))
        self.assertEqual(week[0].planned_end, self.at(0, 18))
        self.assertEqual(week[0].planned_hours, 9.0)
        self.assertTrue(week[3].missing_punch)
        self.assertTrue(week[4].absent)
        self.assertFalse(week[5].planned_start)
        # Sunday: neither rostered nor worked
        self.assertNotIn(6, week)

    def test_marking_again_replaces_the_days_and_leaves_today_alone(self):
        self.punch(self.tech_1, 0, (9, 30), (18, 0))
        self.assertEqual(self.week()[0].state, "late")
        self.assertEqual(self.week()[0].state, "late")
        self.assertEqual(
            self.Day.search_count(
                [("employee_id", "=", self.tech_1.id), ("date", "=", self.monday)]
            ),
            1,
        )
        today = fields.Date.today()
        self.Day._chain_compute(self.store_a, today - datetime.timedelta(days=1), today)
        self.assertFalse(self.Day.search([("date", ">=", today)]))

    def test_staff_of_two_stores_are_counted_where_they_clocked_in(self):
        self.tech_1.chain_store_ids = [Command.link(self.store_b.id)]
        Attendance = self.env["hr.attendance"]
        at_b = Attendance.with_context(chain_attendance_store_id=self.store_b.id).create(
            {
                "employee_id": self.tech_1.id,
                "check_in": self.at(0, 9),
                "check_out": self.at(0, 18),
            }
        )
        self.assertEqual(at_b.chain_store_id, self.store_b)
        # a store the employee does not work in, in the context: not taken
        elsewhere = self.env["chain.store"].create({"code": "T-X", "name": "X", "kind": "direct"})
        unknown = Attendance.with_context(chain_attendance_store_id=elsewhere.id).create(
            {"employee_id": self.tech_1.id, "check_in": self.at(1, 9), "check_out": self.at(1, 18)}
        )
        self.assertFalse(unknown.chain_store_id)
        with self.assertRaises(ValidationError):
            Attendance.create(
                {
                    "employee_id": self.tech_1.id,
                    "chain_store_id": elsewhere.id,
                    "check_in": self.at(2, 9),
                    "check_out": self.at(2, 18),
                }
            )
        # store A's roster sees no punch on Monday: absent there; store B has no roster: the
        # punch is rest-day work there
        self.assertEqual(self.week()[0].state, "absent")
        self.assertEqual(self.week(store=self.store_b)[0].state, "rest_work")
        # an employee of one store: that store
        only_a = Attendance.create(
            {"employee_id": self.tech_2.id, "check_in": self.at(0, 9), "check_out": self.at(0, 18)}
        )
        self.assertEqual(only_a.chain_store_id, self.store_a)

    def test_rosters_do_not_overlap_in_a_store_and_name_its_staff(self):
        with self.assertRaises(ValidationError):
            self.Roster.create(
                {
                    "store_id": self.store_a.id,
                    "employee_id": self.tech_1.id,
                    "resource_calendar_id": self.calendar.id,
                    "date_from": self.monday,
                }
            )
        with self.assertRaises(ValidationError):
            self.Roster.create(
                {
                    "store_id": self.store_a.id,
                    "employee_id": self.tech_b.id,
                    "resource_calendar_id": self.calendar.id,
                    "date_from": self.monday,
                }
            )
        # ending the first the day before lets the next start
        self.roster.date_to = self.monday - datetime.timedelta(days=1)
        self.Roster.create(
            {
                "store_id": self.store_a.id,
                "employee_id": self.tech_1.id,
                "resource_calendar_id": self.calendar.id,
                "date_from": self.monday,
            }
        )

    def test_the_nightly_job_marks_the_last_days(self):
        yesterday = fields.Date.today() - datetime.timedelta(days=1)
        self.roster.date_from = yesterday - datetime.timedelta(days=10)
        self.Day._cron_compute_days()
        days = self.Day.search([("employee_id", "=", self.tech_1.id)])
        self.assertTrue(days)
        self.assertTrue(
            all(yesterday - datetime.timedelta(days=3) <= d.date <= yesterday for d in days)
        )
        # a weekday without a punch in the last three days is an absence
        if any((yesterday - datetime.timedelta(days=n)).weekday() < 5 for n in range(4)):
            self.assertIn("absent", days.mapped("state"))


class TestAttendanceMakeup(AttendanceCase):
    def test_a_forgotten_check_out_is_approved_by_the_store_manager(self):
        attendance = self.punch(self.tech_1, 3, (9, 0))
        self.assertEqual(self.week()[3].state, "missing")
        makeup = self.Makeup.with_user(self.tech_user_1).create(
            {
                "employee_id": self.tech_1.id,
                "store_id": self.store_a.id,
                "attendance_id": attendance.id,
                "check_in": self.at(3, 9),
                "check_out": self.at(3, 18),
                "reason": "Forgot to clock out",
            }
        )
        self.assertEqual(makeup.state, "to_approve")
        self.assertEqual(makeup.date, self.monday + datetime.timedelta(days=3))
        self.assertFalse(attendance.check_out)
        # the employee cannot approve it, nor another store's manager: nothing written
        for user in (self.tech_user_1, self.cashier_a, self.manager_b):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                makeup.with_user(user).action_approve()
        self.assertFalse(attendance.check_out)
        self.assertEqual(makeup.state, "to_approve")
        makeup.with_user(self.manager_a).action_approve()
        self.assertEqual(makeup.state, "approved")
        self.assertEqual(makeup.decided_uid, self.manager_a)
        self.assertEqual(attendance.check_out, self.at(3, 18))
        self.assertEqual(makeup.original_check_in, self.at(3, 9))
        self.assertFalse(makeup.original_check_out)
        day = self.Day.search([("employee_id", "=", self.tech_1.id), ("date", "=", makeup.date)])
        self.assertEqual((day.state, day.makeup_count), ("normal", 1))
        log = self.env["chain.operation.log"].search(
            [("operation", "=", "attendance_makeup_approve"), ("res_id", "=", makeup.id)]
        )
        self.assertEqual(log.values_after["check_out"], fields.Datetime.to_string(self.at(3, 18)))
        self.assertEqual(log.reason, "Forgot to clock out")
        with self.assertRaises(UserError):
            makeup.with_user(self.manager_a).action_approve()
        with self.assertRaises(UserError):
            makeup.with_user(self.tech_user_1).write({"reason": "changed"})

    def test_a_cashier_asks_for_a_colleague_and_the_manager_refuses(self):
        makeup = self.Makeup.with_user(self.cashier_a).create(
            {
                "employee_id": self.tech_2.id,
                "store_id": self.store_a.id,
                "check_in": self.at(4, 9),
                "check_out": self.at(4, 18),
                "reason": "Was at the store, the kiosk was down",
            }
        )
        wizard = (
            self.env["chain.attendance.makeup.refuse"]
            .with_user(self.manager_a)
            .create({"makeup_id": makeup.id, "reason": "No one saw you"})
        )
        with self.assertRaises(UserError):
            makeup.with_user(self.manager_a).action_refuse("  ")
        wizard.action_confirm()
        self.assertEqual((makeup.state, makeup.refuse_reason), ("refused", "No one saw you"))
        self.assertFalse(self.env["hr.attendance"].search([("employee_id", "=", self.tech_2.id)]))
        # a new attendance when approved instead
        other = self.Makeup.with_user(self.cashier_a).create(
            {
                "employee_id": self.tech_2.id,
                "store_id": self.store_a.id,
                "check_in": self.at(4, 9),
                "check_out": self.at(4, 18),
                "reason": "The kiosk was down",
            }
        )
        other.with_user(self.manager_a).action_approve()
        attendance = other.attendance_id
        self.assertEqual(
            (attendance.employee_id, attendance.chain_store_id, attendance.check_in),
            (self.tech_2, self.store_a, self.at(4, 9)),
        )

    def test_who_may_ask_and_what_they_may_write(self):
        values = {
            "employee_id": self.tech_1.id,
            "store_id": self.store_a.id,
            "check_in": self.at(4, 9),
            "check_out": self.at(4, 18),
            "reason": "x",
        }
        # a colleague without a till, another store's cashier: refused, nothing written
        for user in (self.tech_user_2, self.cashier_b):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.Makeup.with_user(user).create(dict(values))
        # the request's decision is not the requester's to write
        with self.assertRaises(AccessError):
            self.Makeup.with_user(self.tech_user_1).create(dict(values, state="approved"))
        self.assertFalse(self.Makeup.search([("employee_id", "=", self.tech_1.id)]))
        makeup = self.Makeup.with_user(self.tech_user_1).create(dict(values))
        for vals in ({"state": "approved"}, {"decided_uid": self.tech_user_1.id}):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                makeup.with_user(self.tech_user_1).write(vals)
        self.assertEqual(makeup.state, "to_approve")
        # another employee's punch cannot be the one corrected
        other = self.punch(self.tech_2, 4, (9, 0), (18, 0))
        with self.assertRaises(ValidationError):
            makeup.with_user(self.tech_user_1).write({"attendance_id": other.id})
        # times still to come, or a check-out before the check-in
        with self.assertRaises(ValidationError):
            makeup.with_user(self.tech_user_1).write(
                {
                    "check_in": fields.Datetime.now() + datetime.timedelta(hours=2),
                    "check_out": False,
                }
            )
        with self.assertRaises(ValidationError):
            makeup.with_user(self.tech_user_1).write({"check_out": self.at(4, 8)})
        # a store manager does not approve their own punches
        own = self._employee("Manager A", self.level_tech, self.store_a, self.manager_a)
        own.tz = "Asia/Shanghai"
        mine = self.Makeup.with_user(self.manager_a).create(dict(values, employee_id=own.id))
        with self.assertRaises(AccessError):
            mine.with_user(self.manager_a).action_approve()
        mine.with_user(self.hq_manager).action_approve()
        self.assertEqual(mine.state, "approved")

    def test_overlapping_make_up_is_refused_by_odoo_and_writes_nothing(self):
        self.punch(self.tech_1, 4, (9, 0), (18, 0))
        makeup = self.Makeup.with_user(self.tech_user_1).create(
            {
                "employee_id": self.tech_1.id,
                "store_id": self.store_a.id,
                "check_in": self.at(4, 10),
                "check_out": self.at(4, 12),
                "reason": "twice",
            }
        )
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            makeup.with_user(self.manager_a).action_approve()
        self.assertEqual(makeup.state, "to_approve")
        self.assertEqual(
            self.env["hr.attendance"].search_count([("employee_id", "=", self.tech_1.id)]), 1
        )


class TestAttendanceAccess(AttendanceCase):
    def test_rosters_are_planned_by_the_store_manager(self):
        values = {
            "store_id": self.store_a.id,
            "employee_id": self.tech_2.id,
            "resource_calendar_id": self.calendar.id,
            "date_from": self.monday,
        }
        for user in (self.cashier_a, self.tech_user_2, self.manager_b, self.merchant):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.Roster.with_user(user).create(dict(values))
        self.assertFalse(self.Roster.search([("employee_id", "=", self.tech_2.id)]))
        with self.assertRaises(AccessError):
            self.roster.with_user(self.manager_b).write({"date_to": self.monday})
        with self.assertRaises(AccessError):
            self.roster.with_user(self.cashier_a).unlink()
        self.assertFalse(self.roster.date_to)
        roster = self.Roster.with_user(self.manager_a).create(dict(values))
        self.assertEqual(roster.employee_id, self.tech_2)

    def test_who_reads_which_days_and_nobody_writes_them(self):
        self.roster.copy({"employee_id": self.tech_2.id})
        self.week()
        self.week(self.tech_2)
        days = self.Day.search([("store_id", "=", self.store_a.id)])
        self.assertEqual(days.employee_id, self.tech_1 | self.tech_2)
        own = self.Day.with_user(self.tech_user_2).search([("store_id", "=", self.store_a.id)])
        self.assertEqual(own.employee_id, self.tech_2)
        self.assertEqual(
            self.Day.with_user(self.manager_a).search_count([("store_id", "=", self.store_a.id)]),
            len(days),
        )
        self.assertFalse(self.Day.with_user(self.manager_b).search([("id", "in", days.ids)]))
        self.assertFalse(self.Day.with_user(self.merchant).search([("id", "in", days.ids)]))
        for user in (self.manager_a, self.hq_manager):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                days[:1].with_user(user).write({"state": "normal", "late_minutes": 0})
            with self.assertRaises(AccessError):
                days[:1].with_user(user).unlink()
        self.assertEqual(len(self.Day.search([("store_id", "=", self.store_a.id)])), len(days))

    def test_the_store_kiosk_is_its_managers(self):
        for user in (self.cashier_a, self.manager_b, self.tech_user_1):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.store_a.with_user(user).action_open_attendance_kiosk()
        key = self.store_a.attendance_kiosk_key
        with self.assertRaises(AccessError):
            self.store_a.with_user(self.manager_b).action_regenerate_attendance_kiosk_key()
        self.assertEqual(self.store_a.attendance_kiosk_key, key)
        action = self.store_a.with_user(self.manager_a).action_open_attendance_kiosk()
        self.assertTrue(action["url"].endswith(f"/hr_attendance/{key}"))
        self.store_a.with_user(self.manager_a).action_regenerate_attendance_kiosk_key()
        self.assertNotEqual(self.store_a.attendance_kiosk_key, key)
        self.assertNotEqual(self.store_a.attendance_kiosk_key, self.store_b.attendance_kiosk_key)

    def test_stores_made_before_the_addon_each_get_their_own_kiosk_key(self):
        """The column's initialisation on install (or upgrade) of the addon."""
        stores = self.store_a | self.store_b | self.hq
        self.env.cr.execute(
            "UPDATE chain_store SET attendance_kiosk_key = NULL WHERE id IN %s", [tuple(stores.ids)]
        )
        self.env["chain.store"]._init_column("attendance_kiosk_key")
        stores.invalidate_recordset(["attendance_kiosk_key"])
        keys = stores.mapped("attendance_kiosk_key")
        self.assertEqual(len(set(keys)), 3)
        self.assertTrue(all(len(key) == 32 for key in keys))


class TestAttendanceSheet(AttendanceCase):
    def _strings(self, data):
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            xml = book.read("xl/sharedStrings.xml").decode()
            sheet = book.read("xl/worksheets/sheet1.xml").decode()
        return re.findall(r"<t[^>]*>([^<]*)</t>", xml), sheet

    def test_the_monthly_sheet_marks_each_day_and_totals_the_month(self):
        self.punch(self.tech_1, 1, (9, 37), (18, 0))
        self.punch(self.tech_1, 2, (9, 0), (18, 0))
        wizard = (
            self.env["chain.attendance.sheet"]
            .with_user(self.manager_a)
            .create(
                {"store_id": self.store_a.id, "month": self.monday + datetime.timedelta(days=1)}
            )
        )
        action = wizard.action_export()
        attachment = self.env["ir.attachment"].browse(
            int(action["url"].split("/")[3].split("?")[0])
        )
        strings, sheet = self._strings(base64.b64decode(attachment.datas))
        self.assertIn("Tech One", strings)
        self.assertIn("Tech Two", strings)  # staff of the store without a roster: a row
        self.assertIn("Late", strings)
        self.assertIn("√", strings)
        self.assertIn("Absent", strings)
        self.assertIn("Late Minutes", strings)
        self.assertTrue(attachment.name.endswith(".xlsx"))
        self.assertIn("<v>37</v>", sheet)  # the month's late minutes

    def test_only_the_store_manager_exports_the_store_sheet(self):
        Sheet = self.env["chain.attendance.sheet"]
        with self.assertRaises(AccessError):
            Sheet.with_user(self.cashier_a).create({"store_id": self.store_a.id})
        wizard = Sheet.with_user(self.manager_b).create({"store_id": self.store_a.id})
        with self.assertRaises(AccessError):
            wizard.action_export()
        self.assertFalse(
            self.env["ir.attachment"].search([("res_model", "=", "chain.attendance.sheet")])
        )
