"""Two tills post the same employee's tiered commission at the same moment: real concurrent
transactions (separate cursors in separate threads, each committing).

A tiered rule pays at the rate of the employee's month total so far; without a turn, both
postings read the total without the other's line and both pay the lower band. The data is
committed (the other transaction must see it), so the test cleans it up afterwards; the
ledger's append-only trigger is lifted for that cleanup only.
"""

import threading
import uuid

from psycopg2 import errors

from odoo import SUPERUSER_ID, Command, api
from odoo.modules.registry import DummyRLock, Registry
from odoo.service.model import retrying
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestCommissionConcurrency(TransactionCase):
    def setUp(self):
        super().setUp()
        self.tag = uuid.uuid4().hex[:6]
        self.registry_ = self.env.registry
        with self.registry_.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            company = env.company
            # the company's plans in force (the demo's) give way to the test's, and come back
            cr.execute(
                "SELECT id, state FROM chain_commission_plan "
                "WHERE company_id = %s AND state != 'draft'",
                [company.id],
            )
            self.plans_put_back = cr.fetchall()
            cr.execute(
                "UPDATE chain_commission_plan SET state = 'draft' WHERE id IN %s",
                [tuple(row[0] for row in self.plans_put_back) or (0,)],
            )
            store = env["chain.store"].create(
                {"code": f"CC-{self.tag}", "name": f"Concurrency {self.tag}"}
            )
            level = env["chain.staff.level"].create(
                {"name": f"Technician {self.tag}", "code": f"L-{self.tag}"}
            )
            employee = env["hr.employee"].create(
                {
                    "name": f"Busy Technician {self.tag}",
                    "company_id": company.id,
                    "chain_staff_level_id": level.id,
                    "chain_store_ids": [Command.set(store.ids)],
                }
            )
            category = env["product.category"].create({"name": f"Massage {self.tag}"})
            product = env["product.product"].create(
                {
                    "name": f"Massage {self.tag}",
                    "type": "service",
                    "list_price": 1000.0,
                    "taxes_id": [Command.clear()],
                    "available_in_pos": True,
                    "categ_id": category.id,
                }
            )
            plan = env["chain.commission.plan"].create(
                {
                    "name": f"Tiers {self.tag}",
                    "company_id": company.id,
                    "date_from": "2020-01-01",
                    "rule_ids": [
                        Command.create(
                            {
                                "event_type": "service",
                                "categ_id": category.id,
                                "compute_mode": "tiers",
                                "tier_mode": "progressive",
                                "tier_ids": [
                                    Command.create({"threshold": 0, "percentage": 5}),
                                    Command.create({"threshold": 1500, "percentage": 10}),
                                ],
                            }
                        )
                    ],
                }
            )
            plan.action_activate()
            journal = env["account.journal"].create(
                {
                    "name": f"Cash {self.tag}",
                    "code": f"K{uuid.uuid4().hex[:4]}",
                    "type": "cash",
                    "company_id": company.id,
                }
            )
            cash = env["pos.payment.method"].create(
                {"name": f"Cash {self.tag}", "journal_id": journal.id}
            )
            config = env["pos.config"].create(
                {
                    "name": f"Till {self.tag}",
                    "chain_store_id": store.id,
                    "payment_method_ids": [Command.set(cash.ids)],
                }
            )
            config.open_ui()
            session = config.current_session_id
            session.set_opening_control(0, None)
            self.ids = {
                "store": store.id,
                "level": level.id,
                "employee": employee.id,
                "category": category.id,
                "product": product.id,
                "plan": plan.id,
                "config": config.id,
                "session": session.id,
                "cash": cash.id,
                "orders": [],
            }
            for _index in range(2):
                self.ids["orders"].append(self._draft_order(env, session, product, cash, employee))
        self.addCleanup(self._cleanup)

    def _draft_order(self, env, session, product, cash, employee):
        """A draft order of the till: the massage, paid in cash, served by ``employee``."""
        order = env["pos.order"].create(
            {
                "session_id": session.id,
                "company_id": session.company_id.id,
                "employee_id": employee.id,
                "amount_tax": 0.0,
                "amount_total": 1000.0,
                "amount_paid": 1000.0,
                "amount_return": 0.0,
                "uuid": str(uuid.uuid4()),
                "lines": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "qty": 1,
                            "price_unit": 1000.0,
                            "price_subtotal": 1000.0,
                            "price_subtotal_incl": 1000.0,
                        }
                    )
                ],
            }
        )
        order.add_payment(
            {
                "pos_order_id": order.id,
                "amount": 1000.0,
                "payment_method_id": cash.id,
                "session_id": session.id,
            }
        )
        return order.id

    def _cleanup(self):
        with self.registry_.cursor() as cr:
            cr.execute("SET LOCAL chain.allow_ledger_rewrite = 'on'")
            employee, orders = self.ids["employee"], tuple(self.ids["orders"])
            cr.execute("DELETE FROM chain_commission_line WHERE employee_id = %s", [employee])
            cr.execute("DELETE FROM chain_commission_tier_turn WHERE employee_id = %s", [employee])
            cr.execute("DELETE FROM chain_pos_order_line_share WHERE employee_id = %s", [employee])
            cr.execute("DELETE FROM pos_payment WHERE pos_order_id IN %s", [orders])
            cr.execute("DELETE FROM pos_order_line WHERE order_id IN %s", [orders])
            cr.execute("DELETE FROM pos_order WHERE id IN %s", [orders])
            cr.execute("DELETE FROM pos_session WHERE id = %s", [self.ids["session"]])
            cr.execute("UPDATE pos_config SET active = false WHERE id = %s", [self.ids["config"]])
            cr.execute("DELETE FROM chain_commission_plan WHERE id = %s", [self.ids["plan"]])
            for plan_id, state in self.plans_put_back:
                cr.execute(
                    "UPDATE chain_commission_plan SET state = %s WHERE id = %s", [state, plan_id]
                )
            cr.execute("DELETE FROM hr_employee WHERE id = %s", [employee])
            cr.execute("DELETE FROM chain_staff_level WHERE id = %s", [self.ids["level"]])
            cr.execute(
                "UPDATE product_product SET active = false WHERE id = %s", [self.ids["product"]]
            )
            cr.execute("UPDATE chain_store SET active = false WHERE id = %s", [self.ids["store"]])

    def _run_concurrently(self, jobs):
        """Run each job (a function of an env) in its own thread, cursor and transaction, each
        with its snapshot taken before any of them starts, through Odoo's request retry loop;
        return their outcomes and how many attempts each took."""
        barrier = threading.Barrier(len(jobs))
        outcomes = [None] * len(jobs)
        attempts = [0] * len(jobs)

        def worker(index, job):
            threading.current_thread().dbname = self.registry_.db_name
            with self.registry_.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                cr.execute("SELECT 1")  # take the transaction's snapshot before the race
                barrier.wait(timeout=30)

                def attempt():
                    attempts[index] += 1
                    return job(env)

                try:
                    outcomes[index] = ("ok", retrying(attempt, env))
                except (errors.SerializationFailure, errors.LockNotAvailable) as error:
                    cr.rollback()
                    outcomes[index] = ("gave up", str(error))

        threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
        # the test runner holds the registry lock for the whole run; a real server's worker
        # threads never wait on it (see chain_wallet's test_wallet_concurrency)
        saved_lock, Registry._lock = Registry._lock, DummyRLock()
        try:
            with mute_logger("odoo.service.model", "odoo.sql_db"):
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join(timeout=120)
        finally:
            Registry._lock = saved_lock
        self.assertFalse(any(thread.is_alive() for thread in threads), "a till hung")
        return outcomes, attempts

    def _pay(self, order_id, env):
        return env["pos.order"].browse(order_id).action_pos_order_paid()

    def test_two_tills_post_one_employees_tiered_commission_at_once(self):
        first, second = self.ids["orders"]
        outcomes, attempts = self._run_concurrently(
            [lambda env: self._pay(first, env), lambda env: self._pay(second, env)]
        )
        self.assertEqual([outcome[0] for outcome in outcomes], ["ok", "ok"], outcomes)
        self.assertGreaterEqual(
            max(attempts), 2, "the second posting read a stale total: it must be replayed"
        )
        with self.registry_.cursor() as cr:
            cr.execute(
                "SELECT amount, base FROM chain_commission_line "
                "WHERE employee_id = %s ORDER BY amount",
                [self.ids["employee"]],
            )
            lines = cr.fetchall()
        # progressive bands over the month: the first 1,000 at 5 % (50); the second 1,000
        # starts from 1,000: 500 at 5 % and 500 at 10 % (75). Both at 5 % would be 100 in all.
        self.assertEqual(lines, [(50.0, 1000.0), (75.0, 1000.0)])
