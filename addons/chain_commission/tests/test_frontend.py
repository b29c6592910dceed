from odoo import Command
from odoo.tests import tagged

from odoo.addons.chain_member.tests.common_pos import ChainPosTourCommon


@tagged("post_install", "-at_install")
class TestCommissionStaffTour(ChainPosTourCommon):
    """The till's staff picker (static/tests/tours/chain_commission_tours.js) on Odoo's POS tour
    fixture: two technicians of the till's store share a service 60/40, the order is paid and
    refunded from the ticket screen; the server's shares, commission and clawbacks are checked
    after the tour."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.config.company_id
        level = cls.env["chain.staff.level"].create({"name": "Tour Technician", "code": "T-TOUR"})
        cls.tech_a = cls._tour_employee("Tour Tech A", level, cls.store)
        cls.tech_b = cls._tour_employee("Tour Tech B", level, cls.store)
        other_store = cls.env["chain.store"].create(
            {"code": "T-POS2", "name": "Other Tour Store", "kind": "direct"}
        )
        cls.tech_elsewhere = cls._tour_employee("Tour Tech Elsewhere", level, other_store)
        cls.massage = cls._chain_product("Tour Massage", 200.0)
        # the demo's plan (when demo data is loaded) gives way to the test's
        cls.env["chain.commission.plan"].search(
            [("company_id", "=", company.id), ("state", "!=", "draft")]
        ).sudo().write({"state": "draft"})
        plan = cls.env["chain.commission.plan"].create(
            {
                "name": "Tour plan",
                "company_id": company.id,
                "date_from": "2020-01-01",
                "rule_ids": [
                    Command.create(
                        {"event_type": "service", "compute_mode": "percentage", "percentage": 10}
                    )
                ],
            }
        )
        plan.action_activate()

    @classmethod
    def _tour_employee(cls, name, level, store):
        return cls.env["hr.employee"].create(
            {
                "name": name,
                "company_id": cls.config.company_id.id,
                "chain_staff_level_id": level.id,
                "chain_store_ids": [Command.set(store.ids)],
            }
        )

    def _commission(self, order):
        lines = self.env["chain.commission.line"].sudo().search([("pos_order_id", "=", order.id)])
        return sorted(
            (line.employee_id.name, line.kind, line.share, line.base, line.amount) for line in lines
        )

    def test_two_technicians_share_a_service_and_the_refund_claws_both_back(self):
        self.config.chain_commission_receipt_staff = True
        self.start_chain_tour("ChainCommissionStaffTour")
        sale, refund = self.chain_orders()
        self.assertEqual((sale.state, sale.amount_total), ("paid", 200.0))
        self.assertEqual(refund.lines.refunded_orderline_id, sale.lines)
        self.assertEqual(
            sorted((s.employee_id, s.share) for s in sale.lines.sudo().chain_staff_share_ids),
            sorted([(self.tech_a, 60.0), (self.tech_b, 40.0)]),
        )
        # 10 % of 200, shared 60/40
        self.assertEqual(
            self._commission(sale),
            [
                ("Tour Tech A", "sale", 60.0, 120.0, 12.0),
                ("Tour Tech B", "sale", 40.0, 80.0, 8.0),
            ],
        )
        self.assertEqual(
            self._commission(refund),
            [
                ("Tour Tech A", "clawback", 60.0, -120.0, -12.0),
                ("Tour Tech B", "clawback", 40.0, -80.0, -8.0),
            ],
        )

    def test_the_till_offers_the_staff_of_its_store_only(self):
        self.assertEqual(
            [employee["name"] for employee in self.config.chain_commission_staff],
            ["Tour Tech A", "Tour Tech B"],
        )
        self.assertEqual(
            set(self.config.with_user(self.cashier).chain_commission_staff[0]),
            {"id", "name", "level"},
        )

    def test_a_till_of_no_chain_store_shows_no_staff_button(self):
        self.config.chain_store_id = False
        self.assertFalse(self.config.chain_commission_staff)
        self.start_chain_tour("ChainCommissionPlainTillTour", login="pos_user")

    def test_staff_clock_in_and_out_at_the_till_with_their_pin(self):
        """Clock In/Out: a wrong PIN is refused (no attendance, one refusal logged), the right
        one clocks in, then out, in the till's store."""
        self.tech_a.pin = "1234"
        self.start_chain_tour("ChainCommissionPunchTour")
        attendances = self.env["hr.attendance"].search([("employee_id", "=", self.tech_a.id)])
        self.assertEqual(len(attendances), 1)
        self.assertEqual(attendances.chain_store_id, self.store)
        self.assertEqual((attendances.in_mode, attendances.out_mode), ("chain_pos", "chain_pos"))
        self.assertTrue(attendances.check_out)
        log = self.env["chain.operation.log"].search(
            [("res_model", "=", "hr.employee"), ("res_id", "=", self.tech_a.id)]
        )
        self.assertEqual(
            sorted(log.mapped("operation")),
            ["attendance_punch", "attendance_punch", "attendance_punch_refused"],
        )
