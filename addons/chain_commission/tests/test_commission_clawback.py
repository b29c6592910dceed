from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.tests import tagged

from .common import CommissionCase


@tagged("post_install", "-at_install")
class TestCommissionClawback(CommissionCase):
    """A refund takes back, pro rata, what the refunded line earned, from the same employees."""

    def _sell_split(self, qty=4, **values):
        return self.sell(
            [(self.consult, qty, 100.0, {"shares": [(self.tech_1, 60), (self.tech_2, 40)]})],
            **values,
        )

    def test_partial_refund_claws_back_pro_rata_from_both(self):
        order = self._sell_split()
        self.assertEqual(self.amount_of(order, self.tech_1), 24.0)
        self.assertEqual(self.amount_of(order, self.tech_2), 16.0)
        refund = self.sync(self.refund_vals(order, {order.lines: 1}))
        clawbacks = self.commission(refund, kind="clawback")
        self.assertEqual(len(clawbacks), 2)
        self.assertEqual(self.amount_of(refund, self.tech_1), -6.0)
        self.assertEqual(self.amount_of(refund, self.tech_2), -4.0)
        self.assertEqual(
            sorted(clawbacks.mapped("share")), [40.0, 60.0], "the shares of the original line"
        )
        self.assertEqual(clawbacks.origin_id, self.commission(order))

    def test_refund_line_shares_do_not_redirect_the_clawback(self):
        order = self._sell_split()
        vals = self.refund_vals(order, {order.lines: 2})
        vals["lines"][0][2]["chain_staff_share_ids"] = [
            (0, 0, {"employee_id": self.senior.id, "share": 100})
        ]
        refund = self.sync(vals)
        self.assertFalse(self.commission(refund, self.senior))
        self.assertEqual(self.amount_of(refund, self.tech_1), -12.0)

    def test_resync_of_a_refund_claws_back_once(self):
        order = self._sell_split()
        vals = self.refund_vals(order, {order.lines: 1})
        refund = self.sync(dict(vals))
        self.sync(dict(vals))
        self.assertEqual(len(self.commission(refund)), 2)

    def test_clawback_lands_in_the_refunds_period(self):
        last_month = fields.Datetime.now() - relativedelta(months=1)
        order = self._sell_split(date_order=fields.Datetime.to_string(last_month))
        sale_period = self.commission(order)[0].period
        settlements = self.env["chain.commission.settlement"]._generate(sale_period, self.store_a)
        self.configure_accounts()
        settlements.with_user(self.manager_a).action_approve()
        approved_total = settlements.filtered(lambda s: s.employee_id == self.tech_1).amount_total
        refund = self.sync(self.refund_vals(order, {order.lines: 2}))
        clawback = self.commission(refund, self.tech_1)
        this_month = fields.Date.context_today(clawback).replace(day=1)
        self.assertEqual(clawback.period, this_month)
        self.assertNotEqual(clawback.period, sale_period)
        settlements.invalidate_recordset()
        tech_1_settlement = settlements.filtered(lambda s: s.employee_id == self.tech_1)
        self.assertEqual(tech_1_settlement.amount_total, approved_total)
        self.assertNotIn(clawback, tech_1_settlement.line_ids)

    def test_clawback_in_a_settled_month_moves_to_the_next_open_month(self):
        order = self._sell_split()
        period = self.commission(order)[0].period
        self.configure_accounts()
        settlements = self.env["chain.commission.settlement"]._generate(period, self.store_a)
        settlements.with_user(self.manager_a).action_approve()
        refund = self.sync(self.refund_vals(order, {order.lines: 1}))
        for clawback in self.commission(refund):
            self.assertEqual(clawback.period, period + relativedelta(months=1))
        self.assertEqual(
            settlements.filtered(lambda s: s.employee_id == self.tech_1).amount_total, 24.0
        )
