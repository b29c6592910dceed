"""Settling one month of a 200-store chain: chain_commission's set-based SQL against the ORM.

    ./run bench bench_commission_settlement [--db chain_bench_commission] [--stores 200]
                                            [--staff 20] [--lines 2000000] [--runs 2]

Creates (once) a database with chain_commission (no demo data), STORES stores with STAFF
employees each, and LINES commission lines of one month spread over them, inserted by SQL
(generate_series). Then, in the same run, on the same lines, each inside a transaction rolled
back afterwards:

1. chain_commission: ``chain.commission.settlement._generate(month, stores)``: one INSERT ..
   SELECT of the settlements, one INSERT .. SELECT attaching the lines, one UPDATE of the
   totals;
2. baseline, a batched ORM loop: the month's lines read with ``search_read`` 10,000 at a time
   (keyset on id), totalled per employee and store in Python, one ``create`` of the
   settlements, then each settlement's lines attached with ``write`` (``Command.set``).

Both give the same settlements (count, lines and totals are compared). Prints the times, the
ratio baseline / SQL, and writes them to ``bench/results/bench_commission_settlement.json``.
"""

import argparse
import json
import statistics
import time
from collections import defaultdict
from datetime import date
from pathlib import Path

from common import ensure_database, environment, load_registry

from odoo import Command

RESULTS = Path(__file__).resolve().parent / "results"
MONTH = date(2026, 11, 1)


def generate(env, stores_count, staff, lines):
    cr = env.cr
    Store = env["chain.store"]
    stores = Store.search([("code", "=like", "BENCH-C%")], order="code")
    if len(stores) < stores_count:
        print(f"creating {stores_count - len(stores)} stores...", flush=True)
        stores |= Store.create(
            [
                {"code": f"BENCH-C{n:03d}", "name": f"门店 {n:03d}", "kind": "direct"}
                for n in range(len(stores) + 1, stores_count + 1)
            ]
        )
        env.cr.commit()
    stores = stores[:stores_count]
    Employee = env["hr.employee"].with_context(tracking_disable=True)
    employees = Employee.search([("name", "=like", "店员 %")])
    if len(employees) < stores_count * staff:
        print(f"creating {stores_count * staff - len(employees)} employees...", flush=True)
        have = {(e.chain_store_ids[:1].id, e.name) for e in employees}
        values = [
            {
                "name": f"店员 {store.code[-3:]}-{n:02d}",
                "chain_store_ids": [Command.set(store.ids)],
            }
            for store in stores
            for n in range(staff)
            if (store.id, f"店员 {store.code[-3:]}-{n:02d}") not in have
        ]
        for start in range(0, len(values), 500):
            Employee.create(values[start : start + 500])
            env.cr.commit()
    cr.execute("SELECT count(*) FROM chain_commission_line")
    have = cr.fetchone()[0]
    if have < lines:
        print(f"inserting {lines - have} commission lines by SQL...", flush=True)
        cr.execute(
            """
            WITH staff AS (
                SELECT row_number() OVER (ORDER BY e.id) - 1 AS n, e.id AS employee_id,
                       r.store_id, e.company_id
                  FROM hr_employee e
                  JOIN chain_store_hr_employee_rel r ON r.employee_id = e.id
                 WHERE e.name LIKE '店员 %%'
            ), total AS (SELECT count(*) AS c FROM staff)
            INSERT INTO chain_commission_line (
                date, period, employee_id, store_id, company_id, currency_id, kind, event_type,
                share, qty, base, amount, idempotency_key, create_uid, create_date, write_uid,
                write_date)
            SELECT %(month)s::timestamp + (g %% 28) * interval '1 day' + interval '3 hour',
                   %(month)s, s.employee_id, s.store_id, s.company_id, c.currency_id,
                   CASE WHEN g %% 20 = 0 THEN 'clawback' ELSE 'sale' END,
                   CASE WHEN g %% 3 = 0 THEN 'goods' ELSE 'service' END,
                   100, 1,
                   CASE WHEN g %% 20 = 0 THEN -100 ELSE 100 END + (g %% 7),
                   (CASE WHEN g %% 20 = 0 THEN -10 ELSE 10 END + (g %% 7) / 10.0)::numeric,
                   'bench:' || g, 1, now(), 1, now()
              FROM generate_series(%(first)s, %(last)s) g
              JOIN total t ON true
              JOIN staff s ON s.n = g %% t.c
              JOIN res_company c ON c.id = s.company_id
            """,
            {"month": MONTH, "first": have + 1, "last": lines},
        )
        cr.execute("ANALYZE chain_commission_line")
        env.cr.commit()
    return stores


