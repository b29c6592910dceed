"""Benchmark of the nightly member reminders at 1,000,000 members.

    ./run bench bench_reminders [--db NAME] [--members N] [--rebuild] [--runs 3]
                                [--baseline-runs 2]

Uses its own throwaway database (default ``bench_reminders``): creates it with chain_member and
chain_wallet installed (no demo data; chain_wallet's types: low balance, count cards expiring)
when missing, then 1,000,000 members by SQL (generate_series) with
solar and lunar birthdays, purchase dates, tiers, member cards, stored-value accounts and count
cards, spread over 50 stores. The data is reused at the next run (``--rebuild`` drops it).

Measured in the same run, on the same data:

1. Baseline: a batched ORM loop over the members (``search_read`` of 10,000 members at a time,
   keyset on id) doing only the birthday check in Python (solar and lunar, with the same lunar
   table the job uses).
2. The nightly job ``chain.member.reminder._cron_raise_reminders`` with every type (default
   settings), timed three ways:
   - first night: no reminder exists yet and the types never ran (each type raises what
     enters its window that day, plus what changed inside it the day before: 1 % of the
     members, cards and count cards changed yesterday, see ``age_rows``);
   - a normal night: the job ran the night before, so only the new day of each window is new;
   - the same night again: nothing new (idempotent);
   - after two missed nights (the job last ran three days before): three days of entries.
3. The SQL of each type alone (the ``INSERT .. SELECT``), rolled back.

The machine is shared, so each measurement is repeated (``--runs``, ``--baseline-runs``);
prints the min and the median of each and the ratios baseline / job on both, and writes them
to ``bench/results/bench_reminders.json``.
"""

import argparse
import json
import logging
import os
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ODOO_ROOT = os.environ.get("ODOO_ROOT", "/opt/odoo")
sys.path.insert(0, ODOO_ROOT)

import odoo  # noqa: E402
from odoo import SUPERUSER_ID, api  # noqa: E402
from odoo.tools import SQL, config  # noqa: E402

STORES = 50
JOB_MEASUREMENTS = (
    "job_first_night",
    "job_normal_night",
    "job_same_night_again",
    "job_after_two_missed_nights",
)
BATCH = 10_000


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default="bench_reminders")
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--rebuild", action="store_true", help="drop and recreate the data")
    parser.add_argument("--runs", type=int, default=3, help="runs of each job measurement")
    parser.add_argument("--baseline-runs", type=int, default=2)
    return parser.parse_args()


def odoo_args(db):
    addons = os.environ.get("ADDONS_PATH", f"{ODOO_ROOT}/addons,{ROOT}/addons")
    return [
        "--addons-path", addons,
        "--db_host", os.environ.get("PGHOST", "127.0.0.1"),
        "--db_port", os.environ.get("PGPORT", "5432"),
        "--db_user", os.environ.get("CHAIN_DB_USER", "odoo"),
        "--db_password", "",
        "--data-dir", str(ROOT / ".local" / "filestore-root"),
        "-d", db,
    ]  # fmt: skip


