"""The cost the suite adds to the POS order sync, against stock Odoo's sync in the same run.

    ./run bench bench_order_sync [--db chain_bench_sync] [--orders 300] [--batch 10]
                                 [--points-share 0.25] [--json bench/results/bench_order_sync.json]

Creates (once) two throwaway databases, both without demo data:

- ``<db>_stock``: point_of_sale + pos_loyalty (stock Odoo);
- ``<db>_suite``: chain_loyalty (with chain_member): the suite's order sync, where the server
  computes and books the member's points, re-checks member promotions, records the member's
  spend and tier, and guards the order uuid.

In each, a till with an open session, three products and a customer (a member with points in
the suite). Then, alternating batches of ``--batch`` orders between the two databases (so that
both see the same machine load), it syncs ``--orders`` orders in each the way the till does:
``pos.order.sync_from_ui([order])`` as the POS user, one cursor and one commit per order (a
request's transaction), 3 lines each, paid in cash; in the suite, ``--points-share`` of the
orders also pay 1.00 with points. Prints ms/order (median, mean, p90), SQL statements per order
and the ratio suite/stock (target: at most 1.15), then checks that the points ledger agrees
with the balances.
"""

import argparse
import json
import statistics
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

from common import ensure_database, load_registry, percentile

import odoo
from odoo import Command, fields

HERE = Path(__file__).resolve().parent


