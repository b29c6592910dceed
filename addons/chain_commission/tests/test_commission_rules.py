from odoo import Command
from odoo.tests import tagged

from .common import CommissionCase


@tagged("post_install", "-at_install")
class TestCommissionRules(CommissionCase):
    """Which rule pays a line (the most specific) and how much (fixed, percentage, tiers)."""

    def test_general_service_rule_pays_a_technician(self):
        order = self.sell([(self.consult, 1, 100.0, {"shares": [(self.tech_1, 100)]})])
        self.assertEqual(self.amount_of(order, self.tech_1), 10.0)

    def test_staff_level_rule_beats_the_general_rule(self):
        order = self.sell([(self.consult, 1, 100.0, {"shares": [(self.senior, 100)]})])
        self.assertEqual(self.amount_of(order, self.senior), 15.0)

    def test_category_rule_beats_the_staff_level_rule(self):
        order = self.sell([(self.haircut, 1, 100.0, {"shares": [(self.senior, 100)]})])
        self.assertEqual(self.amount_of(order, self.senior), 12.0)

    def test_deeper_category_beats_its_parent(self):
        order = self.sell([(self.dye, 1, 100.0, {"shares": [(self.tech_1, 100)]})])
        self.assertEqual(self.amount_of(order, self.tech_1), 20.0)

    def test_product_rule_pays_a_fixed_amount_per_unit(self):
        order = self.sell([(self.vip, 2, 200.0, {"shares": [(self.tech_1, 100)]})])
        line = self.commission(order, self.tech_1)
        self.assertEqual(line.amount, 60.0)
        self.assertEqual(line.rule_id.product_id, self.vip)

    def test_store_rule_does_not_apply_in_another_store(self):
        order = self.sell(
            [(self.vip, 1, 200.0, {"shares": [(self.tech_b, 100)]})],
            session=self.session_b,
            user=self.cashier_b,
        )
        # the VIP rule is store A's: in store B the category rule pays 12 %
        self.assertEqual(self.amount_of(order, self.tech_b), 24.0)

    def test_goods_percentage_of_the_amount_received(self):
        order = self.sell([(self.shampoo, 2, 45.0, {"shares": [(self.tech_1, 100)]})])
        self.assertEqual(self.amount_of(order, self.tech_1), 4.5)

    def test_list_price_base_ignores_the_price_charged(self):
        order = self.sell([(self.lotion, 1, 80.0, {"shares": [(self.tech_1, 100)]})])
        line = self.commission(order, self.tech_1)
        self.assertEqual((line.base, line.amount), (100.0, 10.0))

    def test_discounted_line_excluded_by_its_rule(self):
        order = self.sell(
            [(self.shampoo, 1, 50.0, {"shares": [(self.tech_1, 100)], "discount": 10.0})]
        )
        self.assertFalse(self.commission(order))
        self.assertTrue(order.chain_commission_posted)

    def test_progressive_tiers_over_the_period_total(self):
        first = self.sell([(self.massage, 1, 1000.0, {"shares": [(self.tech_1, 100)]})])
        second = self.sell([(self.massage, 1, 1000.0, {"shares": [(self.tech_1, 100)]})])
        self.assertEqual(self.amount_of(first, self.tech_1), 50.0)
        # 500 at 5 % up to 1,500, then 500 at 10 %
        self.assertEqual(self.amount_of(second, self.tech_1), 75.0)

    def test_whole_band_tiers_pay_the_reached_rate_on_the_whole_total(self):
        first = self.sell([(self.spa, 1, 1000.0, {"shares": [(self.tech_1, 100)]})])
        second = self.sell([(self.spa, 1, 1000.0, {"shares": [(self.tech_1, 100)]})])
        self.assertEqual(self.amount_of(first, self.tech_1), 50.0)
        # 2,000 at 10 % is 200, of which 50 was paid
        self.assertEqual(self.amount_of(second, self.tech_1), 150.0)

    def test_tiers_count_each_employee_separately(self):
        self.sell([(self.massage, 1, 1000.0, {"shares": [(self.tech_1, 100)]})])
        order = self.sell([(self.massage, 1, 1000.0, {"shares": [(self.tech_2, 100)]})])
        self.assertEqual(self.amount_of(order, self.tech_2), 50.0)

    def test_tier_function_values(self):
        plan = self.env["chain.commission.plan"].create(
            {"name": "Draft", "company_id": self.company.id, "date_from": "2019-01-01"}
        )
        rule = self.env["chain.commission.rule"].create(
            {
                "plan_id": plan.id,
                "event_type": "goods",
                "compute_mode": "tiers",
                "tier_mode": "progressive",
                "tier_ids": [
                    Command.create({"threshold": 100, "percentage": 10}),
                    Command.create({"threshold": 200, "percentage": 20}),
                ],
            }
        )
        self.assertEqual(rule._chain_tier_function(50), 0.0)
        self.assertEqual(rule._chain_tier_function(150), 5.0)
        self.assertEqual(rule._chain_tier_function(300), 30.0)
        rule.tier_mode = "whole"
        self.assertEqual(rule._chain_tier_function(150), 15.0)
        self.assertEqual(rule._chain_tier_function(300), 60.0)

    def test_event_types_of_lines(self):
        order = self.sell(
            [
                (self.consult, 1, 100.0, {"shares": [(self.tech_1, 100)]}),
                (self.shampoo, 1, 50.0, {"shares": [(self.tech_1, 100)]}),
            ]
        )
        service, goods = order.lines
        self.assertEqual(service._chain_commission_event_type(), "service")
        self.assertEqual(goods._chain_commission_event_type(), "goods")
        self.shampoo.chain_commission_event_type = "card_sale"
        self.assertEqual(goods._chain_commission_event_type(), "card_sale")

    def test_stored_value_share_leaves_the_base_when_the_rule_says_so(self):
        order = self.sell([(self.consult, 1, 100.0, {"shares": [(self.tech_1, 100)]})])
        Rule = self.env["chain.commission.rule"]
        keep = Rule.new({"base_type": "received", "exclude_stored_value": False})
        leave = Rule.new({"base_type": "received", "exclude_stored_value": True})
        self.assertEqual(order.lines._chain_commission_base(keep, 0.25), 100.0)
        self.assertEqual(order.lines._chain_commission_base(leave, 0.25), 75.0)

    def test_no_plan_in_force_no_commission(self):
        order_vals = self.order_vals(
            self.session_a,
            [(self.consult, 1, 100.0, {"shares": [(self.tech_1, 100)]})],
            date_order="2019-06-15 10:00:00",
        )
        order = self.sync(order_vals)
        self.assertEqual(order.state, "paid")
        self.assertFalse(self.commission(order))
