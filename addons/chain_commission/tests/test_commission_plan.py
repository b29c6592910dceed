from datetime import date

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import CommissionCase


@tagged("post_install", "-at_install")
class TestCommissionPlan(CommissionCase):
    """A plan in force is frozen: it is ended and replaced, never edited."""

    def test_plan_in_force_refuses_edits(self):
        plan = self.plan.with_user(self.hq_manager)
        with self.assertRaises(UserError):
            plan.write({"date_from": "2021-01-01"})
        with self.assertRaises(UserError):
            plan.rule_ids[0].write({"percentage": 50})
        with self.assertRaises(UserError):
            plan.write({"rule_ids": [Command.create({"event_type": "goods", "percentage": 90})]})
        tiered = plan.rule_ids.filtered("tier_ids")[0]
        with self.assertRaises(UserError):
            tiered.tier_ids[0].write({"percentage": 99})
        with self.assertRaises(UserError):
            plan.unlink()
        self.plan.invalidate_recordset()
        self.assertEqual(str(self.plan.date_from), "2020-01-01")
        self.assertEqual(self.plan.rule_ids[0].percentage, 10)

    def test_end_and_replace_opens_a_draft_copy(self):
        action = self.plan.with_user(self.hq_manager).action_end_and_replace(end_date="2030-06-30")
        draft = self.env["chain.commission.plan"].browse(action["res_id"])
        self.assertEqual(self.plan.state, "ended")
        self.assertEqual(self.plan.date_to, date(2030, 6, 30))
        self.assertEqual(draft.state, "draft")
        self.assertEqual(draft.date_from, date(2030, 7, 1))
        self.assertEqual(draft.replaces_id, self.plan)
        self.assertEqual(len(draft.rule_ids), len(self.plan.rule_ids))
        draft.with_user(self.hq_manager).rule_ids[0].percentage = 11
        self.assertEqual(self.plan.rule_ids[0].percentage, 10)
        log = self.env["chain.operation.log"].search(
            [("operation", "=", "commission_plan_end"), ("res_id", "=", self.plan.id)]
        )
        self.assertEqual(log.values_after["replacement"], draft.id)

    def test_end_date_outside_the_plan_is_refused(self):
        plan = self.plan.with_user(self.hq_manager)
        with self.assertRaisesRegex(UserError, "within the plan"):
            plan.action_end_and_replace(end_date="2019-12-31")
        with self.assertRaisesRegex(UserError, "not a date"):
            plan.action_end_and_replace(end_date="soon")
        self.assertEqual(self.plan.state, "active")
        self.assertFalse(self.plan.date_to)

    def test_ended_plan_still_pays_orders_of_its_dates(self):
        self.plan.with_user(self.hq_manager).action_end_and_replace(end_date="2030-06-30")
        order = self.sell([(self.consult, 1, 100.0, {"shares": [(self.tech_1, 100)]})])
        self.assertEqual(self.commission(order).plan_id, self.plan)

    def test_overlapping_plans_are_refused(self):
        other = self.env["chain.commission.plan"].create(
            {
                "name": "Overlap",
                "company_id": self.company.id,
                "date_from": "2025-01-01",
                "rule_ids": [Command.create({"event_type": "goods", "percentage": 1})],
            }
        )
        with self.assertRaises(ValidationError):
            other.with_user(self.hq_manager).action_activate()
        self.assertEqual(other.state, "draft")

    def test_only_headquarters_manages_plans(self):
        with self.assertRaises(AccessError):
            self.plan.with_user(self.manager_a).action_end_and_replace()
        with self.assertRaises(AccessError):
            self.env["chain.commission.plan"].with_user(self.manager_a).create(
                {"name": "Mine", "company_id": self.company.id}
            )
        self.assertEqual(self.plan.state, "active")
