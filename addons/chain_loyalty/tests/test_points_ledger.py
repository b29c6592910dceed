from datetime import date

import psycopg2
from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import LoyaltyCase


@tagged("post_install", "-at_install")
class TestPointsLedger(LoyaltyCase):
    def test_earning_opens_a_lot_that_expires_by_the_program(self):
        move = self.earn(120)
        today = fields.Date.context_today(self.member)
        self.assertEqual(self.points(), 120)
        self.assertEqual((move.kind, move.points, move.balance_after), ("earn", 120, 120))
        lot = move.lot_id
        self.assertEqual((lot.points, lot.remaining), (120, 120))
        self.assertEqual(lot.expiry_date, today + relativedelta(months=12, days=-1))
        self.assertLedgerConsistent()

    def test_expiry_at_the_end_of_a_period(self):
        self.program.write(
            {"expiry_mode": "period_end", "expiry_period": "year", "expiry_periods_after": 1}
        )
        self.assertEqual(self.program._expiry_date(date(2025, 3, 14)), date(2026, 12, 31))
        self.program.write({"expiry_period": "quarter", "expiry_periods_after": 0})
        self.assertEqual(self.program._expiry_date(date(2025, 5, 2)), date(2025, 6, 30))
        self.program.write({"expiry_mode": "none"})
        self.assertFalse(self.program._expiry_date(date(2025, 5, 2)))

    def test_spending_takes_the_lots_expiring_first(self):
        late = self.earn(100, expiry=date(2099, 1, 1)).lot_id
        never = self.earn(100, expiry=False).lot_id
        early = self.earn(100, expiry=date(2098, 1, 1)).lot_id
        move = self.member.sudo()._chain_points_account()._spend(150, store=self.store_a)
        self.assertEqual((early.remaining, late.remaining, never.remaining), (0, 50, 100))
        self.assertEqual(
            sorted((a.lot_id.id, a.points) for a in move.allocation_ids),
            sorted([(early.id, 100), (late.id, 50)]),
        )
        self.assertEqual(self.points(), 150)
        self.assertLedgerConsistent()

    def test_spending_more_than_the_balance_is_refused(self):
        self.earn(80)
        with self.assertRaisesRegex(
            UserError, "Insufficient points: .* has 80 points, 100 are needed"
        ):
            self.member.sudo()._chain_points_account()._spend(100, store=self.store_a)
        self.assertEqual(self.points(), 80)

    def test_a_member_without_an_account_gets_an_unsaved_one_until_a_credit(self):
        member = self.env["res.partner"].create(
            {"name": "Member Without Points", "is_member": True, "mobile": "13800138177"}
        )
        account = member.with_user(self.cashier_a)._chain_points_account()
        self.assertFalse(account.id, "no account row is opened by a lookup")
        self.assertEqual(account.partner_id, member)
        self.assertFalse(self.env["chain.points.account"]._find(member))
        with self.assertRaisesRegex(UserError, "Insufficient points"):
            account._spend(10, store=self.store_a)
        move = account._earn(30, store=self.store_a)
        saved = member.with_user(self.cashier_a)._chain_points_account()
        self.assertTrue(saved.id)
        self.assertEqual(move.account_id, saved)
        self.assertEqual(saved.env.uid, self.cashier_a.id, "the caller's environment")
        saved._spend(10, store=self.store_a)
        self.assertEqual(self.points(member), 20)
        self.assertLedgerConsistent()

    def test_nightly_job_expires_due_lots_first_in_first_out(self):
        today = fields.Date.context_today(self.member)
        old = self.earn(100, expiry=today - relativedelta(days=1)).lot_id
        due_today = self.earn(40, expiry=today).lot_id
        fresh = self.earn(60).lot_id
        self.member.sudo()._chain_points_account()._spend(
            30, store=self.store_a
        )  # from the oldest lot
        self.assertEqual(old.remaining, 70)
        members = self.env["res.partner"]._chain_points_expire(today=today)
        self.assertEqual(members, 1)
        old.invalidate_recordset()
        self.assertEqual((old.remaining, due_today.remaining, fresh.remaining), (0, 40, 60))
        self.assertEqual(self.points(), 100)
        expiry = self.Move.search([("partner_id", "=", self.member.id), ("kind", "=", "expire")])
        self.assertEqual((expiry.points, expiry.balance_after), (-70, 100))
        self.assertEqual(expiry.allocation_ids.lot_id, old)
        # a second run the same night finds nothing more to expire
        self.assertEqual(self.env["res.partner"]._chain_points_expire(today=today), 0)
        self.assertLedgerConsistent()

    def test_nightly_job_keeps_one_expire_move_per_store(self):
        yesterday = fields.Date.context_today(self.member) - relativedelta(days=1)
        self.earn(10, expiry=yesterday)
        self.earn(20, store=self.store_b, expiry=yesterday)
        self.env["res.partner"]._chain_points_expire()
        moves = self.Move.search([("partner_id", "=", self.member.id), ("kind", "=", "expire")])
        self.assertEqual(
            sorted((m.store_id.id, m.points) for m in moves),
            sorted([(self.store_a.id, -10), (self.store_b.id, -20)]),
        )
        self.assertEqual(sorted(moves.mapped("balance_after")), [0, 20])
        self.assertEqual(self.points(), 0)
        self.assertLedgerConsistent()

    def test_the_same_key_posts_once(self):
        first = self.earn(50, key="import:42")
        again = self.earn(50, key="import:42")
        self.assertEqual(first, again)
        self.assertEqual(self.points(), 50)
        with self.assertRaisesRegex(
            UserError, r"already used for another operation \(Points Move\)"
        ):
            self.member.sudo()._chain_points_account()._spend(
                10, store=self.store_a, key="import:42"
            )

    def test_balance_is_shared_by_every_store_and_company(self):
        self.earn(100, store=self.store_a)
        self.member.with_user(self.cashier_b)._chain_points_account()._spend(60, store=self.store_b)
        self.assertEqual(self.points(), 40)
        self.assertEqual(self.member.with_user(self.cashier_b).points_balance, 40)

    def test_balance_never_goes_negative_even_in_raw_sql(self):
        self.earn(10)
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(psycopg2.errors.CheckViolation),
            self.cr.savepoint(),
        ):
            self.cr.execute(
                "UPDATE chain_points_account SET balance = -5 WHERE partner_id = %s",
                [self.member.id],
            )

    def test_the_ledger_is_append_only(self):
        move = self.earn(10)
        self.member.sudo()._chain_points_account()._spend(5, store=self.store_a)
        with self.assertRaises(UserError):
            move.write({"points": 1000})
        with self.assertRaises(UserError):
            move.unlink()
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(psycopg2.errors.RaiseException),
            self.cr.savepoint(),
        ):
            self.cr.execute("UPDATE chain_points_move SET points = 1000 WHERE id = %s", [move.id])
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(psycopg2.errors.RaiseException),
            self.cr.savepoint(),
        ):
            self.cr.execute("DELETE FROM chain_points_allocation")

    def test_consistency_check_finds_a_tampered_balance(self):
        self.earn(10)
        self.assertLedgerConsistent()
        self.cr.execute(
            "UPDATE chain_points_account SET balance = 11 WHERE partner_id = %s", [self.member.id]
        )
        problems = self.Move._check_ledger_consistency()
        self.assertEqual(problems, [(self.member.id, 11, 10, 10)])

    def test_points_balance_is_searchable(self):
        self.earn(300)
        Partner = self.env["res.partner"]
        self.assertIn(self.member, Partner.search([("points_balance", ">=", 300)]))
        self.assertNotIn(self.member, Partner.search([("points_balance", "=", 0)]))
        self.assertIn(self.member_2, Partner.search([("points_balance", "=", 0)]))

    def test_non_member_cannot_hold_points(self):
        outsider = self.env["res.partner"].create({"name": "Walk-in"})
        with self.assertRaisesRegex(UserError, "not a member"):
            outsider.sudo()._chain_points_account()._earn(10, store=self.store_a)
