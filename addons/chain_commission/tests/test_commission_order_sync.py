from odoo import Command
from odoo.tests import new_test_user, tagged

from .common import CommissionCase


@tagged("post_install", "-at_install")
class TestCommissionOrderSync(CommissionCase):
    """Shares come with the order sync, commission is posted once when the order is paid."""

    def test_two_technicians_share_a_service_60_40(self):
        order = self.sell(
            [(self.consult, 1, 100.0, {"shares": [(self.tech_1, 60), (self.tech_2, 40)]})]
        )
        shares = order.lines.sudo().chain_staff_share_ids
        self.assertEqual(
            sorted((s.employee_id, s.share) for s in shares),
            sorted([(self.tech_1, 60.0), (self.tech_2, 40.0)]),
        )
        self.assertEqual(self.amount_of(order, self.tech_1), 6.0)
        self.assertEqual(self.amount_of(order, self.tech_2), 4.0)
        self.assertEqual(self.commission(order, self.tech_1).base, 60.0)

    def test_default_share_is_the_order_employee(self):
        order = self.sell([(self.consult, 1, 100.0)], employee_id=self.tech_2.id)
        self.assertEqual(order.lines.sudo().chain_staff_share_ids.employee_id, self.tech_2)
        self.assertEqual(self.amount_of(order, self.tech_2), 10.0)

    def test_default_share_falls_back_to_the_cashier_users_employee(self):
        self.tech_1.user_id = self.cashier_a
        order = self.sell([(self.consult, 1, 100.0)], user_id=self.cashier_a.id)
        self.assertEqual(self.amount_of(order, self.tech_1), 10.0)

    def test_order_employee_of_another_store_gets_no_default_share(self):
        order = self.sell([(self.consult, 1, 100.0)], employee_id=self.tech_b.id)
        self.assertEqual(order.state, "paid")
        self.assertFalse(order.lines.sudo().chain_staff_share_ids)
        self.assertFalse(self.commission(order))

    def test_resync_of_the_same_order_posts_once(self):
        vals = self.order_vals(
            self.session_a, [(self.consult, 1, 100.0, {"shares": [(self.tech_1, 100)]})]
        )
        order = self.sync(dict(vals))
        self.sync(dict(vals))
        order.action_pos_order_paid()
        self.assertEqual(len(self.env["pos.order"].search([("uuid", "=", vals["uuid"])])), 1)
        self.assertEqual(len(self.commission(order)), 1)
        self.assertEqual(self.amount_of(order, self.tech_1), 10.0)

    def test_draft_order_shares_are_replaced_when_it_is_paid(self):
        vals = self.order_vals(
            self.session_a, [(self.consult, 1, 100.0, {"shares": [(self.tech_1, 100)]})]
        )
        draft = self.sync(dict(vals, state="draft"))
        self.assertFalse(self.commission(draft))
        line = draft.lines
        paid_vals = dict(
            vals,
            payment_ids=[],
            lines=[
                [
                    1,
                    line.id,
                    {
                        "chain_staff_share_ids": [
                            [5],
                            [0, 0, {"employee_id": self.tech_2.id, "share": 100}],
                        ]
                    },
                ]
            ],
        )
        order = self.sync(paid_vals)
        self.assertEqual(order, draft)
        self.assertEqual(order.state, "paid")
        self.assertFalse(self.commission(order, self.tech_1))
        self.assertEqual(self.amount_of(order, self.tech_2), 10.0)

    def test_order_claimed_paid_but_not_covered_earns_nothing(self):
        vals = self.order_vals(
            self.session_a,
            [(self.consult, 1, 100.0, {"shares": [(self.tech_1, 100)]})],
            payments=[(self.cash_method, 10.0)],
        )
        # stock Odoo saves the order and logs that it is not fully paid
        with self.assertLogs("odoo.addons.point_of_sale.models.pos_order", level="ERROR"):
            order = self.sync(vals)
        self.assertFalse(order.chain_commission_posted)
        self.assertFalse(self.commission(order))

    def test_till_of_no_chain_store_is_left_alone(self):
        journal = self.env["account.journal"].create(
            {"name": "Plain cash", "code": "KPL", "type": "cash", "company_id": self.company.id}
        )
        cash = self.env["pos.payment.method"].create(
            {"name": "Plain cash", "journal_id": journal.id, "company_id": self.company.id}
        )
        config = self.env["pos.config"].create(
            {"name": "Plain till", "payment_method_ids": [Command.set(cash.ids)]}
        )
        session = self._open_session(config)
        vals = self.order_vals(
            session,
            [(self.consult, 1, 100.0)],
            payments=[(cash, 100.0)],
            employee_id=self.tech_1.id,
        )
        order = self.sync(vals, user=self.env.user)
        self.assertEqual(order.state, "paid")
        self.assertFalse(order.chain_commission_posted)
        self.assertFalse(self.commission(order))
        self.assertFalse(order.lines.sudo().chain_staff_share_ids)

    def test_sync_answer_and_pos_load_carry_the_shares(self):
        vals = self.order_vals(
            self.session_a,
            [(self.consult, 1, 100.0, {"shares": [(self.tech_1, 60), (self.tech_2, 40)]})],
        )
        result = (
            self.env["pos.order"]
            .with_user(self.cashier_a)
            .sync_from_ui([dict(vals, state="draft")])
        )
        self.assertEqual(
            sorted(row["share"] for row in result["chain.pos.order.line.share"]), [40.0, 60.0]
        )
        loaded = self.session_a.with_user(self.cashier_a).load_data(
            ["pos.config", "pos.order", "pos.order.line", "chain.pos.order.line.share"]
        )
        self.assertNotIn("error", loaded["chain.pos.order.line.share"])
        self.assertEqual(
            sorted(row["employee_id"] for row in loaded["chain.pos.order.line.share"]["data"]),
            sorted([self.tech_1.id, self.tech_2.id]),
        )
        self.assertIn(
            "chain_staff_share_ids",
            self.env["pos.order.line"]._load_pos_data_fields(self.config_a.id),
        )

    def test_till_loads_the_staff_of_its_store_by_id_name_and_level(self):
        loaded = self.session_a.with_user(self.cashier_a).load_data(
            ["pos.config", "pos.order", "pos.order.line", "chain.pos.order.line.share"]
        )
        staff = loaded["pos.config"]["data"][0]["chain_commission_staff"]
        self.assertEqual(
            staff,
            [
                {
                    "id": employee.id,
                    "name": employee.name,
                    "level": employee.chain_staff_level_id.name,
                }
                for employee in (self.senior | self.tech_1 | self.tech_2).sorted("name")
            ],
        )
        # the share names its employee by id: the till's hr.employee are pos_hr's cashiers
        relation = loaded["chain.pos.order.line.share"]["relations"]["employee_id"]
        self.assertEqual(relation["type"], "integer")
        self.assertNotIn("relation", relation)
        self.tech_2.active = False
        self.config_a.invalidate_recordset(["chain_commission_staff"])
        self.assertNotIn(
            self.tech_2.id, [row["id"] for row in self.config_a.chain_commission_staff]
        )

    def test_a_user_without_hr_rights_reads_employees(self):
        # pos_hr's till loads its cashiers as a plain POS user: every field of hr.employee
        # without groups is prefetched, and hr refuses those hr.employee.public lacks
        user = new_test_user(
            self.env,
            login="t_plain_pos_reader",
            groups="base.group_user,point_of_sale.group_pos_user",
        )
        employee = self.tech_1.with_user(user)
        self.assertEqual(employee.name, "Tech One")
        self.assertEqual(employee.chain_staff_level_id, self.level_tech)

    def test_plain_pos_user_and_plain_till_load_no_commission_data(self):
        user = new_test_user(
            self.env, login="t_plain_pos_user", groups="point_of_sale.group_pos_user"
        )
        response = {"pos.order": {"fields": []}}
        self.env["pos.session"].with_user(user)._load_pos_data_relations("pos.order", response)
        self.assertIn("lines", response["pos.order"]["relations"])
        self.assertNotIn("chain_commission_line_ids", response["pos.order"]["relations"])
        plain = self.env["pos.config"].create({"name": "Plain till"})
        self.assertNotIn(
            "chain.pos.order.line.share", self.env["pos.session"]._load_pos_data_models(plain.id)
        )
        self.assertNotIn(
            "chain_staff_share_ids", self.env["pos.order.line"]._load_pos_data_fields(plain.id)
        )
        self.assertIn(
            "chain.pos.order.line.share",
            self.env["pos.session"]._load_pos_data_models(self.config_a.id),
        )