class Till:
    """One database's till: its session, products, customer and payment methods."""

    def __init__(self, registry, suite, commission=False):
        self.registry = registry
        self.suite = suite
        self.commission = commission
        self.staff = []
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
            self._setup(env)
            cr.commit()

    def _setup(self, env):
        company = env.company
        tag = "bench-sync"
        products = env["product.product"].search([("default_code", "like", f"{tag}-%")], order="id")
        if not products:
            products = env["product.product"].create(
                [
                    {
                        "name": f"Bench product {index}",
                        "default_code": f"{tag}-{index}",
                        "type": "consu",
                        "list_price": price,
                        "taxes_id": [Command.clear()],
                        "available_in_pos": True,
                    }
                    for index, price in enumerate((12.5, 30.0, 57.5))
                ]
            )
        self.products = [(product.id, product.list_price) for product in products]
        config = env["pos.config"].search([("name", "=", "Bench Sync Till")], limit=1)
        if not config:
            journal = env["account.journal"].create(
                {"name": "Bench cash", "code": "BSYN", "type": "cash", "company_id": company.id}
            )
            cash = env["pos.payment.method"].create(
                {"name": "Bench cash", "journal_id": journal.id, "company_id": company.id}
            )
            values = {"name": "Bench Sync Till", "payment_method_ids": [Command.set(cash.ids)]}
            if self.suite:
                store = env["chain.store"].search([("code", "=", "BENCH")], limit=1) or env[
                    "chain.store"
                ].create({"code": "BENCH", "name": "Bench store", "kind": "direct"})
                values["chain_store_id"] = store.id
            config = env["pos.config"].create(values)
        if not config.current_session_id:
            admin = env.ref("base.user_admin")  # the superuser may not open a session
            config.with_user(admin).open_ui()
            config.current_session_id.with_user(admin).set_opening_control(0, None)
        self.session_id = config.current_session_id.id
        self.pricelist_id = config.pricelist_id.id
        methods = config.payment_method_ids
        self.cash_id = methods.filtered("is_cash_count")[:1].id
        self.points_id = methods.filtered("chain_points")[:1].id if self.suite else False
        Partner = env["res.partner"]
        if self.suite:
            partner = Partner.search([("mobile", "=", "+8613900990001")], limit=1)
            if not partner:
                partner = Partner.chain_register_member(
                    {"name": "Bench Member", "mobile": "13900990001"}, store=config.chain_store_id
                )
            if partner.points_balance < 1_000_000:
                partner._chain_points_account()._earn(
                    10_000_000, store=config.chain_store_id, key=f"bench:{uuid.uuid4()}"
                )
            program = env.ref("chain_loyalty.points_program")
            program.write(
                {"redeem_min_points": 0, "redeem_max_points": 0, "redeem_max_percent": 100}
            )
        else:
            partner = Partner.search([("name", "=", "Bench Customer")], limit=1) or Partner.create(
                {"name": "Bench Customer"}
            )
        self.partner_id = partner.id
        self.user_id = env.ref("base.user_admin").id
        if self.commission:
            self._setup_commission(env, config)

    def _setup_commission(self, env, config):
        """chain_commission: two employees of the till's store and a plan in force paying 5 %
        on goods; each order's first line is shared 60/40 between them, the others go to the
        cashier's employee (none here: they earn nothing)."""
        store = config.chain_store_id
        Employee = env["hr.employee"]
        staff = Employee.search([("name", "in", ("Bench Tech A", "Bench Tech B"))], order="name")
        if not staff:
            staff = Employee.create(
                [
                    {"name": name, "chain_store_ids": [Command.set(store.ids)]}
                    for name in ("Bench Tech A", "Bench Tech B")
                ]
            )
        Plan = env["chain.commission.plan"]
        if not Plan.search([("name", "=", "Bench plan"), ("state", "=", "active")]):
            Plan.create(
                {
                    "name": "Bench plan",
                    "date_from": "2020-01-01",
                    "rule_ids": [
                        Command.create(
                            {"event_type": "goods", "compute_mode": "percentage", "percentage": 5}
                        )
                    ],
                }
            ).action_activate()
        self.staff = staff.ids

    def order(self, pay_with_points=False, staff=True):
        lines, total = [], 0.0
        for index, (product_id, price) in enumerate(self.products):
            total += price
            line = {
                "product_id": product_id,
                "qty": 1,
                "price_unit": price,
                "price_subtotal": price,
                "price_subtotal_incl": price,
                "discount": 0.0,
                "tax_ids": [Command.set([])],
                "uuid": str(uuid.uuid4()),
            }
            if staff and self.staff and index == 0:
                line["chain_staff_share_ids"] = [
                    Command.create({"employee_id": employee_id, "share": share})
                    for employee_id, share in zip(self.staff, (60, 40), strict=True)
                ]
            lines.append(Command.create(line))
        payments = (
            [(self.points_id, 1.0), (self.cash_id, total - 1.0)]
            if pay_with_points
            else [(self.cash_id, total)]
        )
        order_uuid = str(uuid.uuid4())
        return {
            "uuid": order_uuid,
            "name": f"Order {order_uuid[:13]}",
            "session_id": self.session_id,
            "partner_id": self.partner_id,
            "pricelist_id": self.pricelist_id,
            "fiscal_position_id": False,
            "amount_paid": total,
            "amount_total": total,
            "amount_tax": 0.0,
            "amount_return": 0.0,
            "lines": lines,
            "payment_ids": [
                Command.create(
                    {
                        "amount": amount,
                        "payment_method_id": method_id,
                        "payment_date": fields.Datetime.to_string(fields.Datetime.now()),
                        "uuid": str(uuid.uuid4()),
                    }
                )
                for method_id, amount in payments
            ],
            "state": "paid",
            "sequence_number": 1,
            "user_id": self.user_id,
            "date_order": fields.Datetime.to_string(fields.Datetime.now()),
            "to_invoice": False,
            "last_order_preparation_change": "{}",
        }

    def sync(self, vals):
        """One request: sync one order in its own transaction; return (ms, SQL statements)."""
        with self.registry.cursor() as cr:
            env = odoo.api.Environment(cr, self.user_id, {})
            start_count = cr.sql_log_count
            start = time.perf_counter()
            # what the HTTP layer reads before the method runs (the session check): the
            # request's transaction is open when sync_from_ui starts
            cr.execute("SELECT login, active FROM res_users WHERE id = %s", [self.user_id])
            result = env["pos.order"].sync_from_ui([vals])
            cr.commit()
            elapsed = (time.perf_counter() - start) * 1000
            assert result["pos.order"], "the order was not saved"
            return elapsed, cr.sql_log_count - start_count


def summary(samples):
    times = [t for t, _q in samples]
    queries = [q for _t, q in samples]
    return {
        "orders": len(samples),
        "median_ms": statistics.median(times),
        "mean_ms": statistics.fmean(times),
        "p90_ms": percentile(times, 90),
        "sql_per_order": statistics.fmean(queries),
    }


