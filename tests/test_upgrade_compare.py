"""The upgrade test's comparison (tools/upgrade_compare.py) and its shell script's refusals.

The comparison is pure Python over two snapshots (tools/upgrade_snapshot.py's JSON), so these
tests build small snapshots by hand: what an upgrade must keep, what it may move (xml ids change
module), and what the allow-list may declare gone.
"""

import importlib.util
import json
import os
import re
import subprocess

import pytest
from conftest import REPO


def load(name):
    spec = importlib.util.spec_from_file_location(name, REPO / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


uc = load("upgrade_compare")


def snapshot():
    """A small snapshot of a database with a member's stored value and its journal entry."""
    return {
        "tables": {
            "chain_wallet_transaction": {
                "model": "chain.wallet.transaction",
                "rows": 2,
                "sums": {"id": "3", "principal": "379.5", "amount": "379.5"},
            },
            "chain_wallet_account": {"rows": 1, "sums": {"id": "1", "principal": "379.5"}},
            "sms_sms": {"missing": True},
        },
        "filtered": {"res_partner[members]": {"rows": 1, "sums": {"id": "7"}}},
        "rows": {
            "chain_wallet_transaction": {
                "model": "chain.wallet.transaction",
                "columns": ["id", "principal"],
                "lost_columns": [],
                "hashes": {"1": "aaa", "2": "bbb"},
            },
        },
        "groups": {
            "stored-value ledger per kind": {
                "table": "chain_wallet_transaction",
                "values": {"topup": ["1", "500"], "payment": ["1", "-120.5"]},
            },
        },
        "consistency": {"stored-value accounts whose balance is not their ledger's sum": []},
        "xmlids": [
            ["chain_member", "model_chain_wallet_transaction", "ir.model", 300, True],
            ["chain_member", "view_chain_wallet_transaction_tree", "ir.ui.view", 900, True],
            ["chain_member", "menu_chain_wallet", "ir.ui.menu", 80, True],
            ["chain_member", "group_chain_cashier", "res.groups", 40, True],
            ["chain_member", "product_wallet_topup", "product.product", 12, True],
            ["__export__", "stale", "res.partner", 999, False],
        ],
        "models": ["chain.wallet.account", "chain.wallet.transaction", "res.partner"],
        "fields": [
            ["chain.wallet.account", "principal"],
            ["chain.wallet.transaction", "principal"],
            ["res.partner", "wallet_balance"],
        ],
        "counts": {"res_groups": 61, "ir_rule": 209},
        "modules": {
            "chain_member": "installed",
            "chain_loyalty": "installed",
            "chain_wallet": "uninstalled",
        },
    }


def run_compare(old, new, allowed=None, expected=("chain_member",), log_text=""):
    checks, notes = uc.compare(old, new, allowed or uc.Allowed(), list(expected), log_text)
    failed = {c.name: c.problems for c in checks if not c.ok}
    return checks, failed, notes


def test_identical_snapshots_pass_every_check():
    checks, failed, notes = run_compare(snapshot(), snapshot())
    assert failed == {}
    assert len(checks) > 15
    assert notes == []


def test_a_lost_ledger_line_fails_its_figures_rows_and_groups():
    new = snapshot()
    new["tables"]["chain_wallet_transaction"] = {
        "rows": 1,
        "sums": {"id": "1", "principal": "500", "amount": "500"},
    }
    del new["rows"]["chain_wallet_transaction"]["hashes"]["2"]
    new["groups"]["stored-value ledger per kind"]["values"].pop("payment")
    _checks, failed, _notes = run_compare(snapshot(), new)
    assert failed["figures of chain_wallet_transaction"] == [
        "rows: 2 before, 1 after",
        "sum of amount: 379.5 before, 500 after",
        "sum of id: 3 before, 1 after",
        "sum of principal: 379.5 before, 500 after",
    ]
    assert failed["rows of chain_wallet_transaction"] == ["1 row(s) gone: id 2"]
    assert failed["group: stored-value ledger per kind"] == [
        "payment: 1/-120.5 before, absent after"
    ]
    assert "figures of chain_wallet_account" not in failed


def test_a_changed_or_added_row_fails_even_when_the_sums_agree():
    new = snapshot()
    new["rows"]["chain_wallet_transaction"]["hashes"] = {"1": "aaa", "2": "ccc", "5": "ddd"}
    _checks, failed, _notes = run_compare(snapshot(), new)
    assert failed == {
        "rows of chain_wallet_transaction": [
            "1 row(s) changed: id 2",
            "1 row(s) added: id 5",
        ]
    }


def test_a_column_gone_from_a_fingerprinted_table_fails():
    new = snapshot()
    new["rows"]["chain_wallet_transaction"]["lost_columns"] = ["principal"]
    new["tables"]["chain_wallet_transaction"]["sums"].pop("principal")
    _checks, failed, _notes = run_compare(snapshot(), new)
    assert failed["rows of chain_wallet_transaction"] == ["column principal is gone"]
    assert failed["figures of chain_wallet_transaction"] == [
        "sum of principal: 379.5 before, the column is gone"
    ]


def test_a_column_allowed_to_go_compares_the_rows_by_id_only():
    new = snapshot()
    new["rows"]["chain_wallet_transaction"]["lost_columns"] = ["principal"]
    new["rows"]["chain_wallet_transaction"]["hashes"] = {"1": "xxx", "2": "yyy"}
    new["tables"]["chain_wallet_transaction"]["sums"].pop("principal")
    new["fields"].remove(["chain.wallet.transaction", "principal"])
    allowed = uc.Allowed.parse("field chain.wallet.transaction principal  # now computed\n")
    assert run_compare(snapshot(), new, allowed=allowed)[1] == {}
    del new["rows"]["chain_wallet_transaction"]["hashes"]["2"]
    failed = run_compare(snapshot(), new, allowed=allowed)[1]
    assert failed == {"rows of chain_wallet_transaction": ["1 row(s) gone: id 2"]}


def test_a_table_gone_or_unreadable_fails():
    new = snapshot()
    new["tables"]["chain_wallet_account"] = {"missing": True}
    new["rows"]["chain_wallet_transaction"] = {"missing": True}
    _checks, failed, _notes = run_compare(snapshot(), new)
    assert failed["figures of chain_wallet_account"] == ["the table is gone"]
    assert failed["rows of chain_wallet_transaction"] == ["the table is gone"]
    old = snapshot()
    old["tables"]["chain_wallet_account"] = {"error": "permission denied"}
    _checks, failed, _notes = run_compare(old, snapshot())
    assert "could not be read" in failed["figures of chain_wallet_account"][0]


def test_a_table_absent_before_is_nothing_to_keep():
    new = snapshot()
    new["tables"]["sms_sms"] = {"rows": 3, "sums": {"id": "6"}}
    assert run_compare(snapshot(), new)[1] == {}


def test_xml_ids_moved_to_another_module_pass_and_are_reported():
    new = snapshot()
    for xmlid in new["xmlids"]:
        if xmlid[1] in ("model_chain_wallet_transaction", "view_chain_wallet_transaction_tree"):
            xmlid[0] = "chain_wallet"
    new["modules"]["chain_wallet"] = "installed"
    _checks, failed, notes = run_compare(snapshot(), new, expected=["chain_member", "chain_wallet"])
    assert failed == {}
    assert "xml ids moved chain_member -> chain_wallet: 1 of ir.model" in notes
    assert "xml ids moved chain_member -> chain_wallet: 1 of ir.ui.view" in notes
    assert "installed by the upgrade: chain_wallet" in notes


def test_an_xml_id_only_added_by_another_module_is_no_move():
    new = snapshot()
    new["xmlids"].append(["chain_wallet", "model_chain_wallet_transaction", "ir.model", 300, True])
    _checks, failed, notes = run_compare(snapshot(), new)
    assert failed == {}
    assert notes == ["xml ids added per model: ir.model +1"]


def test_an_xml_id_lost_or_pointing_elsewhere_fails():
    new = snapshot()
    new["xmlids"][4] = ["chain_wallet", "product_wallet_topup", "product.product", 13, True]
    new["xmlids"][1][4] = False  # the view's record is gone
    _checks, failed, _notes = run_compare(snapshot(), new)
    problems = failed["xml ids: every record keeps its xml ids (name, model, res_id)"]
    assert problems == [
        "ir.ui.view: chain_member.view_chain_wallet_transaction_tree -> 900, gone",
        "product.product: chain_member.product_wallet_topup -> 12,"
        " now chain_wallet.product_wallet_topup -> 13",
    ]
    assert failed["xml ids of ir.ui.view: every one still exists"] == [
        "view_chain_wallet_transaction_tree"
    ]


def test_a_model_with_fewer_xml_ids_fails():
    new = snapshot()
    new["xmlids"] = [x for x in new["xmlids"] if x[2] != "product.product"]
    _checks, failed, _notes = run_compare(snapshot(), new)
    assert failed["xml ids: no model has fewer of them"] == ["product.product: 1 before, 0 after"]


def test_an_xml_id_that_named_nothing_before_need_not_survive():
    new = snapshot()
    new["xmlids"] = [x for x in new["xmlids"] if x[1] != "stale"]
    assert run_compare(snapshot(), new)[1] == {}


def test_the_ui_and_security_xml_ids_are_checked_by_name():
    new = snapshot()
    new["xmlids"] = [x for x in new["xmlids"] if x[2] not in ("ir.ui.menu", "res.groups")]
    _checks, failed, _notes = run_compare(snapshot(), new)
    assert failed["xml ids of ir.ui.menu: every one still exists"] == ["menu_chain_wallet"]
    assert failed["xml ids of res.groups: every one still exists"] == ["group_chain_cashier"]


def test_a_model_or_field_removed_fails_unless_allowed():
    new = snapshot()
    new["models"].remove("chain.wallet.account")
    new["fields"] = [f for f in new["fields"] if f[0] != "chain.wallet.account"]
    new["fields"].remove(["res.partner", "wallet_balance"])
    _checks, failed, _notes = run_compare(snapshot(), new)
    assert failed["models: every one still exists"] == ["chain.wallet.account"]
    assert failed["fields: every one still exists"] == [
        "chain.wallet.account.principal",
        "res.partner.wallet_balance",
    ]
    allowed = uc.Allowed.parse(
        "# intended\nmodel chain.wallet.account   # merged into res.partner\n"
        "field res.partner wallet_balance\n"
    )
    _checks, failed, notes = run_compare(snapshot(), new, allowed=allowed)
    assert failed == {}
    assert not [n for n in notes if n.startswith("allow-list entry not needed")]


def test_an_allow_list_entry_that_nothing_needs_is_reported():
    allowed = uc.Allowed.parse("field res.partner wallet_balance\n")
    _checks, failed, notes = run_compare(snapshot(), snapshot(), allowed=allowed)
    assert failed == {}
    assert "allow-list entry not needed by this upgrade: field res.partner wallet_balance" in notes


def test_an_allowed_table_may_change():
    new = snapshot()
    new["tables"]["chain_wallet_transaction"]["rows"] = 3
    new["rows"]["chain_wallet_transaction"]["hashes"]["9"] = "eee"
    new["groups"]["stored-value ledger per kind"]["values"]["topup"] = ["2", "600"]
    allowed = uc.Allowed.parse("table chain_wallet_transaction  # new demo top-ups\n")
    assert run_compare(snapshot(), new, allowed=allowed)[1] == {}


@pytest.mark.parametrize(
    "text",
    ["model", "field res.partner", "table a b", "remove chain.wallet.account", "xmlid ir.ui.view"],
)
def test_an_allow_list_line_that_cannot_be_read_is_refused(text):
    with pytest.raises(ValueError, match="allow-list line 1"):
        uc.Allowed.parse(text)


def test_the_allow_list_of_the_repository_names_only_the_intended_change():
    """Issue 13 (chain_wallet split out of chain_member) removes nothing: every model, field,
    table figure and xml id of the pinned revision survives the upgrade, but the record of the
    points allocations inheriting chain.ledger.mixin (they inherit the ledger core's
    append-only guard now). A later intended removal changes this test together with
    tools/upgrade_removals.txt."""
    allowed = uc.Allowed.parse((REPO / "tools" / "upgrade_removals.txt").read_text())
    assert allowed.entries == {
        (
            "xmlid",
            "ir.model.inherit",
            "model_inherit__chain_points_allocation__chain_ledger_mixin",
        ),
        # issue 14: chain_commission (with hr, pos_hr and their demo) installed by the upgrade
        ("grows", "res_partner"),
        ("grows", "res_groups"),
        ("grows", "ir_rule"),
        ("grows", "chain_operation_log"),
    }


def test_a_table_allowed_to_grow_may_gain_rows_but_not_lose_or_change_one():
    allowed = uc.Allowed.parse("grows chain_wallet_transaction\ngrows ir_rule\ngrows res_groups\n")
    grown = snapshot()
    grown["tables"]["chain_wallet_transaction"] = {
        "model": "chain.wallet.transaction",
        "rows": 3,
        "sums": {"id": "6", "principal": "400", "amount": "400"},
    }
    grown["rows"]["chain_wallet_transaction"]["hashes"]["3"] = "ccc"
    grown["counts"] = {"res_groups": 63, "ir_rule": 240}
    assert run_compare(snapshot(), grown, allowed=allowed)[1] == {}

    shrunk = snapshot()
    shrunk["rows"]["chain_wallet_transaction"]["hashes"] = {"1": "aaa", "2": "zzz", "3": "ccc"}
    shrunk["counts"] = {"res_groups": 60, "ir_rule": 240}
    shrunk["tables"]["chain_wallet_transaction"]["rows"] = 1
    failed = run_compare(snapshot(), shrunk, allowed=allowed)[1]
    assert failed["rows of chain_wallet_transaction"] == ["1 row(s) changed: id 2"]
    assert failed["count of res_groups"] == ["61 before, 60 after"]
    assert failed["figures of chain_wallet_transaction"][0] == "rows: 2 before, 1 after"


def test_counts_of_groups_and_rules_are_kept():
    new = snapshot()
    new["counts"]["ir_rule"] = 208
    _checks, failed, _notes = run_compare(snapshot(), new)
    assert failed == {"count of ir_rule": ["209 before, 208 after"]}


def test_balances_must_agree_with_their_ledger_before_and_after():
    new = snapshot()
    label = "stored-value accounts whose balance is not their ledger's sum"
    new["consistency"][label] = [[1, 7, "379.50", "0.00", "500.00", "0.00"]]
    _checks, failed, _notes = run_compare(snapshot(), new)
    assert failed == {
        f"after the upgrade: no {label}": ["id 1 (partner 7): ['379.50', '0.00', '500.00', '0.00']"]
    }
    old = snapshot()
    old["consistency"][label] = {"error": 'relation "chain_wallet_account" does not exist'}
    _checks, failed, _notes = run_compare(old, snapshot())
    assert list(failed) == [f"before the upgrade: no {label}"]


def test_the_expected_modules_must_be_installed():
    _checks, failed, _notes = run_compare(
        snapshot(), snapshot(), expected=["chain_member", "chain_wallet", "chain_gone"]
    )
    assert failed == {
        "module chain_wallet is installed": ["its state is uninstalled"],
        "module chain_gone is installed": ["its state is unknown (not in the list)"],
    }
    new = snapshot()
    new["modules"]["chain_loyalty"] = "to upgrade"
    _checks, failed, _notes = run_compare(snapshot(), new)
    assert failed == {
        "modules: every one installed before is still installed": ["chain_loyalty: to upgrade"]
    }


def test_the_upgrade_log_must_have_no_error_critical_or_traceback():
    clean = (
        "Running as user 'root' is a security risk.\n"
        "2026-12-03 09:55:19,985 11713 WARNING chain odoo.addons.account: Incorrect usage\n"
        "2026-12-03 09:55:20,001 11713 INFO chain odoo.modules.loading: ERROR in a message\n"
    )
    assert run_compare(snapshot(), snapshot(), log_text=clean)[1] == {}
    for line in (
        "2026-12-03 09:55:19,985 11713 ERROR chain odoo.modules.loading: Failed to load",
        "2026-12-03 09:55:19,985 11713 CRITICAL chain odoo.service.server: Failed",
        "Traceback (most recent call last):",
    ):
        failed = run_compare(snapshot(), snapshot(), log_text=clean + line + "\n")[1]
        assert failed == {"the upgrade's log has no ERROR, CRITICAL or Traceback": [line]}


def test_the_command_prints_the_differences_and_the_count(tmp_path):
    new = snapshot()
    new["models"].remove("chain.wallet.account")
    (tmp_path / "old.json").write_text(json.dumps(snapshot()))
    (tmp_path / "new.json").write_text(json.dumps(new))
    (tmp_path / "same.json").write_text(json.dumps(snapshot()))
    (tmp_path / "log").write_text("")
    command = ["python", str(REPO / "tools" / "upgrade_compare.py"), str(tmp_path / "old.json")]
    result = subprocess.run(
        [*command, str(tmp_path / "new.json"), "--expect-installed", "chain_member"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert "FAILED models: every one still exists" in lines
    assert "    chain.wallet.account" in lines
    assert re.fullmatch(r"upgrade: \d+ checks passed, 1 failed", lines[-1])
    result = subprocess.run(
        [
            *command,
            str(tmp_path / "same.json"),
            "--allow",
            str(REPO / "tools" / "upgrade_removals.txt"),
            "--log",
            str(tmp_path / "log"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout
    assert re.fullmatch(r"upgrade: \d+ checks passed, 0 failed", result.stdout.splitlines()[-1])


def test_snapshot_numbers_are_canonical():
    number = load("upgrade_snapshot")._number
    assert [number(v) for v in ("1.50", "379.500000", "0.000000", "-0.000", "-12.25")] == [
        "1.5",
        "379.5",
        "0",
        "0",
        "-12.25",
    ]
    assert (number(10), number(None), number("100")) == ("10", None, "100")


def test_the_pin_is_a_full_commit_of_this_repository():
    lines = (REPO / "tools" / "upgrade_from.txt").read_text().splitlines()
    pin = next(line.split()[0] for line in lines if line.strip() and not line.startswith("#"))
    assert re.fullmatch(r"[0-9a-f]{40}", pin)
    result = subprocess.run(
        ["git", "-C", str(REPO), "cat-file", "-t", pin], capture_output=True, text=True
    )
    assert result.stdout.strip() == "commit", "the pinned revision is not in this clone"


# ----------------------------------------------------------------------------------------------
# tools/upgrade_test.sh refuses to pass without git or without the revision
# ----------------------------------------------------------------------------------------------
def script_env(tmp_path, **extra):
    return {
        **os.environ,
        "REPO": str(REPO),
        "ODOO_ROOT": str(tmp_path / "no-odoo"),
        "LOCAL": str(tmp_path / "local"),
        "ADDONS": "chain_member",
        "ADDONS_PATH": str(tmp_path),
        "CHAIN_DB_USER": "odoo",
        "UPGRADE_DB": "upgrade_test_never_created",
        **extra,
    }


def test_the_upgrade_test_fails_when_the_revision_is_missing(tmp_path):
    result = subprocess.run(
        ["bash", str(REPO / "tools" / "upgrade_test.sh")],
        capture_output=True,
        text=True,
        env=script_env(tmp_path, UPGRADE_FROM="0" * 40),
        timeout=60,
    )
    assert result.returncode == 1
    assert "is not in this clone" in result.stderr
    assert result.stdout.splitlines()[-1] == "upgrade: 0 checks passed, 1 failed"


def test_the_upgrade_test_fails_without_git(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("date", "mkdir", "rm", "dirname"):
        path = subprocess.run(["which", tool], capture_output=True, text=True).stdout.strip()
        (bin_dir / tool).symlink_to(path)
    bash = subprocess.run(["which", "bash"], capture_output=True, text=True).stdout.strip()
    result = subprocess.run(
        [bash, str(REPO / "tools" / "upgrade_test.sh")],
        capture_output=True,
        text=True,
        env=script_env(tmp_path, PATH=str(bin_dir)),
        timeout=60,
    )
    assert result.returncode == 1
    assert "git is not installed" in result.stderr
    assert result.stdout.splitlines()[-1] == "upgrade: 0 checks passed, 1 failed"


def test_a_dropped_database_constraint_or_trigger_fails():
    """An upgrade that leaves the rows alone but drops a guard of the database (a ledger's
    unique key, a balance CHECK, the append-only trigger) is caught."""
    old = snapshot()
    old["constraints"] = [
        ["chain_wallet_account", "chain_wallet_account_principal_not_negative", "c"],
        ["chain_wallet_transaction", "chain_wallet_transaction_idempotency_key_unique", "u"],
    ]
    old["triggers"] = [["chain_wallet_transaction", "chain_wallet_transaction_append_only"]]
    same = {**old}
    assert run_compare(old, same)[1] == {}
    new = {**old, "constraints": old["constraints"][:1], "triggers": []}
    _checks, failed, _notes = run_compare(old, new)
    assert failed == {
        "database constraints: every one still exists": [
            "chain_wallet_transaction chain_wallet_transaction_idempotency_key_unique u"
        ],
        "database triggers: every one still exists": [
            "chain_wallet_transaction chain_wallet_transaction_append_only"
        ],
    }
