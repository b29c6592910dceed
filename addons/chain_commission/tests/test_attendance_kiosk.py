from odoo import Command
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestStoreKiosk(HttpCase):
    """Odoo's attendance kiosk opened with a store's key, over real HTTP: only the store's
    staff, PIN checked, the attendance counted in the store; the company's key as in Odoo."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.write({"attendance_kiosk_use_pin": True, "attendance_kiosk_mode": "manual"})
        Store = cls.env["chain.store"]
        cls.store = Store.create({"code": "T-K1", "name": "Kiosk Store", "kind": "direct"})
        cls.other = Store.create({"code": "T-K2", "name": "Other Store", "kind": "direct"})
        Employee = cls.env["hr.employee"]
        cls.mei = Employee.create(
            {
                "name": "Kiosk Mei",
                "pin": "2468",
                "barcode": "30001",
                "chain_store_ids": [Command.set(cls.store.ids)],
            }
        )
        cls.lei = Employee.create(
            {
                "name": "Kiosk Lei",
                "pin": "1357",
                "barcode": "30002",
                "chain_store_ids": [Command.set(cls.other.ids)],
            }
        )
        cls.token = cls.store.attendance_kiosk_key

    def setUp(self):
        super().setUp()
        # a public visitor's session, on the test's database (the kiosk is public)
        self.authenticate(None, None)

    def punches(self, employee):
        return self.env["hr.attendance"].search([("employee_id", "=", employee.id)])

    def rpc(self, route, **params):
        return self.make_jsonrpc_request(f"/hr_attendance/{route}", params)

    def test_the_store_kiosk_clocks_its_staff_with_their_pin(self):
        self.assertEqual(self.url_open(f"/hr_attendance/{self.token}").status_code, 200)
        # the kiosk page starts a session of its own (Odoo's kiosk): sign in as the public again
        self.authenticate(None, None)
        # wrong PIN, another store's employee, a forged id: nothing written
        self.assertEqual(
            self.rpc("manual_selection", token=self.token, employee_id=self.mei.id, pin_code="0"),
            {},
        )
        self.assertEqual(
            self.rpc(
                "manual_selection", token=self.token, employee_id=self.lei.id, pin_code="1357"
            ),
            {},
        )
        self.assertEqual(
            self.rpc("manual_selection", token=self.token, employee_id="x", pin_code="1357"), {}
        )
        self.assertEqual(
            self.rpc("attendance_employee_data", token=self.token, employee_id=self.lei.id), {}
        )
        self.assertFalse(self.punches(self.mei) | self.punches(self.lei))
        answer = self.rpc(
            "manual_selection", token=self.token, employee_id=self.mei.id, pin_code="2468"
        )
        self.assertEqual(answer["attendance_state"], "checked_in")
        attendance = self.punches(self.mei)
        self.assertEqual((attendance.chain_store_id, attendance.in_mode), (self.store, "kiosk"))

    def test_the_store_kiosk_lists_and_scans_only_its_staff(self):
        listed = self.rpc("employees_infos", token=self.token, limit=50, offset=0, domain=[])
        self.assertEqual([r["display_name"] for r in listed["records"]], ["Kiosk Mei"])
        self.assertEqual(
            self.rpc("attendance_barcode_scanned", token=self.token, barcode="30002"), {}
        )
        self.assertFalse(self.punches(self.lei))
        answer = self.rpc("attendance_barcode_scanned", token=self.token, barcode="30001")
        self.assertEqual(answer["attendance_state"], "checked_in")
        self.assertEqual(self.punches(self.mei).chain_store_id, self.store)

    def test_a_store_key_changes_no_company_setting_and_an_unknown_key_opens_nothing(self):
        self.rpc("set_settings", token=self.token, mode="barcode")
        self.assertEqual(self.company.attendance_kiosk_mode, "manual")
        self.assertFalse(self.rpc("set_user_barcode", token=self.token, barcode="X"))
        self.assertEqual(self.url_open("/hr_attendance/not-a-key").status_code, 404)
        self.assertEqual(
            self.rpc(
                "manual_selection", token="not-a-key", employee_id=self.mei.id, pin_code="2468"
            ),
            {},
        )
        self.assertFalse(self.punches(self.mei))

    def test_the_company_kiosk_works_as_in_odoo(self):
        token = self.company.attendance_kiosk_key
        answer = self.rpc("manual_selection", token=token, employee_id=self.lei.id, pin_code="1357")
        self.assertEqual(answer["attendance_state"], "checked_in")
        # one store: counted there
        self.assertEqual(self.punches(self.lei).chain_store_id, self.other)
