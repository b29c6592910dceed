#!/usr/bin/env python3
"""Compare two snapshots of tools/upgrade_snapshot.py: before and after an upgrade.

Nothing may be lost or changed by the upgrade:

- every table's row count and amount sums are equal (``figures``), and every fingerprinted row
  (ledgers, balances, cards, journal items) is the same, with no row missing or added (``rows``);
- journal items per account, entries per journal, POS orders, the ledgers per kind are equal
  (``groups``); every balance agrees with its ledger, before and after (``consistency``);
- every xml id that named a record still names the same record (same name, model and res_id,
  whatever its module: a moved xml id changes module, which is reported, not a failure); no
  model loses xml ids; the views, actions, menus, groups and record rules keep theirs;
- every model and field still exists, res_groups and ir_rule keep their counts, no installed
  module is lost;
- every module expected (``--expect-installed``) is installed, and the upgrade's log has no
  ERROR, CRITICAL or Traceback.

An intended removal or change is declared in the allow-list file (tools/upgrade_removals.txt):
one entry a line, ``#`` starts a comment::

    model  MODEL            the model (and its fields, its xml ids) may be gone
    field  MODEL FIELD      the field may be gone
    table  TABLE            the figures, rows and groups of TABLE may differ
    grows  TABLE            TABLE may gain rows (records of a module the upgrade installs),
                            never lose or change one
    xmlid  MODEL NAME       the xml id NAME of MODEL may be gone

Usage: upgrade_compare.py OLD.json NEW.json [--allow FILE] [--expect-installed a,b]
                          [--log UPGRADE.log]
Prints the checks that failed with their differences, notes, then
``upgrade: N checks passed, M failed``; exits 1 when one failed.
"""

import argparse
import json
import re
import sys
from collections import Counter

MAX_LINES = 25  # differences printed per check
UI_MODELS = ["ir.ui.view", "ir.actions.act_window", "ir.ui.menu", "res.groups", "ir.rule"]
LOG_PROBLEM = re.compile(r"^\S+ \S+ \d+ (ERROR|CRITICAL) |Traceback \(most recent call last\)")


class Check:
    def __init__(self, name, problems=()):
        self.name = name
        self.problems = list(problems)

    @property
    def ok(self):
        return not self.problems

    def __repr__(self):
        return f"Check({self.name!r}, {self.problems!r})"


class Allowed:
    """The allow-list of intended removals and changes."""

    KINDS = {"model": 1, "field": 2, "table": 1, "grows": 1, "xmlid": 2}

    def __init__(self, entries=()):
        self.entries = set(entries)
        self.used = set()

    @classmethod
    def parse(cls, text):
        entries = []
        for number, raw in enumerate(text.splitlines(), 1):
            line = raw.split("#", 1)[0].split()
            if not line:
                continue
            kind, args = line[0], tuple(line[1:])
            if kind not in cls.KINDS or len(args) != cls.KINDS[kind]:
                raise ValueError(f"allow-list line {number}: cannot read {raw.strip()!r}")
            entries.append((kind, *args))
        return cls(entries)

    def allows(self, *entry):
        if entry in self.entries:
            self.used.add(entry)
            return True
        # a model allowed to go takes its fields and xml ids with it
        if entry[0] in ("field", "xmlid") and ("model", entry[1]) in self.entries:
            self.used.add(("model", entry[1]))
            return True
        return False

    def unused(self):
        return sorted(self.entries - self.used)


# ----------------------------------------------------------------------------------------------
def compare_figures(label, old, new, allowed):
    """Row counts and sums of one table (or subset)."""
    table = label.split("[", 1)[0]
    check = Check(f"figures of {label}")
    if "error" in old:
        check.problems.append(f"before the upgrade it could not be read: {old['error']}")
        return check
    if old.get("missing"):
        return check  # nothing to keep
    if allowed.allows("table", table):
        return check
    if new.get("missing"):
        check.problems.append("the table is gone")
        return check
    if "error" in new:
        check.problems.append(f"after the upgrade it could not be read: {new['error']}")
        return check
    if new["rows"] > old["rows"] and allowed.allows("grows", table):
        # rows added (a module the upgrade installs): the sums grow with them; the rows that
        # were there are compared one by one where the table is fingerprinted (``rows``)
        return check
    if old["rows"] != new["rows"]:
        check.problems.append(f"rows: {old['rows']} before, {new['rows']} after")
    for column, value in sorted(old["sums"].items()):
        if column not in new["sums"]:
            if not allowed.allows("field", old.get("model"), column):
                check.problems.append(f"sum of {column}: {value} before, the column is gone")
        elif new["sums"][column] != value:
            check.problems.append(f"sum of {column}: {value} before, {new['sums'][column]} after")
    return check


