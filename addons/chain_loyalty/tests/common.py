from odoo import Command

from odoo.addons.chain_wallet.tests.common_wallet import WalletPosCase


class LoyaltyCase(WalletPosCase):
    """Stores, roles and tills with open sessions (chain_member's WalletPosCase), the chain's
    points program reset to plain rules (1 point per 1.00, rounded down, 12 months, a point worth
    0.01, no bonus, no multiplier), and helpers for the points service."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.program = cls.env.ref("chain_loyalty.points_program")
        cls.program.product_rule_ids.unlink()
        cls.program.write(
            {
                "earn_rate": 1.0,
                "earn_rounding": "down",
                "earn_on_points_payment": False,
                "earn_on_wallet_payment": True,
                "use_tier_multiplier": False,
                "birthday_multiplier": 1.0,
                "member_day_kind": "none",
                "member_day_multiplier": 1.0,
                "multiplier_combination": "multiply",
                "registration_bonus": 0,
                "first_order_bonus": 0,
                "first_order_threshold": 0,
                "checkin_points": 0,
                "expiry_mode": "months",
                "expiry_months": 12,
                "point_value": 0.01,
                "redeem_min_points": 0,
                "redeem_max_points": 0,
                "redeem_max_percent": 100,
                "adjust_approval_threshold": 1000,
            }
        )
        cls.points_method = cls.config_a.payment_method_ids.filtered("chain_points")
        assert cls.points_method, "a chain till gets the points payment method"
        cls.points_method_b = cls.config_b.payment_method_ids.filtered("chain_points")
        cls.category = cls.env["product.category"].create({"name": "Groceries"})
        cls.subcategory = cls.env["product.category"].create(
            {"name": "Tobacco", "parent_id": cls.category.id}
        )
        cls.rice = cls.env["product.product"].create(
            {
                "name": "Rice",
                "type": "consu",
                "list_price": 50.0,
                "categ_id": cls.category.id,
                "taxes_id": [Command.clear()],
                "available_in_pos": True,
            }
        )
        cls.cigarettes = cls.env["product.product"].create(
            {
                "name": "Cigarettes",
                "type": "consu",
                "list_price": 30.0,
                "categ_id": cls.subcategory.id,
                "taxes_id": [Command.clear()],
                "available_in_pos": True,
            }
        )
        cls.Move = cls.env["chain.points.move"].sudo()

    # ------------------------------------------------------------------------------------------
    def earn(self, points, member=None, store=None, key=None, **kwargs):
        member = (member or self.member).sudo()
        return member._chain_points_account()._earn(
            points, store=store or self.store_a, key=key, **kwargs
        )

    def points(self, member=None):
        member = member or self.member
        member.invalidate_recordset(["points_balance"])
        return member.sudo().points_balance

    def sell(self, lines, payments=None, partner=None, user=None, session=None, **kwargs):
        """Sync a paid order of ``lines`` [(product, qty, price)] in store A, paid in cash by
        default; return the order."""
        session = session or self.session_a
        total = sum(qty * price for _product, qty, price, *_extra in lines)
        cash = self.cash_method if session == self.session_a else self.cash_method_b
        payments = payments if payments is not None else [(cash, total)]
        return self.sync(
            self.order_vals(session, lines, payments, partner=partner, **kwargs), user=user
        )

    def assertLedgerConsistent(self):
        self.assertEqual(self.Move._check_ledger_consistency(), [])
