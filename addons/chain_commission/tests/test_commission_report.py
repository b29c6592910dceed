import base64
import io
import re
import zipfile

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import CommissionCase


@tagged("post_install", "-at_install")
class TestCommissionReport(CommissionCase):
    """The commission report (业务提成报表, ``chain_commission_report_action`` on the commission
    lines) against Odoo's sales report (``report.pos.order``), and the payroll sheet."""

    def _sales(self):
        a = self.sell(
            [
                (self.consult, 2, 100.0, {"shares": [(self.tech_1, 60), (self.tech_2, 40)]}),
                (self.haircut, 1, 100.0, {"shares": [(self.tech_1, 100)]}),
                (self.dye, 3, 100.0, {"shares": [(self.tech_2, 100)]}),
            ]
        )
        b = self.sell([(self.consult, 1, 100.0, {"shares": [(self.senior, 100)]})])
        # a partial refund, and an order in store B (another store, left out by the filter)
        refund = self.sync(self.refund_vals(a, {a.lines[0]: 1}))
        other = self.sell(
            [(self.consult, 5, 100.0, {"shares": [(self.tech_b, 100)]})],
            session=self.session_b,
            user=self.cashier_b,
        )
        return a, b, refund, other

    def test_the_commission_report_agrees_with_the_sales_report(self):
        a, b, refund, other = self._sales()
        period = self.commission(a)[0].period
        report = self.env["chain.commission.line"].read_group(
            [
                ("store_id", "=", self.store_a.id),
                ("period", "=", period),
                ("event_type", "=", "service"),
                ("kind", "in", ("sale", "clawback")),
            ],
            ["base:sum"],
            ["product_id"],
        )
        sales = self.env["report.pos.order"].read_group(
            [
                ("config_id", "=", self.config_a.id),
                ("date", ">=", period),
                ("product_id.type", "=", "service"),
            ],
            ["price_total:sum"],
            ["product_id"],
        )
        by_product = {row["product_id"][0]: self.currency.round(row["base"]) for row in report}
        sold = {row["product_id"][0]: self.currency.round(row["price_total"]) for row in sales}
        self.assertEqual(by_product, sold)
        self.assertEqual(
            by_product,
            {self.consult.id: 200.0, self.haircut.id: 100.0, self.dye.id: 300.0},
        )
        # by employee: each one's share of what they sold
        employees = self.env["chain.commission.line"].read_group(
            [("store_id", "=", self.store_a.id), ("kind", "in", ("sale", "clawback"))],
            ["base:sum", "amount:sum"],
            ["employee_id"],
        )
        self.assertEqual(
            {row["employee_id"][0]: row["base"] for row in employees},
            {
                self.tech_1.id: 120.0 - 60.0 + 100.0,
                self.tech_2.id: 80.0 - 40.0 + 300.0,
                self.senior.id: 100.0,
            },
        )

    def test_the_report_shows_each_role_its_own(self):
        self._sales()
        Line = self.env["chain.commission.line"]
        action = self.env.ref("chain_commission.chain_commission_report_action")
        self.assertEqual(action.res_model, "chain.commission.line")
        self.assertEqual(action.view_mode.split(",")[0], "pivot")
        mine = Line.with_user(self.tech_user_1).read_group([], ["amount:sum"], ["employee_id"])
        self.assertEqual([row["employee_id"][0] for row in mine], [self.tech_1.id])
        store_b = Line.with_user(self.manager_b).read_group([], ["amount:sum"], ["store_id"])
        self.assertEqual([row["store_id"][0] for row in store_b], [self.store_b.id])
        self.assertFalse(Line.with_user(self.merchant).search([]))


@tagged("post_install", "-at_install")
class TestCommissionPayroll(CommissionCase):
    def _approved(self):
        order = self.sell(
            [(self.consult, 2, 100.0, {"shares": [(self.tech_1, 60), (self.tech_2, 40)]})]
        )
        period = self.commission(order)[0].period
        settlements = self.env["chain.commission.settlement"]._generate(period, self.store_a)
        self.configure_accounts()
        settlements.with_user(self.manager_a).action_approve()
        return period, settlements

    def _strings(self, action):
        attachment = self.env["ir.attachment"].browse(
            int(action["url"].split("/")[3].split("?")[0])
        )
        with zipfile.ZipFile(io.BytesIO(base64.b64decode(attachment.datas))) as book:
            strings = book.read("xl/sharedStrings.xml").decode()
            sheet = book.read("xl/worksheets/sheet1.xml").decode()
        return re.findall(r"<t[^>]*>([^<]*)</t>", strings), sheet

    def test_the_payroll_sheet_lists_the_approved_settlements(self):
        period, settlements = self._approved()
        wizard = (
            self.env["chain.commission.payroll.export"]
            .with_user(self.manager_a)
            .create({"period": period, "store_ids": [(6, 0, self.store_a.ids)]})
        )
        strings, sheet = self._strings(wizard.action_export())
        self.assertIn("Tech One", strings)
        self.assertIn("Tech Two", strings)
        self.assertIn("Approved", strings)
        self.assertIn(settlements[:1].move_id.name, strings)
        # 10 % of 200 shared 60/40: 12 and 8, 20 for the store
        for value in ("12", "8", "20"):
            self.assertRegex(sheet, rf"<v>{value}(\.0+)?</v>")

    def test_only_managers_of_the_store_export_and_only_approved_months(self):
        period, _settlements = self._approved()
        Export = self.env["chain.commission.payroll.export"]
        with self.assertRaises(AccessError):
            Export.with_user(self.cashier_a).create({"period": period})
        wizard = Export.with_user(self.manager_b).create(
            {"period": period, "store_ids": [(6, 0, self.store_a.ids)]}
        )
        with self.assertRaises(AccessError):
            wizard.action_export()
        # store B has no approved settlement that month
        wizard = Export.with_user(self.manager_b).create(
            {"period": period, "store_ids": [(6, 0, self.store_b.ids)]}
        )
        with self.assertRaises(UserError):
            wizard.action_export()
        self.assertFalse(
            self.env["ir.attachment"].search(
                [("res_model", "=", "chain.commission.payroll.export")]
            )
        )
