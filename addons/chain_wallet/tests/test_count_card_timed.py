from datetime import timedelta

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common_wallet import WalletPosCase


@tagged("post_install", "-at_install")
class TestTimedService(WalletPosCase):
    """Timed services (计时消费): started and stopped at the till, charged by elapsed time."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.billiards = cls.env["product.product"].create(
            {
                "name": "Billiards (hour)",
                "type": "service",
                "list_price": 40.0,
                "available_in_pos": True,
                "chain_timed_service": True,
                "chain_time_unit_minutes": 60,
                "chain_time_rounding": "up",
                "chain_time_grace_minutes": 5,
                "chain_time_min_units": 1,
            }
        )

    def start(self, minutes_ago):
        values = (
            self.env["chain.timed.session"]
            .with_user(self.cashier_a)
            .chain_timer_start(self.member.id, self.billiards.id, self.config_a.id)
        )
        session = self.env["chain.timed.session"].browse(values["id"])
        session.sudo().start = session.start - timedelta(minutes=minutes_ago)
        return session

    def test_units_follow_the_rounding(self):
        session = self.start(0)
        cases = {
            "up": [(3, 0), (6, 1), (65, 1), (66, 2)],
            "down": [(64, 1), (66, 1), (125, 2)],
            "half_up": [(34, 1), (36, 1), (94, 1), (96, 2)],
        }
        for rounding, expected in cases.items():
            self.billiards.chain_time_rounding = rounding
            for minutes, units in expected:
                self.assertEqual(session._units_for(minutes), units, f"{rounding} {minutes} min")
        self.billiards.chain_time_min_units = 2
        self.billiards.chain_time_rounding = "up"
        self.assertEqual(session._units_for(20), 2)

    def test_stop_computes_the_charge_and_the_order_bills_it(self):
        session = self.start(130)
        values = session.with_user(self.cashier_a).chain_timer_stop()
        self.assertEqual((values["state"], values["units"]), ("stopped", 3))
        self.sync(
            self.order_vals(
                self.session_a,
                [(self.billiards, 3, 40.0, {"chain_timed_session_id": session.id})],
                [(self.cash_method, 120.0)],
            )
        )
        self.assertEqual(session.state, "billed")

    def test_the_order_cannot_charge_other_units(self):
        session = self.start(130)
        session.with_user(self.cashier_a).chain_timer_stop()
        vals = self.order_vals(
            self.session_a,
            [(self.billiards, 1, 40.0, {"chain_timed_session_id": session.id})],
            [(self.cash_method, 40.0)],
        )
        with self.assertRaisesRegex(UserError, "stopped at 3 units"):
            with self.env.cr.savepoint():
                self.sync(vals)

    def test_running_service_cannot_be_charged(self):
        session = self.start(30)
        vals = self.order_vals(
            self.session_a,
            [(self.billiards, 0, 40.0, {"chain_timed_session_id": session.id})],
            [(self.cash_method, 0.0)],
        )
        with self.assertRaisesRegex(UserError, "Stop the timed service"):
            with self.env.cr.savepoint():
                self.sync(vals)

    def test_only_timed_products_start(self):
        with self.assertRaisesRegex(UserError, "not a timed service"):
            self.env["chain.timed.session"].with_user(self.cashier_a).chain_timer_start(
                self.member.id, self.haircut.id, self.config_a.id
            )
