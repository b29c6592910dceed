from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from .common import CommissionCase


@tagged("post_install", "-at_install")
class TestSecurityCommission(CommissionCase):
    """The till's payload and every public method, attacked as each role: refused, and
    nothing written."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.order = cls.sell_once(cls)

    @staticmethod
    def sell_once(case):
        vals = case.order_vals(
            case, case.session_a, [(case.consult, 1, 100.0, {"shares": [(case.tech_1, 100)]})]
        )
        result = case.env["pos.order"].with_user(case.cashier_a).sync_from_ui([vals])
        return case.env["pos.order"].browse(result["pos.order"][0]["id"])

    def assert_refused_sync(self, shares, message):
        vals = self.order_vals(self.session_a, [(self.consult, 1, 100.0, {"shares": shares})])
        lines_before = self.env["chain.commission.line"].sudo().search_count([])
        shares_before = self.env["chain.pos.order.line.share"].sudo().search_count([])
        with self.assertRaisesRegex(UserError, message), self.cr.savepoint():
            self.sync(vals)
        self.assertFalse(self.env["pos.order"].sudo().search([("uuid", "=", vals["uuid"])]))
        self.assertEqual(self.env["chain.commission.line"].sudo().search_count([]), lines_before)
        self.assertEqual(
            self.env["chain.pos.order.line.share"].sudo().search_count([]), shares_before
        )

    # ------------------------------------------------------------------------------------------
    # Forged payloads
    # ------------------------------------------------------------------------------------------
    def test_cashier_cannot_credit_an_employee_of_another_store(self):
        self.assert_refused_sync([(self.tech_b, 100)], "does not work in")

    def test_shares_adding_up_to_99_are_refused(self):
        self.assert_refused_sync([(self.tech_1, 60), (self.tech_2, 39)], "not 100")

    def test_shares_adding_up_to_150_are_refused(self):
        self.assert_refused_sync([(self.tech_1, 100), (self.tech_2, 50)], "not 100")

    def test_negative_share_is_refused(self):
        self.assert_refused_sync([(self.tech_1, 110), (self.tech_2, -10)], "above 0")

    def test_share_that_is_not_a_number_is_refused(self):
        self.assert_refused_sync([(self.tech_1, "lots")], "must be a number")

    def test_unknown_employee_is_refused(self):
        self.assert_refused_sync([(999999, 100)], "does not exist")

    def test_archived_employee_is_refused(self):
        self.tech_2.active = False
        self.assert_refused_sync([(self.tech_1, 50), (self.tech_2, 50)], "does not work in")

    def test_employee_named_twice_is_refused(self):
        self.assert_refused_sync([(self.tech_1, 50), (self.tech_1, 50)], "named twice")

    def test_cashier_of_another_store_cannot_name_staff_at_this_till(self):
        vals = self.order_vals(
            self.session_a, [(self.consult, 1, 100.0, {"shares": [(self.tech_1, 100)]})]
        )
        with self.assertRaises(AccessError), self.cr.savepoint():
            self.sync(vals, user=self.cashier_b)
        self.assertFalse(self.env["pos.order"].sudo().search([("uuid", "=", vals["uuid"])]))

    # ------------------------------------------------------------------------------------------
    # Protected records and fields
    # ------------------------------------------------------------------------------------------
    def test_cashier_cannot_write_a_commission_line(self):
        Line = self.env["chain.commission.line"].with_user(self.cashier_a)
        count = Line.sudo().search_count([])
        with self.assertRaises(UserError):
            Line.create(
                {
                    "employee_id": self.tech_1.id,
                    "store_id": self.store_a.id,
                    "amount": 1000.0,
                    "kind": "adjustment",
                    "idempotency_key": "forged",
                }
            )
        line = self.commission(self.order)
        with self.assertRaises(UserError):
            line.with_user(self.cashier_a).write({"amount": 1000.0})
        self.assertEqual(Line.sudo().search_count([]), count)
        self.assertEqual(line.amount, 10.0)

    def test_cashier_cannot_write_a_share(self):
        share = self.order.lines.sudo().chain_staff_share_ids
        Share = self.env["chain.pos.order.line.share"].with_user(self.cashier_a)
        with self.assertRaises(UserError):
            Share.create(
                {"line_id": self.order.lines.id, "employee_id": self.tech_2.id, "share": 50}
            )
        with self.assertRaises(UserError):
            share.with_user(self.cashier_a).write({"employee_id": self.tech_2.id})
        with self.assertRaises(UserError):
            self.order.lines.with_user(self.cashier_a).write(
                {
                    "chain_staff_share_ids": [
                        Command.create({"employee_id": self.tech_2.id, "share": 100})
                    ]
                }
            )
        with self.assertRaises(UserError):
            self.order.with_user(self.cashier_a).write({"chain_commission_posted": False})
        self.assertEqual(share.employee_id, self.tech_1)
        self.assertEqual(len(self.order.lines.sudo().chain_staff_share_ids), 1)
        self.order.with_user(self.cashier_a).action_pos_order_paid()
        self.assertEqual(len(self.commission(self.order)), 1)

    # ------------------------------------------------------------------------------------------
    # Settlements
    # ------------------------------------------------------------------------------------------
    def _settlement(self):
        self.configure_accounts()
        period = self.commission(self.order).period
        return self.env["chain.commission.settlement"]._generate(period, self.store_a)

    def assert_not_approved(self, settlement):
        settlement.invalidate_recordset()
        self.assertEqual(settlement.state, "draft")
        self.assertFalse(settlement.move_id)

    def test_store_manager_cannot_approve_another_stores_settlement(self):
        settlement = self._settlement()
        with self.assertRaises(AccessError):
            settlement.with_user(self.manager_b).action_approve()
        self.assert_not_approved(settlement)

    def test_cashier_cannot_approve(self):
        settlement = self._settlement()
        with self.assertRaises(AccessError):
            settlement.with_user(self.cashier_a).action_approve()
        self.assert_not_approved(settlement)

    def test_store_manager_cannot_lock(self):
        settlement = self._settlement()
        settlement.with_user(self.manager_a).action_approve()
        with self.assertRaises(AccessError):
            settlement.with_user(self.manager_a).action_lock()
        self.assertEqual(settlement.state, "approved")

    def test_manager_cannot_write_a_settlement(self):
        settlement = self._settlement()
        with self.assertRaises(UserError):
            settlement.with_user(self.manager_a).write({"amount_total": 9999.0, "state": "locked"})
        settlement.with_user(self.manager_a).write({"note": "checked"})
        self.assertEqual(settlement.amount_total, 10.0)
        self.assertEqual(settlement.state, "draft")

    def test_store_manager_cannot_generate_another_stores_settlements(self):
        wizard = (
            self.env["chain.commission.settlement.generate"]
            .with_user(self.manager_b)
            .create({"store_ids": [Command.set(self.store_a.ids)]})
        )
        with self.assertRaises(AccessError):
            wizard.action_generate()
        self.assertFalse(self.env["chain.commission.settlement"].sudo().search([]))

    def test_store_manager_cannot_adjust_another_stores_staff(self):
        wizard = (
            self.env["chain.commission.adjust"]
            .with_user(self.manager_b)
            .create(
                {
                    "employee_id": self.tech_1.id,
                    "store_id": self.store_a.id,
                    "amount": 500.0,
                    "reason": "forged",
                }
            )
        )
        with self.assertRaises(AccessError):
            wizard.action_confirm()
        self.assertFalse(self.commission(employee=self.tech_1, kind="adjustment"))

    # ------------------------------------------------------------------------------------------
    # Who reads what
    # ------------------------------------------------------------------------------------------
    def test_employee_reads_only_their_own_lines(self):
        other = self.sell([(self.consult, 1, 100.0, {"shares": [(self.tech_2, 100)]})])
        Line = self.env["chain.commission.line"].with_user(self.tech_user_1)
        self.assertEqual(Line.search([]), self.commission(self.order))
        other_line = self.commission(other).with_user(self.tech_user_1)
        with self.assertRaises(AccessError):
            other_line.read(["amount"])

    def test_employee_has_a_menu_of_their_own_commission(self):
        """A technician without any chain role sees *My Commission* in the Employees app (and
        not the chain's Commission menu); its action shows their own lines, and a store
        manager who opens it sees only theirs too."""
        menus = self.env["ir.ui.menu"].with_user(self.tech_user_1)._visible_menu_ids()
        self.assertIn(self.env.ref("chain_commission.menu_chain_commission_mine").id, menus)
        self.assertNotIn(self.env.ref("chain_commission.menu_chain_commission").id, menus)
        action = self.env.ref("chain_commission.chain_commission_line_action_mine")
        domain = safe_eval(action.domain, {"uid": self.tech_user_1.id})
        mine = self.env["chain.commission.line"].with_user(self.tech_user_1).search(domain)
        self.assertEqual(mine, self.commission(self.order, employee=self.tech_1))
        self.assertTrue(mine)
        domain = safe_eval(action.domain, {"uid": self.manager_a.id})
        self.assertFalse(self.env["chain.commission.line"].with_user(self.manager_a).search(domain))

    def test_store_manager_reads_their_store_only(self):
        b_order = self.sell(
            [(self.consult, 1, 100.0, {"shares": [(self.tech_b, 100)]})],
            session=self.session_b,
            user=self.cashier_b,
        )
        lines_a = self.env["chain.commission.line"].with_user(self.manager_a).search([])
        self.assertIn(self.commission(self.order), lines_a)
        self.assertNotIn(self.commission(b_order), lines_a)
        self.assertEqual(
            self.env["chain.commission.line"].with_user(self.hq_manager).search_count([]),
            self.env["chain.commission.line"].sudo().search_count([]),
        )

    def test_another_companys_manager_sees_and_approves_nothing(self):
        franchise = self.env["res.company"].create({"name": "Franchise Co"})
        store_f = self.env["chain.store"].create(
            {"code": "T-F", "name": "Franchise", "kind": "franchise", "company_id": franchise.id}
        )
        manager_f = new_test_user(
            self.env,
            login="t_manager_f",
            groups="chain_member.group_chain_store_manager",
            company_id=franchise.id,
            company_ids=[Command.set(franchise.ids)],
        )
        manager_f.chain_store_ids = [Command.set((store_f | self.store_a).ids)]
        settlement = self._settlement()
        self.assertFalse(self.env["chain.commission.line"].with_user(manager_f).search([]))
        self.assertFalse(self.env["chain.commission.settlement"].with_user(manager_f).search([]))
        with self.assertRaises(AccessError):
            settlement.with_user(manager_f).action_approve()
        self.assert_not_approved(settlement)

    def test_store_manager_and_employee_cashier_open_the_lists(self):
        self.tech_1.user_id = self.cashier_a
        spec = {
            "employee_id": {"fields": {"display_name": {}}},
            "store_id": {"fields": {"display_name": {}}},
            "rule_id": {"fields": {"display_name": {}}},
            "amount": {},
            "settlement_id": {"fields": {"display_name": {}}},
        }
        for user in (self.manager_a, self.cashier_a):
            Line = self.env["chain.commission.line"].with_user(user)
            Line.get_views([(False, "list"), (False, "form"), (False, "search")])
            result = Line.web_search_read([], spec)
            self.assertEqual(result["length"], 1, user.login)
            self.assertEqual(result["records"][0]["employee_id"]["display_name"], "Tech One")
        settlement = self._settlement()
        result = (
            self.env["chain.commission.settlement"]
            .with_user(self.cashier_a)
            .web_search_read([], {"name": {}, "amount_total": {}, "state": {}})
        )
        self.assertEqual(result["records"][0]["id"], settlement.id)

    def test_staff_of_another_store_do_not_read_its_shares(self):
        Share = self.env["chain.pos.order.line.share"]
        share = self.order.lines.sudo().chain_staff_share_ids
        self.assertIn(share, Share.with_user(self.cashier_a).search([]))
        self.assertNotIn(share, Share.with_user(self.cashier_b).search([]))
        self.assertNotIn(share, Share.with_user(self.manager_b).search([]))
        self.assertIn(share, Share.with_user(self.hq_manager).search([]))

    def test_only_headquarters_puts_a_plan_in_force_or_ends_it(self):
        Plan = self.env["chain.commission.plan"]
        draft = Plan.create(
            {
                "name": "Draft plan",
                "company_id": self.company.id,
                "date_from": "2099-01-01",
                "rule_ids": [self._rule("service", percentage=50)],
            }
        )
        plans_before = Plan.search_count([])
        for user in (self.cashier_a, self.manager_a, self.merchant):
            with self.assertRaises(AccessError):
                draft.with_user(user).action_activate()
            with self.assertRaises(AccessError):
                self.plan.with_user(user).action_end_and_replace(end_date="2030-06-30")
        self.assertEqual(draft.state, "draft")
        self.assertEqual(self.plan.state, "active")
        self.assertFalse(self.plan.date_to)
        self.assertEqual(Plan.search_count([]), plans_before)

    def test_headquarters_cannot_shape_a_plans_state(self):
        """A plan's state and its predecessor change only through Activate and End and
        Replace: created or written directly, even by headquarters, they are refused."""
        Plan = self.env["chain.commission.plan"].with_user(self.hq_manager)
        plans_before = Plan.sudo().search_count([])
        values = {"name": "Forged", "company_id": self.company.id, "date_from": "2099-01-01"}
        for forged in ({"state": "active"}, {"state": "ended"}, {"replaces_id": self.plan.id}):
            with self.assertRaisesRegex(UserError, "created as a draft"):
                Plan.create({**values, **forged})
        self.assertEqual(Plan.sudo().search_count([]), plans_before)
        draft = Plan.create(values)
        for forged in ({"state": "active"}, {"replaces_id": self.plan.id}):
            with self.assertRaisesRegex(UserError, "created as a draft"):
                draft.write(forged)
        self.assertEqual(draft.state, "draft")
        self.assertFalse(draft.replaces_id)