@contextmanager
def commission_switched_off(off):
    """While ``off``: chain_commission's order-sync hooks do nothing in this process (no
    posting, no shares in the answer); the orders then name no staff."""
    if not off:
        yield
        return
    from odoo.addons.chain_commission.models.pos_order import PosOrder

    saved = {name: PosOrder.__dict__[name] for name in ("_chain_commission_post", "sync_from_ui")}

    def sync_from_ui(self, orders):
        return super(PosOrder, self).sync_from_ui(orders)

    PosOrder._chain_commission_post = lambda self: None
    PosOrder.sync_from_ui = odoo.api.model(sync_from_ui)
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(PosOrder, name, value)


def run_commission_job(registry):
    """Post the orders the deferred batches left pending, the way the minute's job does
    (committed batches); return its figures."""
    with registry.cursor() as cr:
        cr.execute("SELECT count(*) FROM pos_order WHERE chain_commission_pending")
        pending = cr.fetchone()[0]
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        start = time.perf_counter()
        posted = env["chain.commission.line"]._cron_post_pending_pos_orders(commit=True)
        elapsed = (time.perf_counter() - start) * 1000
        cr.commit()
    return {"pending": pending, "posted": posted, "ms": elapsed}


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", default="chain_bench_sync", help="prefix of the two databases")
    parser.add_argument("--orders", type=int, default=300, help="orders timed in each database")
    parser.add_argument("--batch", type=int, default=10, help="orders per alternating batch")
    parser.add_argument(
        "--warmup", type=int, default=20, help="untimed orders in each database first"
    )
    parser.add_argument(
        "--points-share", type=float, default=0.25, help="suite orders paying partly with points"
    )
    parser.add_argument(
        "--commission",
        action="store_true",
        help="also a third database with chain_commission (staff shares and a plan in force): "
        "its ratio to stock against the suite's, in the same run",
    )
    parser.add_argument("--json", help="write the figures to this file")
    args = parser.parse_args()

    stock_db, suite_db = f"{args.db}_stock", f"{args.db}_suite"
    ensure_database(stock_db, "point_of_sale,pos_loyalty")
    ensure_database(suite_db, "chain_loyalty")
    load_registry(stock_db)
    stock = Till(odoo.modules.registry.Registry(stock_db), suite=False)
    suite = Till(odoo.modules.registry.Registry(suite_db), suite=True)
    tills = {"stock": stock, "suite": suite}
    if args.commission:
        commission_db = f"{args.db}_commission"
        ensure_database(commission_db, "chain_loyalty,chain_commission")
        tills["commission"] = Till(
            odoo.modules.registry.Registry(commission_db), suite=True, commission=True
        )
        # the same till, its company posting commission after the sync (the minute's job)
        tills["deferred"] = tills["commission"]
        # the same till with chain_commission's sync work switched off in this process: what
        # the addons chain_commission installs (pos_hr, hr, hr_attendance, the wallet's
        # bridge) cost the sync by themselves, without a share or a commission line
        tills["footprint"] = tills["commission"]
    every = round(1 / args.points_share) if args.points_share > 0 else 0

    def set_deferred(name):
        if "deferred" in tills and name in ("commission", "deferred", "footprint"):
            with tills[name].registry.cursor() as cr:
                cr.execute(
                    "UPDATE res_company SET chain_commission_pos_deferred = %s",
                    [name == "deferred"],
                )

    for index in range(args.warmup):
        stock.sync(stock.order())
        for name in ("suite", "commission", "deferred", "footprint"):
            if name in tills:
                set_deferred(name)
                with commission_switched_off(name == "footprint"):
                    tills[name].sync(
                        tills[name].order(
                            pay_with_points=bool(every) and index % every == 0,
                            staff=name != "footprint",
                        )
                    )

    results = {name: [] for name in tills}
    done = 0
    while done < args.orders:
        count = min(args.batch, args.orders - done)
        for _i in range(count):
            results["stock"].append(stock.sync(stock.order()))
        for name in ("suite", "commission", "deferred", "footprint"):
            if name not in tills:
                continue
            set_deferred(name)
            with commission_switched_off(name == "footprint"):
                for offset in range(count):
                    points = bool(every) and (done + offset) % every == 0
                    order = tills[name].order(pay_with_points=points, staff=name != "footprint")
                    results[name].append(tills[name].sync(order))
        done += count
    job = run_commission_job(tills["deferred"].registry) if "deferred" in tills else None

    figures = {name: summary(samples) for name, samples in results.items()}
    figures["ratio_median"] = figures["suite"]["median_ms"] / figures["stock"]["median_ms"]
    figures["ratio_mean"] = figures["suite"]["mean_ms"] / figures["stock"]["mean_ms"]
    figures["added_ms_median"] = figures["suite"]["median_ms"] - figures["stock"]["median_ms"]
    if "commission" in tills:
        stock_median = figures["stock"]["median_ms"]
        figures["commission_ratio_median"] = figures["commission"]["median_ms"] / stock_median
        figures["commission_ratio_mean"] = (
            figures["commission"]["mean_ms"] / figures["stock"]["mean_ms"]
        )
        figures["commission_adds_to_ratio"] = (
            figures["commission_ratio_median"] / figures["ratio_median"] - 1
        )
        figures["footprint_ratio_median"] = figures["footprint"]["median_ms"] / stock_median
        footprint_ratio = figures["footprint_ratio_median"]
        figures["footprint_adds_to_ratio"] = footprint_ratio / figures["ratio_median"] - 1
        figures["commission_adds_to_footprint"] = (
            figures["commission_ratio_median"] / footprint_ratio - 1
        )
        figures["deferred_ratio_median"] = figures["deferred"]["median_ms"] / stock_median
        figures["deferred_adds_to_footprint"] = (
            figures["deferred_ratio_median"] / footprint_ratio - 1
        )
        figures["deferred_adds_to_ratio"] = (
            figures["deferred_ratio_median"] / figures["ratio_median"] - 1
        )
        figures["job"] = job
        with tills["commission"].registry.cursor() as cr:
            cr.execute("SELECT count(*), count(DISTINCT pos_order_id) FROM chain_commission_line")
            figures["commission_lines"], figures["commission_orders"] = cr.fetchone()
            cr.execute("SELECT count(*) FROM pos_order WHERE chain_commission_pending")
            figures["commission_pending_left"] = cr.fetchone()[0]

    with suite.registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        figures["ledger_differences"] = len(env["chain.points.move"]._check_ledger_consistency())

    labels = {
        "stock": "stock Odoo (point_of_sale + pos_loyalty)",
        "suite": "suite (chain_loyalty)",
        "commission": "suite + chain_commission (shares, plan)",
        "deferred": "the same, commission posted by the job",
        "footprint": "the same, commission switched off",
    }
    for name in tills:
        data = figures[name]
        label = labels[name]
        print(
            f"{label:<42} median {data['median_ms']:7.1f} ms  mean {data['mean_ms']:7.1f} ms  "
            f"p90 {data['p90_ms']:7.1f} ms  SQL/order {data['sql_per_order']:6.1f}  "
            f"(n={data['orders']})"
        )
    print(
        f"suite / stock: {figures['ratio_median']:.3f} (median), "
        f"{figures['ratio_mean']:.3f} (mean); "
        f"added {figures['added_ms_median']:.1f} ms per order; target <= 1.15"
    )
    print(f"points ledger differences: {figures['ledger_differences']}")
    if "commission" in tills:
        print(
            f"with chain_commission / stock: {figures['commission_ratio_median']:.3f} (median), "
            f"{figures['commission_ratio_mean']:.3f} (mean); it adds "
            f"{figures['commission_adds_to_ratio'] * 100:.1f} % to the suite's ratio (target "
            f"<= 5 %); {figures['commission_lines']} commission lines on "
            f"{figures['commission_orders']} orders"
        )
        print(
            f"commission switched off / stock: {figures['footprint_ratio_median']:.3f} "
            f"(median): the modules chain_commission installs add "
            f"{figures['footprint_adds_to_ratio'] * 100:.1f} % to the suite's ratio by "
            f"themselves; over that, commission in the sync adds "
            f"{figures['commission_adds_to_footprint'] * 100:.1f} %, posted by the job "
            f"{figures['deferred_adds_to_footprint'] * 100:.1f} %"
        )
        job = figures["job"]
        print(
            f"posted by the job instead / stock: {figures['deferred_ratio_median']:.3f} "
            f"(median); it adds {figures['deferred_adds_to_ratio'] * 100:.1f} % to the suite's "
            f"ratio (target <= 5 %); the job then posted {job['posted']} of {job['pending']} "
            f"pending orders in {job['ms']:.0f} ms "
            f"({job['ms'] / max(job['posted'], 1):.1f} ms an order); pending left: "
            f"{figures['commission_pending_left']}"
        )
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
