#!/usr/bin/env python3
"""Snapshot of a database for the upgrade test (tools/upgrade_test.sh), as JSON on stdout.

Plain SQL only (psycopg2), so that the same script reads a database of any revision of the
suite, before and after an upgrade. It records:

- ``tables``: for every table (and SQL view) of the chain's models and the key Odoo tables of
  members, accounting, POS and loyalty: the row count and the sum of every amount-like column
  (all numeric and double precision columns, integer columns named like points, uses, quantities,
  balances) and of ``id``; ``filtered`` does the same for subsets (members among the partners);
- ``rows``: for the ledger and card tables, one md5 per row over its columns (except the
  write_* bookkeeping), keyed by id; given ``--like OLD.json``, the same columns as in that
  snapshot, so that a column added by the new code changes nothing;
- ``groups``: journal items summed per account and company, entries per journal and state,
  POS orders per state, stored-value and points ledger lines per kind;
- ``consistency``: the balance columns of the stored-value accounts, the points accounts and the
  count-card packages that disagree with the sum of their ledger lines (a list, empty when all
  agree);
- ``xmlids``: every ir_model_data row as [module, name, model, res_id, exists] (``exists``:
  whether the record is in its table, null where the table is not known);
- ``models``, ``fields``: ir_model and ir_model_fields (model, name);
- ``counts``: res_groups and ir_rule rows;
- ``modules``: the state of every module.

Usage: upgrade_snapshot.py --db NAME [--like OLD.json] [--host H] [--port P] [--user U]
"""

import argparse
import json
import os
import re
import sys

import psycopg2

# Odoo tables read besides the chain's own (a missing one is recorded as missing)
ODOO_TABLES = [
    "res_partner",
    "res_users",
    "res_company",
    "res_groups",
    "account_account",
    "account_journal",
    "account_move",
    "account_move_line",
    "account_partial_reconcile",
    "account_payment",
    "pos_config",
    "pos_session",
    "pos_order",
    "pos_order_line",
    "pos_payment",
    "pos_payment_method",
    "loyalty_program",
    "loyalty_rule",
    "loyalty_reward",
    "loyalty_card",
    "loyalty_history",
    "product_template",
    "product_product",
    "sms_sms",
]
# subsets of tables: label -> (table, condition)
FILTERED = {
    "res_partner[members]": ("res_partner", "is_member"),
    "product_template[count cards]": ("product_template", "chain_count_card"),
    "account_move[posted]": ("account_move", "state = 'posted'"),
}
# tables whose every row is fingerprinted: the ledgers, balances, cards, journal items
ROW_TABLES = [
    "chain_wallet_account",
    "chain_wallet_transaction",
    "chain_count_card_package",
    "chain_count_card_move",
    "chain_timed_session",
    "chain_points_account",
    "chain_points_move",
    "chain_points_lot",
    "chain_points_allocation",
    "chain_points_adjustment",
    "chain_member_card",
    "chain_member_tier_history",
    "chain_operation_log",
    "res_partner",
    "account_move",
    "account_move_line",
    "pos_order",
    "pos_order_line",
    "pos_payment",
    "loyalty_card",
]
# left out of row fingerprints: Odoo's bookkeeping of the last write
VOLATILE_COLUMNS = {"write_date", "write_uid"}
# integer columns that hold amounts (other integers are references, sequences, colours...)
AMOUNT_INTEGER = re.compile(r"(points|uses|qty|quantity|balance|amount|units|remaining|delta)")
AMOUNT_TYPES = {"numeric", "double precision", "real"}
# ir.model.data models whose table name is not the model's name with dots as underscores
MODEL_TABLES = {
    "ir.actions.act_window": "ir_act_window",
    "ir.actions.act_window.view": "ir_act_window_view",
    "ir.actions.server": "ir_act_server",
    "ir.actions.report": "ir_act_report_xml",
    "ir.actions.client": "ir_act_client",
    "ir.actions.act_url": "ir_act_url",
}
# counted: the security records (views, menus, actions are compared by xml id name: an
# upgrade may add some)
COUNTED = ["res_groups", "ir_rule"]


