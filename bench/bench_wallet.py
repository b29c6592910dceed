"""Stored-value payments per second: the suite's real payment service against raw PostgreSQL.

    ./run bench bench_wallet [--db chain_bench_wallet] [--workers 8] [--seconds 10]
                             [--balances 1000] [--json bench/results/bench_wallet.json]

Creates (once) a throwaway database with chain_wallet, a bench store, a cashier, 1,000 funded
members and one POS order the payments refer to. Then, in the same run, with ``--workers``
concurrent processes (the tills), each on its own connection:

- **suite**: ``member._chain_wallet_account(store)._pay(1.0, store, key, pos_order)`` as the
  cashier, one Odoo cursor per payment (a request's transaction: REPEATABLE READ, commit): the
  account's lookup with the member's turn, then the service's lock-check-debit-insert:
  idempotency check, guarded ``UPDATE .. WHERE principal + bonus >= amount RETURNING``, ledger
  insert. A serialization failure (two tills on one balance) is retried at once, as Odoo
  retries the request (without its random back-off, see README);
- **raw**: psycopg2 running the same SQL statements in one transaction at PostgreSQL's default
  isolation (READ COMMITTED: a waiter re-reads the row instead of failing).

on one hot balance (every till pays from the same member) and on ``--balances`` balances
(each payment picks a random member). Prints payments/s, retries and the suite/raw ratio
(target: >= 0.5), then checks that every cached balance still equals its ledger.
"""

import argparse
import datetime
import json
import multiprocessing as mp
import os
import random
import sys
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
FUND = 1_000_000_000  # each bench balance; payments of 1.00 never exhaust it

# The raw transaction is the statement the service sends for a payment at the till
# (chain.wallet.transaction's SPEND_QUERY, principal first), read from the addon by the parent
# process and handed to the raw tills: the very same SQL, without Odoo around it.


# ----------------------------------------------------------------------------------------------
# Set-up (Odoo, in the parent process)
# ----------------------------------------------------------------------------------------------
def prepare(db, balances):
    from common import ensure_database, environment, load_registry

    ensure_database(db, "chain_wallet")
    registry = load_registry(db)
    with environment(registry) as env:
        ids = ensure_bench_data(env, balances)
        env.cr.commit()
        from odoo.addons.chain_wallet.models.chain_wallet_transaction import SPEND_QUERY

        take_p, take_b = env["chain.wallet.account"]._spend_expressions("principal_first")
        ids["query_wait"] = SPEND_QUERY.format(take_p=take_p, take_b=take_b, wait="")
        ids["query_nowait"] = SPEND_QUERY.format(take_p=take_p, take_b=take_b, wait="NOWAIT")
    return ids, registry


def ensure_bench_data(env, balances):
    from odoo import Command

    env = env(context=dict(env.context, tracking_disable=True))
    Store = env["chain.store"]
    store = Store.search([("code", "=", "BENCH-W")]) or Store.create(
        {"code": "BENCH-W", "name": "Wallet bench"}
    )
    if not Store.get_headquarters():
        Store.create({"code": "BENCH-HQ", "name": "Bench HQ", "kind": "headquarters"})
    user = env["res.users"].search([("login", "=", "bench_wallet_cashier")])
    if not user:
        from odoo.tests import new_test_user  # only when creating (it logs an error otherwise)

        user = new_test_user(
            env, login="bench_wallet_cashier", groups="chain_member.group_chain_cashier"
        )
        user.chain_store_ids = [Command.set(store.ids)]
    env.cr.execute(
        "SELECT id FROM res_partner WHERE name LIKE 'Bench Wallet Member %%' ORDER BY id"
    )
    members = [row[0] for row in env.cr.fetchall()]
    if len(members) < balances + 1:
        print(f"creating {balances + 1 - len(members)} funded members...", flush=True)
        Partner = env["res.partner"]
        Ledger = env["chain.wallet.transaction"]
        for n in range(len(members), balances + 1):
            partner = Partner.create(
                {
                    "name": f"Bench Wallet Member {n:04d}",
                    "is_member": True,
                    "mobile": f"1370000{n:04d}",
                }
            )
            Ledger._post(
                partner, "adjustment", store, f"bench:fund:{partner.id}", "credit", principal=FUND
            )
            members.append(partner.id)
    order = env["pos.order"].search([("pos_reference", "=", "BENCH-WALLET")], limit=1)
    if not order:
        journal = env["account.journal"].create(
            {"name": "Bench cash", "code": "BCSH", "type": "cash"}
        )
        cash = env["pos.payment.method"].create({"name": "Bench cash", "journal_id": journal.id})
        config = env["pos.config"].create(
            {
                "name": "Bench till",
                "chain_store_id": store.id,
                "payment_method_ids": [Command.set(cash.ids)],
            }
        )
        session = env["pos.session"].create({"config_id": config.id, "user_id": user.id})
        order = env["pos.order"].create(
            {
                "session_id": session.id,
                "pos_reference": "BENCH-WALLET",
                "amount_total": 0.0,
                "amount_paid": 0.0,
                "amount_tax": 0.0,
                "amount_return": 0.0,
            }
        )
    company = store.company_id
    return {
        "store": store.id,
        "company": company.id,
        "currency": company.currency_id.id,
        "uid": user.id,
        "hot": members[0],
        "members": members[1 : balances + 1],
        "order": order.id,
        "session": order.session_id.id,
    }


