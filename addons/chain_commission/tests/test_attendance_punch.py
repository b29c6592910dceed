from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import CommissionCase


@tagged("post_install", "-at_install")
class TestAttendancePunchAtTheTill(CommissionCase):
    """``pos.config.chain_attendance_punch``: the till's Clock In/Out."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tech_1.pin = "1234"
        cls.tech_2.barcode = "20002"
        cls.Attendance = cls.env["hr.attendance"]
        cls.Log = cls.env["chain.operation.log"]

    def punches(self, employee):
        return self.Attendance.search([("employee_id", "=", employee.id)])

    def refusals(self, employee):
        return self.Log.search_count(
            [
                ("operation", "=", "attendance_punch_refused"),
                ("res_model", "=", "hr.employee"),
                ("res_id", "=", employee.id),
            ]
        )

    def test_the_right_pin_clocks_in_then_out_in_the_till_store(self):
        till = self.config_a.with_user(self.cashier_a)
        result = till.chain_attendance_punch(self.tech_1.id, pin="1234")
        self.assertEqual((result["ok"], result["state"]), (True, "checked_in"))
        attendance = self.punches(self.tech_1)
        self.assertEqual(
            (attendance.chain_store_id, attendance.in_mode, attendance.check_out),
            (self.store_a, "chain_pos", False),
        )
        result = till.chain_attendance_punch(self.tech_1.id, pin="1234")
        self.assertEqual((result["ok"], result["state"]), (True, "checked_out"))
        self.assertEqual(len(self.punches(self.tech_1)), 1)
        self.assertEqual(attendance.out_mode, "chain_pos")
        self.assertTrue(attendance.check_out)
        # a badge works as well as a PIN
        result = till.chain_attendance_punch(self.tech_2.id, barcode="20002")
        self.assertEqual(result["state"], "checked_in")
        self.assertEqual(self.punches(self.tech_2).chain_store_id, self.store_a)
        log = self.Log.search([("operation", "=", "attendance_punch")])
        self.assertEqual(len(log), 3)
        self.assertEqual(set(log.store_id.ids), {self.store_a.id})

    def test_a_wrong_pin_writes_no_attendance_and_five_lock_the_punches(self):
        till = self.config_a.with_user(self.cashier_a)
        for pin in ("0000", "", None, "1" * 1000, "１２３４", 1234):
            result = till.chain_attendance_punch(self.tech_1.id, pin=pin)
            self.assertFalse(result["ok"], pin)
        self.assertFalse(self.punches(self.tech_1))
        # an employee without PIN or badge is not clocked at the till
        self.senior.pin = False
        self.assertFalse(till.chain_attendance_punch(self.senior.id, pin="")["ok"])
        self.assertFalse(self.punches(self.senior))
        self.assertGreaterEqual(self.refusals(self.tech_1), 5)
        locked = till.chain_attendance_punch(self.tech_1.id, pin="1234")
        self.assertFalse(locked["ok"])
        self.assertIn("Too many", locked["message"])
        self.assertFalse(self.punches(self.tech_1))

    def test_staff_of_another_store_and_forged_employees_are_refused(self):
        till = self.config_a.with_user(self.cashier_a)
        self.tech_b.pin = "1234"
        for employee_id in (self.tech_b.id, 0, -1, 10**9, "1", True, None, [self.tech_1.id]):
            with self.subTest(employee_id=employee_id), self.assertRaises(UserError):
                till.chain_attendance_punch(employee_id, pin="1234")
        self.assertFalse(self.punches(self.tech_b))
        self.assertFalse(self.punches(self.tech_1))

    def test_only_a_till_user_of_the_store_with_an_open_session(self):
        for user in (self.tech_user_1, self.cashier_b, self.merchant):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.config_a.with_user(user).chain_attendance_punch(self.tech_1.id, pin="1234")
        self.assertFalse(self.punches(self.tech_1))
        self.session_a.sudo().write({"state": "closed"})
        with self.assertRaises(UserError):
            self.config_a.with_user(self.cashier_a).chain_attendance_punch(
                self.tech_1.id, pin="1234"
            )
        self.assertFalse(self.punches(self.tech_1))