def compare_rows(table, old, new, allowed):
    """The fingerprint of every row of a ledger or card table."""
    check = Check(f"rows of {table}")
    if old.get("missing") or allowed.allows("table", table):
        return check
    if new.get("missing"):
        check.problems.append("the table is gone")
        return check
    lost = new.get("lost_columns", [])
    for column in lost:
        if not allowed.allows("field", old.get("model"), column):
            check.problems.append(f"column {column} is gone")
    before, after = old["hashes"], new["hashes"]
    missing = sorted((i for i in before if i not in after), key=int)
    added = sorted((i for i in after if i not in before), key=int)
    # without a column (gone as the allow-list says), the rows can be compared by id only
    changed = (
        [] if lost else sorted((i for i in before if before[i] != after.get(i, before[i])), key=int)
    )
    if missing:
        check.problems.append(f"{len(missing)} row(s) gone: id {_ids(missing)}")
    if changed:
        check.problems.append(f"{len(changed)} row(s) changed: id {_ids(changed)}")
    if added and not allowed.allows("grows", table):
        check.problems.append(f"{len(added)} row(s) added: id {_ids(added)}")
    return check


def compare_group(label, old, new, allowed):
    """Sums of a table per group (account, journal, state, kind...)."""
    check = Check(f"group: {label}")
    if allowed.allows("table", old["table"]):
        return check
    before, after = old["values"], new.get("values", {"error": "not in the snapshot"})
    for when, values in (("before", before), ("after", after)):
        if "error" in values:
            check.problems.append(f"{when} the upgrade it could not be read: {values['error']}")
    if check.problems:
        return check
    for key in sorted(set(before) | set(after)):
        if before.get(key) != after.get(key):
            check.problems.append(
                f"{key}: {_show(before.get(key))} before, {_show(after.get(key))} after"
            )
    return check


def compare_consistency(when, snapshot):
    checks = []
    for label, rows in sorted(snapshot["consistency"].items()):
        check = Check(f"{when}: no {label}")
        if isinstance(rows, dict):
            check.problems.append(f"could not be read: {rows.get('error')}")
        else:
            check.problems.extend(f"id {row[0]} (partner {row[1]}): {row[2:]}" for row in rows)
        checks.append(check)
    return checks


def _key(xmlid):
    """An xml id as compared: name, model, res_id (its module may change)."""
    _module, name, model, res_id, _exists = xmlid
    return (name, model, res_id)