def quote(name):
    return '"' + name.replace('"', '""') + '"'


class Snapshot:
    def __init__(self, cr, like=None):
        self.cr = cr
        self.like = like or {}
        self.columns = self._columns()
        # the model of each table (for the allow-list's fields), where a model has that table
        self.table_models = {
            model.replace(".", "_"): model for (model,) in self.query("SELECT model FROM ir_model")
        }

    def query(self, sql, params=None):
        self.cr.execute(sql, params)
        return self.cr.fetchall()

    def _columns(self):
        columns = {}
        for table, column, data_type in self.query(
            """SELECT c.table_name, c.column_name, c.data_type
                 FROM information_schema.columns c
                WHERE c.table_schema = 'public'
                ORDER BY c.table_name, c.ordinal_position"""
        ):
            columns.setdefault(table, {})[column] = data_type
        return columns

    # ------------------------------------------------------------------------------------------
    def chain_tables(self):
        """Tables and views named chain_*, except those of transient models (wizards) and the
        relation tables that point at them."""
        transient = {
            model.replace(".", "_")
            for (model,) in self.query("SELECT model FROM ir_model WHERE transient")
        }
        referencing = {
            table
            for table, target in self.query(
                """SELECT con.conrelid::regclass::text, con.confrelid::regclass::text
                     FROM pg_constraint con WHERE con.contype = 'f'"""
            )
            if target in transient
        }
        return sorted(
            table
            for table in self.columns
            if table.startswith("chain_") and table not in transient | referencing
        )

    def amount_columns(self, table):
        return [
            column
            for column, data_type in self.columns.get(table, {}).items()
            if data_type in AMOUNT_TYPES
            or (
                data_type in ("integer", "bigint")
                and (column == "id" or AMOUNT_INTEGER.search(column))
                and not column.endswith("_id")
            )
        ]

    def table_figures(self, table, condition=None):
        if table not in self.columns:
            return {"missing": True}
        amounts = self.amount_columns(table)
        select = ["count(*)"] + [f"round(sum({quote(c)})::numeric, 6)::text" for c in amounts]
        where = f" WHERE {condition}" if condition else ""
        try:
            self.cr.execute("SAVEPOINT figures")
            (row,) = self.query(f"SELECT {', '.join(select)} FROM {quote(table)}{where}")
            self.cr.execute("RELEASE SAVEPOINT figures")
        except psycopg2.Error as error:
            self.cr.execute("ROLLBACK TO SAVEPOINT figures")
            return {"error": str(error).strip()}
        return {
            "model": self.table_models.get(table),
            "rows": row[0],
            "sums": {c: _number(v) for c, v in zip(amounts, row[1:], strict=True)},
        }

    def row_hashes(self, table):
        if table not in self.columns:
            return {"missing": True}
        like = self.like.get("rows", {}).get(table, {}).get("columns")
        present = self.columns[table]
        if like:
            columns = [c for c in like if c in present]
            lost = [c for c in like if c not in present]
        else:
            columns = [c for c in present if c not in VOLATILE_COLUMNS]
            lost = []
        expr = " || '|' || ".join(f"coalesce({quote(c)}::text, '\\N')" for c in columns)
        rows = self.query(f"SELECT id, md5({expr}) FROM {quote(table)} ORDER BY id")
        return {
            "model": self.table_models.get(table),
            "columns": columns,
            "lost_columns": lost,
            "hashes": {str(i): h for i, h in rows},
        }

    def groups(self):
        """label -> {"table": the table grouped, "values": {group: [count, sums...]}}"""
        specs = {
            "journal items per company/account": (
                "account_move_line",
                """SELECT company_id || '/' || account_id, count(*), sum(debit)::text,
                          sum(credit)::text, sum(balance)::text
                     FROM account_move_line GROUP BY company_id, account_id""",
            ),
            "posted journal items per company/account": (
                "account_move_line",
                """SELECT company_id || '/' || account_id, count(*), sum(debit)::text,
                          sum(credit)::text, sum(balance)::text
                     FROM account_move_line WHERE parent_state = 'posted'
                    GROUP BY company_id, account_id""",
            ),
            "journal entries per journal/state": (
                "account_move",
                """SELECT journal_id || '/' || state, count(*), sum(amount_total)::text
                     FROM account_move GROUP BY journal_id, state""",
            ),
            "POS orders per state": (
                "pos_order",
                """SELECT state, count(*), sum(amount_total)::text, sum(amount_paid)::text
                     FROM pos_order GROUP BY state""",
            ),
            "POS payments per method": (
                "pos_payment",
                """SELECT payment_method_id::text, count(*), sum(amount)::text
                     FROM pos_payment GROUP BY payment_method_id""",
            ),
            "stored-value ledger per kind": (
                "chain_wallet_transaction",
                """SELECT kind, count(*), sum(principal)::text, sum(bonus)::text,
                          sum(amount)::text
                     FROM chain_wallet_transaction GROUP BY kind""",
            ),
            "count-card ledger per kind": (
                "chain_count_card_move",
                """SELECT kind, count(*), sum(uses)::text, sum(amount)::text
                     FROM chain_count_card_move GROUP BY kind""",
            ),
            "points ledger per kind": (
                "chain_points_move",
                "SELECT kind, count(*), sum(points)::text FROM chain_points_move GROUP BY kind",
            ),
            "member cards per kind/state": (
                "chain_member_card",
                "SELECT kind || '/' || state, count(*) FROM chain_member_card GROUP BY kind, state",
            ),
        }
        return {
            label: {"table": table, "values": self._grouped(sql)}
            for label, (table, sql) in specs.items()
        }

    def _grouped(self, sql):
        try:
            self.cr.execute("SAVEPOINT grouped")
            rows = self.query(sql)
            self.cr.execute("RELEASE SAVEPOINT grouped")
        except psycopg2.Error as error:
            self.cr.execute("ROLLBACK TO SAVEPOINT grouped")
            return {"error": str(error).strip()}
        return {str(key): [_number(v) for v in values] for key, *values in rows}

    def consistency(self):
        checks = {
            "stored-value accounts whose balance is not their ledger's sum": """
                SELECT a.id, a.partner_id, a.principal::text, a.bonus::text,
                       coalesce(sum(t.principal), 0)::text, coalesce(sum(t.bonus), 0)::text
                  FROM chain_wallet_account a
                  LEFT JOIN chain_wallet_transaction t ON t.account_id = a.id
                 GROUP BY a.id
                HAVING a.principal <> coalesce(sum(t.principal), 0)
                    OR a.bonus <> coalesce(sum(t.bonus), 0)""",
            "points accounts whose balance is not their ledger's sum": """
                SELECT a.id, a.partner_id, a.balance, coalesce(sum(m.points), 0)
                  FROM chain_points_account a
                  LEFT JOIN chain_points_move m ON m.account_id = a.id
                 GROUP BY a.id
                HAVING a.balance <> coalesce(sum(m.points), 0)""",
            "count-card packages whose remainder is not their ledger's sum": """
                SELECT p.id, p.partner_id, p.uses_remaining, coalesce(sum(m.uses), 0),
                       p.value_remaining::text, coalesce(sum(m.amount), 0)::text
                  FROM chain_count_card_package p
                  LEFT JOIN chain_count_card_move m ON m.package_id = p.id
                 GROUP BY p.id
                HAVING p.uses_remaining <> coalesce(sum(m.uses), 0)
                    OR p.value_remaining <> coalesce(sum(m.amount), 0)""",
        }
        result = {}
        for label, sql in checks.items():
            try:
                self.cr.execute("SAVEPOINT consistency")
                result[label] = [list(row) for row in self.query(sql)]
                self.cr.execute("RELEASE SAVEPOINT consistency")
            except psycopg2.Error as error:
                self.cr.execute("ROLLBACK TO SAVEPOINT consistency")
                result[label] = {"error": str(error).strip()}
        return result

    def xmlids(self):
        rows = self.query("SELECT module, name, model, res_id FROM ir_model_data ORDER BY id")
        existing = {}
        for model in {row[2] for row in rows}:
            table = MODEL_TABLES.get(model, model.replace(".", "_"))
            if "id" not in self.columns.get(table, {}):
                continue
            ids = [row[3] for row in rows if row[2] == model]
            sql = f"SELECT id FROM {quote(table)} WHERE id = ANY(%s)"
            existing[model] = {i for (i,) in self.query(sql, (ids,))}
        return [
            [module, name, model, res_id, res_id in existing[model] if model in existing else None]
            for module, name, model, res_id in rows
        ]

    def take(self):
        tables = {}
        for table in self.chain_tables() + ODOO_TABLES:
            tables[table] = self.table_figures(table)
        filtered = {
            label: self.table_figures(table, condition)
            for label, (table, condition) in FILTERED.items()
        }
        return {
            "tables": tables,
            "filtered": filtered,
            "rows": {table: self.row_hashes(table) for table in ROW_TABLES},
            "groups": self.groups(),
            "consistency": self.consistency(),
            "xmlids": self.xmlids(),
            "models": sorted(m for (m,) in self.query("SELECT model FROM ir_model")),
            "fields": sorted(
                [m, n] for m, n in self.query("SELECT model, name FROM ir_model_fields")
            ),
            "counts": {
                table: self.query(f"SELECT count(*) FROM {quote(table)}")[0][0] for table in COUNTED
            },
            "modules": dict(self.query("SELECT name, state FROM ir_module_module")),
            # the database's own guards: unique, check and foreign-key constraints, and the
            # triggers (the ledgers' append-only trigger among them), of every public table
            "constraints": sorted(
                [table, name, kind]
                for table, name, kind in self.query(
                    """SELECT con.conrelid::regclass::text, con.conname, con.contype::text
                         FROM pg_constraint con
                         JOIN pg_namespace ns ON ns.oid = con.connamespace
                        WHERE ns.nspname = 'public' AND con.contype IN ('u', 'c', 'f', 'p')"""
                )
            ),
            "triggers": sorted(
                [table, name]
                for table, name in self.query(
                    """SELECT tg.tgrelid::regclass::text, tg.tgname FROM pg_trigger tg
                        WHERE NOT tg.tgisinternal"""
                )
            ),
        }


def _number(value):
    """Numbers as canonical strings (no trailing zeros), so that 1.50 and 1.5 compare equal and
    nothing goes through a binary float."""
    if value is None:
        return None
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--like", help="an earlier snapshot: fingerprint rows on its columns")
    parser.add_argument("--host", default=os.environ.get("PGHOST", "127.0.0.1"))
    parser.add_argument("--port", default=os.environ.get("PGPORT", "5432"))
    parser.add_argument("--user", default=os.environ.get("CHAIN_DB_USER", "odoo"))
    args = parser.parse_args(argv)
    like = None
    if args.like:
        with open(args.like, encoding="utf-8") as handle:
            like = json.load(handle)
    connection = psycopg2.connect(dbname=args.db, host=args.host, port=args.port, user=args.user)
    try:
        connection.set_session(readonly=True, isolation_level="REPEATABLE READ")
        with connection.cursor() as cr:
            snapshot = Snapshot(cr, like).take()
    finally:
        connection.close()
    json.dump(snapshot, sys.stdout, ensure_ascii=False, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
