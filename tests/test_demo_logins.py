"""Logging in as each demo user (README's logins) shows only what the role allows."""

import pytest
from conftest import OdooRpcError


def visible_menus(session):
    """The xml ids of the menus the web client shows this user."""
    tree = session.call("ir.ui.menu", "load_menus", False)
    return {menu["xmlid"] for key, menu in tree.items() if key != "root"}


def test_every_demo_login_works(login):
    for user in [
        "hq_manager",
        "sh01_manager",
        "sh01_cashier",
        "sh02_manager",
        "sh02_cashier",
        "sz01_manager",
        "sz01_cashier",
        "al01_merchant",
    ]:
        assert login(user).uid


def test_cashier_sees_the_chain_app_but_not_its_configuration_or_log(login):
    cashier = login("sh01_cashier")
    menus = visible_menus(cashier)
    assert "chain_member.menu_chain_root" in menus
    assert "chain_member.menu_chain_stores" in menus
    assert "chain_member.menu_chain_configuration" not in menus
    assert "chain_member.menu_chain_operation_log" not in menus
    with pytest.raises(OdooRpcError) as caught:
        cashier.call("chain.operation.log", "search_read", [], ["operation"])
    assert "AccessError" in caught.value.name


def test_store_manager_reads_only_own_store_log(login):
    manager = login("sh01_manager")
    lines = manager.call("chain.operation.log", "search_read", [], ["store_id"])
    assert lines, "the demo setup logs store operations"
    assert {line["store_id"][1] for line in lines} == {"[SH01] 南京路店"}


def test_hq_manager_sees_every_store_and_the_configuration(login):
    hq = login("hq_manager")
    codes = {s["code"] for s in hq.call("chain.store", "search_read", [], ["code"])}
    assert {"HQ", "SH01", "SH02", "SZ01", "AL01"} <= codes
    menus = visible_menus(hq)
    assert {
        "chain_member.menu_chain_configuration",
        "chain_member.menu_chain_configuration_stores",
        "chain_member.menu_chain_operation_log",
    } <= menus
    # Odoo's settings stay with the administrator (res.config.settings is admin-only)
    assert "chain_member.menu_chain_settings" not in menus
    assert "chain_member.menu_chain_settings" in visible_menus(login("admin", "admin"))


def test_partner_merchant_sees_only_itself_and_no_members(login):
    merchant = login("al01_merchant")
    stores = merchant.call("chain.store", "search_read", [], ["code"])
    assert [s["code"] for s in stores] == ["AL01"]
    assert merchant.call("res.partner", "search_count", [["is_member", "=", True]]) == 0


def test_franchise_cashier_cannot_change_a_store(login):
    cashier = login("sz01_cashier")
    store = cashier.call("chain.store", "search_read", [["code", "=", "SZ01"]], ["id"])[0]
    with pytest.raises(OdooRpcError) as caught:
        cashier.call("chain.store", "write", [store["id"]], {"phone": "1"})
    assert "AccessError" in caught.value.name