def compare_xmlids(old, new, allowed):
    """Every xml id of a record that existed still names it; the module changes, as notes."""
    checks, notes = [], []
    kept = Counter(_key(x) for x in new if x[4] is not False)
    lost = Counter()
    for xmlid in old:
        if xmlid[4] is False:
            continue  # it named nothing already
        key = _key(xmlid)
        if kept[key] > 0:
            kept[key] -= 1
        elif not allowed.allows("xmlid", xmlid[2], xmlid[1]):
            lost[(xmlid[2], f"{xmlid[0]}.{xmlid[1]} -> {xmlid[3]}", xmlid[1])] += 1
    # where the same name of the same model names another record now (a record recreated)
    elsewhere = {}
    for module, name, model, res_id, exists in new:
        if exists is not False:
            elsewhere.setdefault((name, model), []).append(f"{module}.{name} -> {res_id}")
    check = Check("xml ids: every record keeps its xml ids (name, model, res_id)")
    for (model, text, name), count in sorted(lost.items()):
        now = elsewhere.get((name, model))
        check.problems.append(
            f"{model}: {text}"
            + (f" (x{count})" if count > 1 else "")
            + (f", now {', '.join(sorted(now))}" if now else ", gone")
        )
    checks.append(check)

    # per model: no model has fewer xml ids (of existing records) than before
    before = Counter(x[2] for x in old if x[4] is not False)
    after = Counter(x[2] for x in new if x[4] is not False)
    check = Check("xml ids: no model has fewer of them")
    for model in sorted(before):
        if after[model] < before[model] and not allowed.allows("model", model):
            check.problems.append(f"{model}: {before[model]} before, {after[model]} after")
    checks.append(check)
    grown = [f"{m} +{after[m] - before[m]}" for m in sorted(after) if after[m] > before[m]]
    if grown:
        notes.append("xml ids added per model: " + ", ".join(grown))

    # the UI and the security records, by xml id name (of any module)
    for model in UI_MODELS:
        names_after = {x[1] for x in new if x[2] == model and x[4] is not False}
        check = Check(f"xml ids of {model}: every one still exists")
        for name in sorted({x[1] for x in old if x[2] == model and x[4] is not False}):
            if name not in names_after and not allowed.allows("xmlid", model, name):
                check.problems.append(name)
        checks.append(check)

    return checks, notes + moved_xmlids(old, new)


def moved_xmlids(old, new):
    """Notes on the xml ids whose module changed (a pre-migration moving them to the addon
    that now owns their records): the modules that gave them up -> the modules that took them
    (``-``: none, another module of before still has it)."""
    modules_before, modules_after = {}, {}
    for module, name, model, res_id, _exists in old:
        modules_before.setdefault((name, model, res_id), set()).add(module)
    for module, name, model, res_id, _exists in new:
        modules_after.setdefault((name, model, res_id), set()).add(module)
    moved = Counter()
    for key, modules in modules_before.items():
        now = modules_after.get(key)
        if now and modules - now:  # a module gave it up (a module only added it: not a move)
            moved[
                (",".join(sorted(modules - now)), ",".join(sorted(now - modules)) or "-", key[1])
            ] += 1
    return [
        f"xml ids moved {src} -> {dst}: {count} of {model}"
        for (src, dst, model), count in sorted(moved.items())
    ]


def compare_schema(old, new, allowed):
    checks, notes = [], []
    models_after = set(new["models"])
    check = Check("models: every one still exists")
    for model in old["models"]:
        if model not in models_after and not allowed.allows("model", model):
            check.problems.append(model)
    checks.append(check)
    fields_after = {tuple(f) for f in new["fields"]}
    check = Check("fields: every one still exists")
    for model, name in old["fields"]:
        if (model, name) not in fields_after and not allowed.allows("field", model, name):
            check.problems.append(f"{model}.{name}")
    checks.append(check)
    added = sorted(set(new["models"]) - set(old["models"]))
    if added:
        notes.append(f"models added: {', '.join(added)}")
    added_fields = len(fields_after - {tuple(f) for f in old["fields"]})
    if added_fields:
        notes.append(f"fields added: {added_fields}")
    for key, label, width in (
        ("constraints", "database constraints: every one still exists", 3),
        ("triggers", "database triggers: every one still exists", 2),
    ):
        if key not in old:
            continue  # a snapshot taken before these were recorded
        after = {tuple(item) for item in new.get(key, [])}
        check = Check(label)
        for item in old[key]:
            item = tuple(item[:width])
            if item not in after and not allowed.allows("table", item[0]):
                check.problems.append(" ".join(item))
        checks.append(check)
    for table, count in sorted(old["counts"].items()):
        check = Check(f"count of {table}")
        if allowed.allows("table", table):
            pass
        elif (new["counts"].get(table) or 0) > count and allowed.allows("grows", table):
            pass
        elif new["counts"].get(table) != count:
            check.problems.append(f"{count} before, {new['counts'].get(table)} after")
        checks.append(check)
    return checks, notes


