from dateutil.relativedelta import relativedelta

from odoo import fields, http
from odoo.tests import HttpCase, new_test_user, tagged

from .common import LoyaltyCase


@tagged("post_install", "-at_install")
class TestPointsStatement(LoyaltyCase):
    def test_statement_shows_balance_value_and_soonest_expiry(self):
        today = fields.Date.context_today(self.member)
        self.earn(1000, expiry=today + relativedelta(days=10))
        self.earn(500)
        statement = self.member._chain_points_statement()
        self.assertEqual((statement["balance"], statement["value"]), (1500, 15.0))
        self.assertEqual([lot.remaining for lot in statement["expiring"]], [1000, 500])
        self.assertEqual(len(statement["moves"]), 2)

    def test_projection_at_the_members_pace(self):
        today = fields.Date.context_today(self.member)
        self.member.member_since = today - relativedelta(days=100)
        self.cr.execute(
            "UPDATE chain_points_program SET expiry_mode = 'none' WHERE id = %s", [self.program.id]
        )
        self.program.invalidate_recordset()
        self.earn(1000)
        projection = self.member._chain_points_projection(today)
        days_left = (today.replace(month=12, day=31) - today).days
        self.assertEqual(projection["daily"], 10.0)
        self.assertEqual(projection["points"], 1000 + 10 * days_left)
        self.assertEqual(projection["value"], round((1000 + 10 * days_left) * 0.01, 2))

    def test_outstanding_points_are_valued_for_the_liability_report(self):
        self.earn(1200, store=self.store_a)
        self.earn(300, store=self.store_b)
        rows = self.env["chain.points.liability.report"].search(
            [("partner_id", "=", self.member.id)]
        )
        self.assertEqual(sum(rows.mapped("remaining")), 1500)
        self.assertEqual(sum(rows.mapped("value")), 15.0)

    def test_till_summary_carries_points_and_alerts(self):
        self.earn(250)
        summary = (
            self.env["res.partner"]
            .with_user(self.cashier_a)
            .chain_lookup_member(self.member.mobile)
        )
        self.assertEqual((summary["points_balance"], summary["points_value"]), (250, 2.5))
        self.assertIn("alerts", summary)

    def test_till_summary_follows_the_program_and_the_ledger_at_once(self):
        """The till's figures are read with the member (balance) or cached (the program's
        rules): a change of either shows at the next lookup, in the same transaction."""
        lookup = self.env["res.partner"].with_user(self.cashier_a).chain_lookup_member
        self.earn(250)
        self.assertEqual(lookup(self.member.mobile)["points_balance"], 250)
        self.program.write({"point_value": 0.05, "redeem_min_points": 100})
        self.earn(50)
        summary = lookup(self.member.member_code)
        self.assertEqual(summary["points_balance"], 300)
        self.assertEqual(summary["points_value"], 15.0)
        self.assertEqual(summary["redeem_min_points"], 100)

    def test_till_quick_registration(self):
        result = (
            self.env["res.partner"]
            .with_user(self.cashier_a)
            .chain_pos_register(
                {"name": "Quick Member", "mobile": "138 0013 8777"}, self.config_a.id
            )
        )
        partner = self.env["res.partner"].browse(result["res.partner"][0]["id"])
        self.assertTrue(partner.is_member)
        self.assertEqual((partner.mobile, partner.home_store_id), ("+8613800138777", self.store_a))
        self.assertEqual(result["summary"]["points_balance"], 0)


@tagged("post_install", "-at_install")
class TestPointsPortal(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        program = cls.env.ref("chain_loyalty.points_program")
        program.write(
            {"checkin_points": 5, "expiry_mode": "months", "expiry_months": 12, "point_value": 0.01}
        )
        store = cls.env["chain.store"].create({"code": "PORTAL-P", "name": "Portal Store"})
        cls.member = cls.env["res.partner"].chain_register_member(
            {"name": "Portal Member", "mobile": "13900139555"}, store=store
        )
        cls.member._chain_points_account()._earn(1200, store=store)
        new_test_user(
            cls.env,
            login="points_portal",
            password="points_portal1",
            groups="base.group_portal",
            partner_id=cls.member.id,
        )

    def test_member_sees_the_statement_and_checks_in(self):
        self.authenticate("points_portal", "points_portal1")
        page = self.url_open("/my/points")
        self.assertEqual(page.status_code, 200)
        self.assertIn("o_chain_points_balance", page.text)
        self.assertIn("1200", page.text)
        self.assertIn("At your pace", page.text)
        self.url_open("/my/points/checkin", data={"csrf_token": http.Request.csrf_token(self)})
        self.assertEqual(self.member.points_balance, 1205)
        self.assertIn("o_chain_points_checked_in", self.url_open("/my/points").text)