# ----------------------------------------------------------------------------------------------
# The tills
# ----------------------------------------------------------------------------------------------
BACKOFF_MS = float(os.environ.get("CHAIN_BENCH_BACKOFF_MS", "1"))


def backoff(rng, attempt):
    """After a concurrency failure: wait a little (jittered, growing with the attempts, in
    units of CHAIN_BENCH_BACKOFF_MS) before trying again, so that the tills that lost do not
    all rush back at the same instant."""
    time.sleep(rng.uniform(0, BACKOFF_MS / 1000 * min(attempt, 4)))


def measure(ids, scenario, rng, attempt, ready, start, stop_at, results):
    """The till's loop: one warm-up payment, then pay until the clock stops, retrying a
    payment that hit a concurrency failure (after a short back-off)."""

    def pay_once(partner_id):
        tries = 0
        while not attempt(partner_id):
            tries += 1
            backoff(rng, tries)
        return tries

    pay_once(rng.choice(ids["members"]))  # warm the caches (groups, parameters) before the clock
    ready.put(True)
    start.wait()
    done = retries = 0
    while time.time() < stop_at.value:
        retries += pay_once(ids["hot"] if scenario == "hot" else rng.choice(ids["members"]))
        done += 1
    results.put((done, retries))


def suite_till(db, ids, scenario, ready, start, stop_at, results):
    """One till: its own Odoo cursor; each payment is one transaction of the real service
    (REPEATABLE READ, committed): the member's turn (``_chain_wait_balance_turn``, taken by
    the service), then the guarded debit; retried after a concurrency failure."""
    sys.path.insert(0, str(HERE))
    from common import load_registry
    from psycopg2 import errors

    from odoo import api

    registry = load_registry(db)
    rng = random.Random(os.getpid())
    cr = registry.cursor()

    def pay(partner_id):
        env = api.Environment(cr, ids["uid"], {})
        store = env["chain.store"].browse(ids["store"])
        env["res.partner"].browse(partner_id)._chain_wallet_account(store)._pay(
            1.0,
            store=store,
            key=f"bench:{uuid.uuid4()}",
            pos_order=env["pos.order"].browse(ids["order"]),
        )
        cr.commit()

    def attempt(partner_id):
        try:
            pay(partner_id)
            return True
        except (errors.SerializationFailure, errors.LockNotAvailable):
            cr.rollback()
            return False

    measure(ids, scenario, rng, attempt, ready, start, stop_at, results)
    cr.close()


def raw_till(db, ids, scenario, ready, start, stop_at, results, isolation="read committed"):
    """One till: the same statements in one psycopg2 transaction per payment, at READ
    COMMITTED (PostgreSQL's default: a waiter re-reads the row) or REPEATABLE READ (Odoo's:
    a waiter fails and retries, with the same back-off as the suite)."""
    import psycopg2
    from psycopg2 import errors

    conn = psycopg2.connect(
        dbname=db,
        user=os.environ.get("CHAIN_DB_USER", "odoo"),
        host=os.environ.get("PGHOST", "127.0.0.1"),
        port=os.environ.get("PGPORT", "5432"),
    )
    conn.set_session(isolation_level=isolation.upper())
    rng = random.Random(os.getpid())
    uid = ids["uid"]

    # READ COMMITTED waits for the row and re-reads it; REPEATABLE READ would fail after waiting,
    # so it fails at once (NOWAIT), exactly as the service does
    query = ids["query_wait"] if isolation == "read committed" else ids["query_nowait"]

    def pay(partner_id):
        params = {
            "uid": uid,
            "now": datetime.datetime.utcnow(),
            "partner": partner_id,
            "currency": ids["currency"],
            "company": ids["company"],
            "store": ids["store"],
            "kind": "payment",
            "key": f"bench:{uuid.uuid4()}",
            "a": "1.00",
            "order": ids["order"],
            "payment": None,
        }
        with conn, conn.cursor() as cr:
            cr.execute(query, params)
            assert cr.fetchone(), "the raw payment was refused"

    def attempt(partner_id):
        try:
            pay(partner_id)
            return True
        except (errors.SerializationFailure, errors.LockNotAvailable):
            return False  # the with-block rolled back

    measure(ids, scenario, rng, attempt, ready, start, stop_at, results)
    conn.close()