def compare_modules(old, new, expected):
    checks, notes = [], []
    check = Check("modules: every one installed before is still installed")
    for name, state in sorted(old["modules"].items()):
        if state == "installed" and new["modules"].get(name) != "installed":
            check.problems.append(f"{name}: {new['modules'].get(name, 'unknown')}")
    checks.append(check)
    for name in expected:
        check = Check(f"module {name} is installed")
        if new["modules"].get(name) != "installed":
            state = new["modules"].get(name, "unknown (not in the list)")
            check.problems.append(f"its state is {state}")
        checks.append(check)
    installed_now = sorted(
        n for n, s in new["modules"].items() if s == "installed" and old["modules"].get(n) != s
    )
    if installed_now:
        notes.append(f"installed by the upgrade: {', '.join(installed_now)}")
    return checks, notes


def check_log(text):
    check = Check("the upgrade's log has no ERROR, CRITICAL or Traceback")
    check.problems.extend(line for line in text.splitlines() if LOG_PROBLEM.search(line))
    return check


def compare(old, new, allowed=None, expected=(), log_text=None):
    """All the checks of two snapshots: (checks, notes)."""
    allowed = allowed or Allowed()
    checks, notes = [], []
    for label in sorted(old["tables"]):
        checks.append(
            compare_figures(
                label, old["tables"][label], new["tables"].get(label, {"missing": True}), allowed
            )
        )
    for label in sorted(old["filtered"]):
        checks.append(
            compare_figures(
                label,
                old["filtered"][label],
                new["filtered"].get(label, {"missing": True}),
                allowed,
            )
        )
    for table in sorted(old["rows"]):
        checks.append(
            compare_rows(
                table, old["rows"][table], new["rows"].get(table, {"missing": True}), allowed
            )
        )
    for label in sorted(old["groups"]):
        checks.append(
            compare_group(label, old["groups"][label], new["groups"].get(label, {}), allowed)
        )
    checks += compare_consistency("before the upgrade", old)
    checks += compare_consistency("after the upgrade", new)
    for part in (
        compare_xmlids(old["xmlids"], new["xmlids"], allowed),
        compare_schema(old, new, allowed),
        compare_modules(old, new, expected),
    ):
        checks += part[0]
        notes += part[1]
    if log_text is not None:
        checks.append(check_log(log_text))
    for entry in allowed.unused():
        notes.append(f"allow-list entry not needed by this upgrade: {' '.join(entry)}")
    return checks, notes


def report(checks, notes, out=sys.stdout):
    failed = [c for c in checks if not c.ok]
    for check in failed:
        print(f"FAILED {check.name}", file=out)
        for line in check.problems[:MAX_LINES]:
            print(f"    {line}", file=out)
        if len(check.problems) > MAX_LINES:
            print(f"    ... and {len(check.problems) - MAX_LINES} more", file=out)
    for note in notes:
        print(f"note: {note}", file=out)
    print(f"upgrade: {len(checks) - len(failed)} checks passed, {len(failed)} failed", file=out)
    return not failed


def _ids(ids):
    shown = ", ".join(ids[:20])
    return shown + (f", ... ({len(ids) - 20} more)" if len(ids) > 20 else "")


def _show(value):
    return "absent" if value is None else "/".join(str(v) for v in value)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old")
    parser.add_argument("new")
    parser.add_argument("--allow", help="the allow-list of intended removals")
    parser.add_argument("--expect-installed", default="", help="modules, comma-separated")
    parser.add_argument("--log", help="the upgrade's log")
    args = parser.parse_args(argv)
    with open(args.old, encoding="utf-8") as handle:
        old = json.load(handle)
    with open(args.new, encoding="utf-8") as handle:
        new = json.load(handle)
    allowed = Allowed()
    if args.allow:
        with open(args.allow, encoding="utf-8") as handle:
            allowed = Allowed.parse(handle.read())
    log_text = None
    if args.log:
        with open(args.log, encoding="utf-8", errors="replace") as handle:
            log_text = handle.read()
    expected = [name for name in args.expect_installed.split(",") if name]
    checks, notes = compare(old, new, allowed, expected, log_text)
    return 0 if report(checks, notes) else 1


if __name__ == "__main__":
    sys.exit(main())
