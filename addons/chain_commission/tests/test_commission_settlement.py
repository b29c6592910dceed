from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import CommissionCase


@tagged("post_install", "-at_install")
class TestCommissionSettlement(CommissionCase):
    """Monthly settlements: generated in SQL, approved (booked), locked; adjustments."""

    def setUp(self):
        super().setUp()
        self.order = self.sell(
            [
                (self.consult, 4, 100.0, {"shares": [(self.tech_1, 60), (self.tech_2, 40)]}),
                (self.dye, 1, 100.0, {"shares": [(self.tech_1, 100)]}),
            ]
        )
        self.period = self.commission(self.order)[0].period
        self.Settlement = self.env["chain.commission.settlement"]

    def generate(self, user=None):
        wizard = (
            self.env["chain.commission.settlement.generate"]
            .with_user(user or self.manager_a)
            .create({"period": self.period, "store_ids": [(6, 0, self.store_a.ids)]})
        )
        action = wizard.action_generate()
        return self.Settlement.browse(action["domain"][0][2])

    def settlement_of(self, settlements, employee):
        return settlements.filtered(lambda s: s.employee_id == employee)

    def test_generation_attaches_the_months_lines_per_employee(self):
        settlements = self.generate()
        self.assertEqual(len(settlements), 2)
        tech_1 = self.settlement_of(settlements, self.tech_1)
        self.assertEqual(tech_1.amount_total, 44.0)  # 24 + 20
        self.assertEqual(tech_1.line_count, 2)
        self.assertEqual(self.settlement_of(settlements, self.tech_2).amount_total, 16.0)
        self.assertEqual(set(tech_1.state for tech_1 in settlements), {"draft"})

    def test_generating_again_adds_new_lines_to_the_draft_only(self):
        settlements = self.generate()
        self.sell([(self.consult, 1, 100.0, {"shares": [(self.tech_1, 100)]})])
        again = self.generate()
        self.assertEqual(again, settlements)
        self.assertEqual(self.settlement_of(again, self.tech_1).amount_total, 54.0)

    def test_approval_books_a_balanced_entry_in_the_store_company(self):
        self.configure_accounts()
        settlement = self.settlement_of(self.generate(), self.tech_1)
        settlement.with_user(self.manager_a).action_approve()
        self.assertEqual(settlement.state, "approved")
        move = settlement.move_id
        self.assertEqual(move.state, "posted")
        self.assertEqual(move.company_id, self.store_a.company_id)
        self.assertEqual(sum(move.line_ids.mapped("debit")), 44.0)
        self.assertEqual(sum(move.line_ids.mapped("credit")), 44.0)
        expense = move.line_ids.filtered(
            lambda line: line.account_id == self.company.chain_commission_expense_account_id
        )
        self.assertEqual(expense.debit, 44.0)
        payable = move.line_ids - expense
        self.assertEqual(payable.account_id, self.company.chain_commission_payable_account_id)
        self.assertEqual(payable.partner_id, self.tech_1.work_contact_id)

    def test_approval_without_accounts_says_what_to_set(self):
        settlement = self.settlement_of(self.generate(), self.tech_1)
        with self.assertRaisesRegex(UserError, "commission expense account"):
            settlement.with_user(self.manager_a).action_approve()
        self.assertEqual(settlement.state, "draft")

    def test_hq_locks_an_approved_settlement(self):
        self.configure_accounts()
        settlement = self.settlement_of(self.generate(), self.tech_1)
        with self.assertRaises(UserError):
            settlement.with_user(self.hq_manager).action_lock()
        settlement.with_user(self.manager_a).action_approve()
        settlement.with_user(self.hq_manager).action_lock()
        self.assertEqual(settlement.state, "locked")
        self.assertEqual(settlement.locked_uid, self.hq_manager)

    def test_approved_period_is_not_rewritten_by_later_lines(self):
        self.configure_accounts()
        settlements = self.generate()
        settlements.with_user(self.manager_a).action_approve()
        later = self.sell([(self.consult, 1, 100.0, {"shares": [(self.tech_1, 100)]})])
        line = self.commission(later)
        self.assertEqual(line.period.month, (self.period.month % 12) + 1)
        self.generate()
        tech_1 = self.settlement_of(settlements, self.tech_1)
        self.assertEqual(tech_1.amount_total, 44.0)
        self.assertEqual(tech_1.line_count, 2)

    def test_line_posted_while_its_month_was_approved_is_settled_next_month(self):
        self.configure_accounts()
        settlements = self.generate()
        settlements.with_user(self.manager_a).action_approve()
        # a line of the approved month that the approval did not see (posted concurrently)
        late = self.env["chain.commission.line"]._insert(
            [
                {
                    "date": fields.Datetime.now(),
                    "period": self.period,
                    "employee_id": self.tech_1.id,
                    "store_id": self.store_a.id,
                    "company_id": self.company.id,
                    "currency_id": self.currency.id,
                    "kind": "adjustment",
                    "share": 100.0,
                    "amount": 7.0,
                    "idempotency_key": "test:late-line",
                    "reason": "late",
                }
            ]
        )
        next_month = self.period + relativedelta(months=1)
        later = self.env["chain.commission.settlement"]._generate(next_month, self.store_a)
        self.assertEqual(later.employee_id, self.tech_1)
        self.assertEqual(later.line_ids, late)
        self.assertEqual(later.amount_total, 7.0)
        self.assertEqual(self.settlement_of(settlements, self.tech_1).amount_total, 44.0)

    def test_adjustment_needs_a_reason_and_is_logged(self):
        Adjust = self.env["chain.commission.adjust"].with_user(self.manager_a)
        values = {"employee_id": self.tech_1.id, "store_id": self.store_a.id, "amount": 15.0}
        with self.assertRaisesRegex(UserError, "reason"):
            Adjust.create(dict(values, reason="  ")).action_confirm()
        wizard = Adjust.create(dict(values, reason="Missed bonus for the launch day"))
        wizard.action_confirm()
        wizard.action_confirm()  # a double click adjusts once
        line = self.commission(employee=self.tech_1, kind="adjustment")
        self.assertEqual(line.amount, 15.0)
        log = self.env["chain.operation.log"].search(
            [("operation", "=", "commission_adjustment"), ("res_id", "=", line.id)]
        )
        self.assertEqual(log.reason, "Missed bonus for the launch day")
        self.assertEqual(log.user_id, self.manager_a)
        settlement = self.settlement_of(self.generate(), self.tech_1)
        self.assertEqual(settlement.amount_total, 59.0)

    def test_commission_lines_are_append_only(self):
        line = self.commission(self.order)[0]
        with self.assertRaises(UserError):
            line.sudo().write({"amount": 1000.0})
        with self.assertRaises(UserError):
            line.sudo().unlink()
        self.assertNotEqual(line.amount, 1000.0)