def raw_rr_till(db, ids, scenario, ready, start, stop_at, results):
    raw_till(db, ids, scenario, ready, start, stop_at, results, isolation="repeatable read")


def run(kind, db, ids, scenario, workers, seconds):
    ctx = mp.get_context("spawn")
    ready, results, start = ctx.Queue(), ctx.Queue(), ctx.Event()
    stop_at = ctx.Value("d", 0.0)
    target = {"suite": suite_till, "raw": raw_till, "raw_rr": raw_rr_till}[kind]
    procs = [
        ctx.Process(target=target, args=(db, ids, scenario, ready, start, stop_at, results))
        for _ in range(workers)
    ]
    for proc in procs:
        proc.start()
    for _ in procs:
        ready.get(timeout=300)
    begin = time.time()
    stop_at.value = begin + seconds
    start.set()
    totals = [results.get(timeout=seconds + 300) for _ in procs]
    elapsed = time.time() - begin
    for proc in procs:
        proc.join()
    done = sum(t[0] for t in totals)
    retries = sum(t[1] for t in totals)
    return {
        "tx": done,
        "seconds": round(elapsed, 2),
        "tx_per_s": round(done / elapsed, 1),
        "retries": retries,
    }


KINDS = {
    "raw": "raw (READ COMMITTED)",
    "raw_rr": "raw (REPEATABLE READ)",
    "suite": "suite (Odoo service)",
}


def check_consistency(registry):
    from common import environment

    with environment(registry) as env:
        return env["chain.wallet.transaction"]._check_ledger_consistency()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="chain_bench_wallet")
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--balances", type=int, default=1000)
    parser.add_argument("--json", default=str(HERE / "results" / "bench_wallet.json"))
    parser.add_argument("--only", choices=["hot", "spread"], help="run one scenario only")
    parser.add_argument("--backoff-ms", type=float, default=1.0, help="retry back-off unit")
    args = parser.parse_args()

    sys.path.insert(0, str(HERE))
    os.environ["CHAIN_BENCH_BACKOFF_MS"] = str(args.backoff_ms)  # read by the spawned tills
    ids, registry = prepare(args.db, args.balances)
    print(f"{args.workers} tills, {args.seconds:.0f} s per measure, db {args.db}", flush=True)
    report = {"workers": args.workers, "seconds": args.seconds, "balances": args.balances}
    scenarios = (("hot", "one hot balance"), ("spread", f"{args.balances} balances"))
    for scenario, label in scenarios:
        if args.only and scenario != args.only:
            continue
        row = {}
        for kind in ("raw", "raw_rr", "suite"):
            row[kind] = run(kind, args.db, ids, scenario, args.workers, args.seconds)
            print(
                f"  {label:>16} {KINDS[kind]:>22}: {row[kind]['tx_per_s']:8.1f} payments/s "
                f"({row[kind]['tx']} in {row[kind]['seconds']} s, {row[kind]['retries']} retries)",
                flush=True,
            )
        row["ratio"] = round(row["suite"]["tx_per_s"] / row["raw"]["tx_per_s"], 2)
        row["ratio_rr"] = round(row["suite"]["tx_per_s"] / row["raw_rr"]["tx_per_s"], 2)
        print(
            f"  {label:>16} suite/raw = {row['ratio']:.2f} (target >= 0.5); "
            f"suite/raw at the same isolation = {row['ratio_rr']:.2f}",
            flush=True,
        )
        report[scenario] = row
    differences = check_consistency(registry)
    report["ledger_differences"] = len(differences)
    print(f"cached balances equal to their ledger: {'yes' if not differences else differences[:5]}")
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