def settle_sql(env, stores):
    return env["chain.commission.settlement"]._generate(MONTH, stores)


def settle_orm(env, stores):
    """The batched ORM loop a module without set-based SQL would write."""
    Line = env["chain.commission.line"]
    totals = defaultdict(lambda: [0.0, []])
    meta = {}
    last_id = 0
    while True:
        rows = Line.search_read(
            [
                ("period", "=", MONTH),
                ("store_id", "in", stores.ids),
                ("settlement_ids", "=", False),
                ("id", ">", last_id),
            ],
            ["employee_id", "store_id", "company_id", "currency_id", "amount"],
            order="id",
            limit=10_000,
        )
        if not rows:
            break
        for row in rows:
            key = (row["employee_id"][0], row["store_id"][0])
            totals[key][0] += row["amount"]
            totals[key][1].append(row["id"])
            meta[key] = (row["company_id"][0], row["currency_id"][0])
        last_id = rows[-1]["id"]
        env.invalidate_all()
    Settlement = env["chain.commission.settlement"]
    keys = list(totals)
    settlements = Settlement.create(
        [
            {
                "employee_id": employee,
                "store_id": store,
                "company_id": meta[(employee, store)][0],
                "currency_id": meta[(employee, store)][1],
                "period": MONTH,
                "amount_total": totals[(employee, store)][0],
                "line_count": len(totals[(employee, store)][1]),
            }
            for employee, store in keys
        ]
    )
    for settlement, key in zip(settlements, keys, strict=True):
        settlement.write({"line_ids": [Command.set(totals[key][1])]})
    env.flush_all()
    return settlements


def summary(env):
    env.flush_all()
    env.cr.execute(
        """
        SELECT count(*), sum(line_count), round(sum(amount_total), 2)
          FROM chain_commission_settlement WHERE period = %s
        """,
        [MONTH],
    )
    settlements, lines, total = env.cr.fetchone()
    env.cr.execute(
        "SELECT count(*) FROM chain_commission_settlement_line_rel r "
        "JOIN chain_commission_settlement s ON s.id = r.settlement_id WHERE s.period = %s",
        [MONTH],
    )
    return {
        "settlements": settlements,
        "lines": int(lines or 0),
        "total": float(total or 0),
        "attached": env.cr.fetchone()[0],
    }


def measure(registry, function, stores):
    with environment(registry) as env:
        stores = env["chain.store"].browse(stores.ids)
        start = time.perf_counter()
        function(env, stores)
        env.flush_all()
        seconds = time.perf_counter() - start
        result = summary(env)
        env.cr.rollback()
    return seconds, result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="chain_bench_commission")
    parser.add_argument("--stores", type=int, default=200)
    parser.add_argument("--staff", type=int, default=20)
    parser.add_argument("--lines", type=int, default=2_000_000)
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()

    ensure_database(args.db, "chain_commission")
    registry = load_registry(args.db)
    with environment(registry) as env:
        stores = generate(env, args.stores, args.staff, args.lines)
        env.cr.execute("SELECT count(*) FROM chain_commission_line WHERE period = %s", [MONTH])
        lines = env.cr.fetchone()[0]
    print(f"{len(stores)} stores, {args.stores * args.staff} employees, {lines} lines", flush=True)

    sql_times, orm_times = [], []
    sql_result = orm_result = None
    for run in range(args.runs):
        seconds, sql_result = measure(registry, settle_sql, stores)
        sql_times.append(seconds)
        print(f"run {run + 1}: set-based SQL {seconds:8.2f} s  {sql_result}", flush=True)
        seconds, orm_result = measure(registry, settle_orm, stores)
        orm_times.append(seconds)
        print(f"run {run + 1}: batched ORM  {seconds:8.2f} s  {orm_result}", flush=True)
    if sql_result != orm_result:
        raise SystemExit(f"the two give different settlements: {sql_result} != {orm_result}")
    ratio_min = min(orm_times) / min(sql_times)
    ratio_median = statistics.median(orm_times) / statistics.median(sql_times)
    print(
        f"\nsettling {lines} lines: SQL min {min(sql_times):.2f} s, ORM min {min(orm_times):.2f} s"
        f"\nratio ORM / SQL: {ratio_min:.1f}x (min), {ratio_median:.1f}x (median)"
    )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "bench_commission_settlement.json").write_text(
        json.dumps(
            {
                "lines": lines,
                "stores": len(stores),
                "employees": args.stores * args.staff,
                "sql_seconds": sql_times,
                "orm_seconds": orm_times,
                "ratio_min": ratio_min,
                "ratio_median": ratio_median,
                "result": sql_result,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