def ensure_database(db):
    """Create ``db`` with chain_member and chain_wallet installed, unless it already has them
    (a database of this benchmark made before chain_wallet existed gets it installed)."""
    listed = subprocess.run(
        ["psql", "-U", "postgres", "-d", "postgres", "-tAc",
         f"SELECT 1 FROM pg_database WHERE datname = '{db}'"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    if listed == "1":
        installed = subprocess.run(
            ["psql", "-U", "postgres", "-d", db, "-tAc",
             "SELECT count(*) FROM ir_module_module WHERE name IN ('chain_member', 'chain_wallet') "
             "AND state = 'installed'"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip
        if installed == "2":
            return
    print(f"Installing chain_member, chain_wallet in {db} (a few minutes)...", flush=True)
    subprocess.run(
        [sys.executable, f"{ODOO_ROOT}/odoo-bin", *odoo_args(db), "-i", "chain_member,chain_wallet",
         "--without-demo", "all", "--stop-after-init", "--no-http", "--log-level", "warn"],
        check=True,
    )  # fmt: skip


def populate(env, members, rebuild):
    cr = env.cr
    cr.execute("SELECT count(*) FROM res_partner WHERE member_code LIKE 'B%'")
    existing = cr.fetchone()[0]
    if existing >= members and not rebuild:
        print(f"Reusing {existing:,} bench members", flush=True)
        age_rows(cr)
        cr.commit()
        vacuum(cr.dbname)
        return
    started = time.perf_counter()
    cr.execute("DELETE FROM chain_member_reminder")
    if "chain.count.card.package" in env:
        cr.execute("DELETE FROM chain_count_card_package WHERE name = 'Bench count card'")
    if "chain.wallet.account" in env:
        cr.execute(
            "DELETE FROM chain_wallet_account WHERE partner_id IN "
            "(SELECT id FROM res_partner WHERE member_code LIKE 'B%')"
        )
    cr.execute(
        "DELETE FROM chain_member_card WHERE partner_id IN "
        "(SELECT id FROM res_partner WHERE member_code LIKE 'B%')"
    )
    cr.execute("DELETE FROM res_partner WHERE member_code LIKE 'B%'")
    stores = env["chain.store"].search([("code", "like", "BENCH-")])
    if not stores:
        stores = env["chain.store"].create(
            [
                {"code": f"BENCH-{index:02d}", "name": f"Bench store {index:02d}"}
                for index in range(STORES)
            ]
        )
        stores.write({"manager_ids": [(4, env.ref("base.user_admin").id)]})
    tier = env["chain.member.tier"].search([("name", "=", "Bench tier")], limit=1) or env[
        "chain.member.tier"
    ].create({"name": "Bench tier", "sequence": 50})
    env.flush_all()
    today = date.today()
    print(f"Inserting {members:,} members...", flush=True)
    # i % 7 = 0: lunar birthday (about 14 %); i % 5 = 0: never bought (20 %);
    # i % 10 < 3: a tier (30 %); birthdays spread over 1950-2000
    cr.execute(
        """
        INSERT INTO res_partner
            (name, complete_name, active, type, is_company, lang, autopost_bills, is_member,
             member_code, mobile, home_store_id, birthday_calendar, birthday,
             birthday_lunar_month, birthday_lunar_day, birthday_lunar_leap, birthday_month,
             member_since, member_last_purchase_date, member_tier_id, member_tier_expiry,
             create_uid, write_uid, create_date, write_date)
        SELECT 'Member ' || i, 'Member ' || i, TRUE, 'contact', FALSE, 'en_US', 'ask', TRUE,
               'B' || lpad(i::text, 9, '0'), '+86139' || lpad(i::text, 8, '0'),
               (%(stores)s::int[])[1 + i %% %(nstores)s],
               CASE WHEN i %% 7 = 0 THEN 'lunar' ELSE 'solar' END,
               DATE '1950-01-01' + ((i::bigint * 7919) %% 18262)::int,
               CASE WHEN i %% 7 = 0 THEN 1 + (i * 31) %% 12 END,
               CASE WHEN i %% 7 = 0 THEN 1 + (i * 17) %% 30 END,
               i %% 7 = 0 AND i %% 97 = 0,
               CASE WHEN i %% 7 = 0 THEN 1 + (i * 31) %% 12
                    ELSE EXTRACT(MONTH FROM
                                 DATE '1950-01-01' + ((i::bigint * 7919) %% 18262)::int) END,
               %(today)s::date - ((i * 37) %% 1500),
               CASE WHEN i %% 5 <> 0
                    THEN %(today)s::timestamp - ((i * 613) %% 400) * INTERVAL '1 day'
                         - (i %% 12) * INTERVAL '1 hour' END,
               CASE WHEN i %% 10 < 3 THEN %(tier)s END,
               CASE WHEN i %% 10 < 3 THEN %(today)s::date + ((i * 13) %% 365) END,
               1, 1, now(), now()
          FROM generate_series(1, %(members)s) AS i
        """,
        {
            "stores": stores.ids,
            "nstores": len(stores),
            "today": today,
            "tier": tier.id,
            "members": members,
        },
    )
    print("Inserting member cards (60 %)...", flush=True)
    cr.execute(
        """
        INSERT INTO chain_member_card
            (number, kind, state, partner_id, store_id, issue_date, expiry_date,
             create_uid, write_uid, create_date, write_date)
        SELECT 'B' || lpad(p.id::text, 12, '0'), 'electronic', 'active', p.id, p.home_store_id,
               %(today)s::date - 400, %(today)s::date + ((p.id * 11) %% 1095),
               1, 1, now(), now()
          FROM res_partner p
         WHERE p.member_code LIKE 'B%%' AND p.id %% 5 < 3
        """,
        {"today": today},
    )
    currency = env.company.currency_id.id
    if "chain.wallet.account" in env:
        print("Inserting stored-value accounts (30 %)...", flush=True)
        cr.execute(
            """
            INSERT INTO chain_wallet_account
                (partner_id, currency_id, principal, bonus, last_principal, last_bonus,
                 pin_failures, create_uid, write_uid, create_date, write_date)
            SELECT p.id, %(currency)s, (p.id * 7) %% 500, 0, 0, 0, 0, 1, 1,
                   now() - ((p.id * 3) %% 60) * INTERVAL '1 day',
                   now() - ((p.id * 3) %% 60) * INTERVAL '1 day'
              FROM res_partner p
             WHERE p.member_code LIKE 'B%%' AND p.id %% 10 < 3
            """,
            {"currency": currency},
        )
    if "chain.count.card.package" in env:
        print("Inserting count cards (5 %)...", flush=True)
        product = env["product.product"].search([("name", "=", "Bench count card")], limit=1)
        product = product or env["product.product"].create(
            {"name": "Bench count card", "type": "service"}
        )
        env.flush_all()
        cr.execute(
            """
            INSERT INTO chain_count_card_package
                (name, partner_id, product_id, store_id, company_id, currency_id, date_start,
                 date_expiry, uses_total, uses_remaining, value_total, value_remaining, state,
                 create_uid, write_uid, create_date, write_date)
            SELECT 'Bench count card', p.id, %(product)s, p.home_store_id, %(company)s,
                   %(currency)s, %(today)s::date - 100, %(today)s::date + (p.id %% 365),
                   10, 1 + (p.id / 20) %% 9, 500, 50 * (1 + (p.id / 20) %% 9), 'active', 1, 1,
                   now(), now()
              FROM res_partner p
             WHERE p.member_code LIKE 'B%%' AND p.id %% 20 = 0
            """,
            {
                "product": product.id,
                "company": env.company.id,
                "currency": currency,
                "today": today,
            },
        )
    age_rows(cr)
    cr.commit()
    vacuum(cr.dbname)
    print(f"Data ready in {time.perf_counter() - started:.0f} s", flush=True)


def age_rows(cr):
    """A real chain does not change all its members in a day: date the bench members, cards
    and count cards 40 days back (once per data set: bulk-loaded rows are all dated now),
    except about 1 % (id % 101 = 0) dated yesterday at each run: what the reminders raise by
    data (see ``chain.member.reminder._catch_up``). The stored-value accounts' last movements
    are spread over the 60 days before the run. Returns whether it changed the 99 %."""
    cr.execute(
        "SELECT 1 FROM res_partner WHERE member_code LIKE 'B%' "
        "AND write_date > now() - INTERVAL '3 days' AND mod(id, 101) <> 0 LIMIT 1"
    )
    everything = bool(cr.fetchone())
    print(
        "Dating the bench rows: 1 % changed yesterday"
        + (", 99 % unchanged for 40 days..." if everything else "...")
    )
    for table, member in (
        ("res_partner", "id"),
        ("chain_member_card", "partner_id"),
        ("chain_count_card_package", "partner_id"),
    ):
        cr.execute(
            SQL(
                """
                UPDATE %(table)s t
                   SET write_date = CASE WHEN mod(t.%(member)s, 101) = 0
                                         THEN now() - INTERVAL '1 day'
                                         ELSE now() - INTERVAL '40 days' END
                  FROM res_partner p
                 WHERE p.id = t.%(member)s AND p.member_code LIKE %(bench)s
                   AND (%(everything)s OR mod(t.%(member)s, 101) = 0)
                """,
                table=SQL.identifier(table),
                member=SQL.identifier(member),
                bench="B%",
                everything=everything,
            )
        )
    # stored-value movements: spread over the last 60 days, about 1/60 of the accounts a day
    cr.execute(
        SQL(
            """
            UPDATE chain_wallet_account a
               SET write_date = now() - mod(a.id::bigint * 7919, 1440) * INTERVAL '1 hour'
              FROM res_partner p
             WHERE p.id = a.partner_id AND p.member_code LIKE %s
            """,
            "B%",
        )
    )
    return everything


def vacuum(db, tables=("res_partner", "chain_member_card", "chain_wallet_account",
                        "chain_count_card_package", "chain_member_reminder")):  # fmt: skip
    """VACUUM ANALYZE the bulk-loaded tables: statistics for the planner, and hint bits set now
    rather than by the first timed reads (which would then write the pages)."""
    subprocess.run(
        ["psql", "-U", "postgres", "-d", db, "-qc", f"VACUUM ANALYZE {', '.join(tables)}"],
        check=True,
    )


def baseline_orm_birthdays(env, today, lead_days):
    """The batched ORM loop: every member read through search_read, birthday checked in
    Python. Returns (seconds, number of birthdays found)."""
    from odoo.addons.chain_member.tools.lunar_birthday import (
        lunar_birthday_table,
        solar_birthday_table,
    )

    until = today + timedelta(days=lead_days)
    started = time.perf_counter()
    solar = {(month, day): due for month, day, due in solar_birthday_table(today, until)}
    lunar = {(m, d, leap): due for m, d, leap, due in lunar_birthday_table(today, until)}
    Partner = env["res.partner"]
    names = ["birthday", "birthday_calendar", "birthday_lunar_month", "birthday_lunar_day",
             "birthday_lunar_leap", "home_store_id"]  # fmt: skip
    found = 0
    last_id = 0
    while True:
        rows = Partner.search_read(
            [("is_member", "=", True), ("id", ">", last_id)], names, limit=BATCH, order="id"
        )
        if not rows:
            break
        for row in rows:
            if row["birthday_calendar"] == "lunar":
                key = (
                    row["birthday_lunar_month"],
                    row["birthday_lunar_day"],
                    row["birthday_lunar_leap"],
                )
                found += key in lunar
            elif row["birthday"]:
                found += (row["birthday"].month, row["birthday"].day) in solar
        last_id = rows[-1]["id"]
        env.invalidate_all()
    return time.perf_counter() - started, found


def reset_reminders(registry):
    """As if the job had never run: no reminder, no activity, no last run (and the reminder
    table vacuumed, as autovacuum would have done: not the dead rows of the previous run)."""
    with registry.cursor() as cr:
        cr.execute("DELETE FROM chain_member_reminder")
        cr.execute("UPDATE chain_member_reminder_type SET last_run_date = NULL")
        cr.execute(
            "DELETE FROM ir_config_parameter WHERE key = 'chain_member.reminder_events_sent_id'"
        )
        cr.execute(
            "DELETE FROM mail_activity WHERE activity_type_id = "
            "(SELECT res_id FROM ir_model_data WHERE module = 'chain_member' "
            "AND name = 'mail_activity_type_member_reminders')"
        )
    vacuum(registry.db_name, ["chain_member_reminder"])


class PhaseLog(logging.Handler):
    """Collects the job's own timing lines: per type, events, activities."""

    def __init__(self):
        super().__init__(logging.INFO)
        self.phases = {}

    def emit(self, record):
        if record.msg.startswith("Reminders %s"):
            self.phases[record.args[0]] = round(record.args[3], 3)
        elif record.msg.startswith("Reminder events"):
            self.phases["events"] = round(record.args[1], 3)
        elif record.msg.startswith("Reminder activities"):
            self.phases["activities"] = round(record.args[0], 3)


def timed_job(registry, today):
    """Run the job; return (seconds, new reminders per type, seconds per phase)."""
    handler = PhaseLog()
    logger = logging.getLogger("odoo.addons.chain_member.models.chain_member_reminder")
    logger.addHandler(handler)
    try:
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            started = time.perf_counter()
            raised = env["chain.member.reminder"]._cron_raise_reminders(today=today)
            return time.perf_counter() - started, raised, handler.phases
    finally:
        logger.removeHandler(handler)


def job_birthdays_in_window(registry, today, lead_days):
    """The birthdays the job's query finds in the whole window (the baseline's question: a
    night raises only those that entered it), to check both agree."""
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        query = env["res.partner"]._chain_birthday_query(today, today + timedelta(days=lead_days))
        cr.execute(SQL("SELECT count(*) FROM (%s) AS c", query))
        return cr.fetchone()[0]


def per_type_sql(registry, today):
    """Each type's INSERT .. SELECT alone (no events, no activity), rolled back."""
    timings = {}
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        Reminder = env["chain.member.reminder"]
        for rtype in env["chain.member.reminder.type"].search([("enabled", "=", True)]):
            cr.execute("SAVEPOINT per_type")
            started = time.perf_counter()
            count = Reminder._raise_type(rtype, today)
            timings[rtype.code] = {
                "ms": round((time.perf_counter() - started) * 1000, 1),
                "rows": count,
            }
            cr.execute("ROLLBACK TO SAVEPOINT per_type")
        cr.rollback()
    return timings


def main():
    args = parse_args()
    ensure_database(args.db)
    config.parse_config(odoo_args(args.db))
    registry = odoo.modules.registry.Registry(args.db)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        populate(env, args.members, args.rebuild)
        cr.execute("SELECT count(*) FROM res_partner WHERE is_member")
        member_count = cr.fetchone()[0]
        lead = env.ref("chain_member.reminder_type_birthday").lead_days
    today = date.today()

    baselines = []
    for _run in range(args.baseline_runs):
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            print(f"Baseline: batched ORM birthday check, {member_count:,} members...", flush=True)
            seconds, baseline_found = baseline_orm_birthdays(env, today, lead)
        baselines.append(seconds)
        print(f"  {seconds:.2f} s, {baseline_found:,} birthdays in the next {lead} days")

    firsts, nights, agains = [], [], []
    for _run in range(args.runs):
        reset_reminders(registry)
        first = timed_job(registry, today)
        firsts.append(first)
        print(f"Job, first night (types never ran):   {first[0]:.3f} s, raised {first[1]}")
        print(f"  phases (s): {first[2]}", flush=True)
    for _run in range(args.runs):
        reset_reminders(registry)
        timed_job(registry, today - timedelta(days=1))  # the night before, untimed
        vacuum(registry.db_name, ["chain_member_reminder"])  # autovacuum, during the day
        night = timed_job(registry, today)
        nights.append(night)
        print(f"Job, a normal night:                  {night[0]:.3f} s, raised {night[1]}")
        print(f"  phases (s): {night[2]}", flush=True)
        again = timed_job(registry, today)
        agains.append(again)
        print(f"Job, same night again (idempotent):   {again[0]:.3f} s, raised {again[1]}")

    catch_ups = []
    for _run in range(args.runs):
        reset_reminders(registry)
        timed_job(registry, today - timedelta(days=3))  # then two nights the server was down
        vacuum(registry.db_name, ["chain_member_reminder"])
        catch_up = timed_job(registry, today)
        catch_ups.append(catch_up)
        print(f"Job, after two missed nights:         {catch_up[0]:.3f} s, raised {catch_up[1]}")

    reset_reminders(registry)
    timed_job(registry, today - timedelta(days=1))
    sql = per_type_sql(registry, today)
    print("SQL of each type alone (normal night): " + ", ".join(
        f"{code} {t['ms']} ms ({t['rows']} rows)" for code, t in sql.items()
    ))  # fmt: skip

    def summary(runs):
        seconds = [run[0] for run in runs]
        best = min(runs, key=lambda run: run[0])
        return {
            "min_s": round(min(seconds), 3),
            "median_s": round(statistics.median(seconds), 3),
            "runs_s": [round(value, 3) for value in seconds],
            "raised": best[1],
            "phases_of_fastest_s": best[2],
        }

    baseline = {
        "min_s": round(min(baselines), 3),
        "median_s": round(statistics.median(baselines), 3),
        "runs_s": [round(value, 3) for value in baselines],
        "birthdays_found": baseline_found,
    }
    results = {
        "members": member_count,
        "baseline_orm_birthday": baseline,
        "job_first_night": summary(firsts),
        "job_normal_night": summary(nights),
        "job_same_night_again": summary(agains),
        "job_after_two_missed_nights": summary(catch_ups),
        "sql_per_type_normal_night": sql,
    }
    for name in JOB_MEASUREMENTS:
        results[name]["ratio_min"] = round(baseline["min_s"] / results[name]["min_s"], 1)
        results[name]["ratio_median"] = round(baseline["median_s"] / results[name]["median_s"], 1)
    print("\nRatio ORM birthday check alone / whole job (min / median of the runs):")
    for name in JOB_MEASUREMENTS:
        print(
            f"  {name}: {results[name]['min_s']} s / {results[name]['median_s']} s -> "
            f"{results[name]['ratio_min']}x / {results[name]['ratio_median']}x"
        )
    window = job_birthdays_in_window(registry, today, lead)
    results["job_birthdays_in_window"] = window
    if window != baseline_found:
        print(
            f"NOTE: the job's birthday query finds {window} birthdays in the next {lead} days, "
            f"the baseline {baseline_found} (they must agree)"
        )
    out = ROOT / "bench" / "results" / "bench_reminders.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"Written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
