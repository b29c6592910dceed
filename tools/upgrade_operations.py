"""Operations of the upgrade test (tools/upgrade_test.sh), run with the OLD revision's code.

Fed to `odoo-bin shell -d DB` on its standard input: ``env`` is the shell's superuser
environment. It does, as the demo users of the store SH01 would, a few real operations through
the services of the old revision (stored value, count cards, points, member cards, a POS order
synced and its session closed), so that the database has ledger lines, balances and journal
entries to compare after the upgrade. It commits and prints ``upgrade-operations: ok`` last;
any error ends the shell with a traceback and no such line (the test then fails).

It is written against the APIs of the revisions it upgrades from: before issue 13 (the pin in
tools/upgrade_from.txt, ``cda56bf``) the money services were private methods of ``res.partner``
(``_chain_wallet_*``, ``_chain_count_card_*``, ``_chain_points_*``); from issue 13 on they are on
the records that hold the balance (``partner._chain_wallet_account(store)._topup(...)``,
``chain.count.card.package._sell(...)``, ``partner._chain_points_account()._earn(...)``). The
helpers below use whichever the database's code has; when the pin moves, check this script
against that revision.
"""
# ruff: noqa: F821 (``env`` is given by odoo-bin shell)
# pylint: disable=undefined-variable

import uuid

from odoo import Command, fields


def order_vals(session, member, user, lines, payments):
    """The payload a till sends to pos.order.sync_from_ui for a paid order."""
    line_cmds, total = [], 0.0
    for product, qty, price in lines:
        total += qty * price
        line_cmds.append(
            Command.create(
                {
                    "product_id": product.id,
                    "qty": qty,
                    "price_unit": price,
                    "price_subtotal": qty * price,
                    "price_subtotal_incl": qty * price,
                    "discount": 0.0,
                    "tax_ids": [Command.set([])],
                    "uuid": str(uuid.uuid4()),
                    "full_product_name": product.name,
                }
            )
        )
    now = fields.Datetime.to_string(fields.Datetime.now())
    order_uuid = str(uuid.uuid4())
    return {
        "uuid": order_uuid,
        "name": f"Order {order_uuid[:8]}",
        "session_id": session.id,
        "partner_id": member.id,
        "pricelist_id": session.config_id.pricelist_id.id,
        "fiscal_position_id": False,
        "amount_paid": sum(amount for _method, amount in payments),
        "amount_total": total,
        "amount_tax": 0.0,
        "amount_return": 0.0,
        "lines": line_cmds,
        "payment_ids": [
            Command.create(
                {
                    "amount": amount,
                    "payment_method_id": method.id,
                    "payment_date": now,
                    "uuid": str(uuid.uuid4()),
                }
            )
            for method, amount in payments
        ],
        "state": "paid",
        "sequence_number": 1,
        "user_id": user.id,
        "date_order": now,
        "to_invoice": False,
        "last_order_preparation_change": "{}",
    }


def topup(member, amount, store, journal):
    if hasattr(member, "_chain_wallet_account"):  # issue 13 on
        return member._chain_wallet_account(store)._topup(amount, store=store, journal=journal)
    return member._chain_wallet_topup(amount, store=store, journal=journal)


def pay(member, amount, store, counterpart_account):
    if hasattr(member, "_chain_wallet_account"):
        return member._chain_wallet_account(store)._pay(
            amount, store=store, counterpart_account=counterpart_account
        )
    return member._chain_wallet_pay(amount, store=store, counterpart_account=counterpart_account)


def sell_count_card(member, product, store, journal):
    Package = member.env["chain.count.card.package"]
    if hasattr(Package, "_sell"):
        return Package._sell(member, product, store=store, journal=journal)
    return member._chain_count_card_sell(product, store=store, journal=journal)


def earn_points(member, points, store):
    if hasattr(member, "_chain_points_account"):
        return member._chain_points_account()._earn(points, store=store, rule="purchase")
    return member._chain_points_earn(points, store=store, rule="purchase")


def topup_product(env):
    return env.ref("chain_wallet.product_wallet_topup", raise_if_not_found=False) or env.ref(
        "chain_member.product_wallet_topup"
    )


def run(env):
    env = env(context=dict(env.context, tracking_disable=True))
    store = env.ref("chain_member.store_direct_1")
    cashier = env.ref("chain_member.user_sh01_cashier")
    company = store.company_id
    accounts = company._chain_wallet_accounts()
    cash_journal = env["account.journal"].search(
        [("type", "=", "cash"), ("company_id", "=", company.id)], limit=1
    )
    assert cash_journal, "no cash journal in the demo company"

    # a member registered at the till, and a second one
    members = (
        env["res.partner"]
        .with_user(cashier)
        .create(
            [
                {"name": "Upgrade Member Mei", "is_member": True, "mobile": "13800138901"},
                {"name": "Upgrade Member Lin", "is_member": True, "mobile": "13800138902"},
            ]
        )
    )
    mei, lin = members[0].with_user(cashier), members[1].with_user(cashier)

    # stored value: two top-ups (cash journal), a backend payment
    topup(mei, 500, store, cash_journal)
    topup(lin, 200, store, cash_journal)
    pay(mei, 120.5, store, accounts["breakage"])

    # a count card: a product set up by the back office, sold to Mei and used once
    service = env["product.product"].create(
        {"name": "Upgrade Haircut", "type": "service", "list_price": 100.0, "taxes_id": False}
    )
    card_product = env["product.product"].create(
        {
            "name": "Upgrade 10 Haircuts",
            "type": "service",
            "list_price": 800.0,
            "taxes_id": False,
            "available_in_pos": True,
            "chain_count_card": True,
            "chain_count_card_uses": 10,
            "chain_count_card_validity_days": 365,
            "chain_count_card_service_ids": [Command.set(service.ids)],
        }
    )
    package = sell_count_card(mei, card_product, store, cash_journal)
    package.with_user(cashier)._chain_count_card_use(store=store, uses=2, service=service)

    # points: earned by both members
    earn_points(mei, 150, store)
    earn_points(lin, 30, store)

    # a member card issued at the till (the wizard the cashier uses)
    env["chain.member.card.issue"].with_user(cashier).create(
        {"partner_id": mei.id, "kind": "electronic", "store_id": store.id}
    ).action_issue()

    # the till: a session opened, an order paid from the balance and by card, the session
    # closed (the closing entry books the stored-value liability)
    config = store.pos_config_ids[:1].with_user(cashier)
    assert config, "the demo store SH01 has no point of sale"
    if config.current_session_id:
        session = config.current_session_id
    else:
        config.open_ui()
        session = config.current_session_id
        session.set_opening_control(0, None)
    wallet_method = env["pos.payment.method"]._chain_wallet_method(company)
    # the demo till takes cards (a bank journal) besides the chain's own methods
    card_method = config.payment_method_ids.filtered(
        lambda method: method.journal_id.type in ("cash", "bank")
    )[:1]
    assert wallet_method in config.payment_method_ids and card_method
    topup_item = topup_product(env)
    payloads = [
        # a service paid partly from the balance
        order_vals(
            session,
            mei,
            cashier,
            [(service, 1, 100.0)],
            [(wallet_method, 60.0), (card_method, 40.0)],
        ),
        # a count card and a top-up bought at the till (paid with money, as they must be)
        order_vals(
            session,
            lin,
            cashier,
            [(card_product, 1, 800.0), (topup_item, 1, 100.0)],
            [(card_method, 900.0)],
        ),
    ]
    result = env["pos.order"].with_user(cashier).sync_from_ui(payloads)
    orders = env["pos.order"].browse([o["id"] for o in result["pos.order"]])
    assert len(orders) == 2 and set(orders.mapped("state")) == {"paid"}, orders.read(["state"])
    assert len(orders.chain_wallet_transaction_ids) == 2, "a POS payment and a POS top-up"
    # the administrator closes it (the demo cashier has no e-mail address for the chatter)
    session = session.with_user(env.ref("base.user_admin"))
    if session.cash_journal_id:  # the demo till has no cash register
        session.post_closing_cash_details(session.cash_register_balance_end)
    closing = session.close_session_from_ui()
    assert closing.get("successful"), closing
    assert session.state == "closed" and session.move_id, "the session has no closing entry"

    env.cr.commit()
    mei.invalidate_recordset()
    mei, lin = mei.sudo(), lin.sudo()
    print(
        f"upgrade-operations: members {members.ids}, "
        f"wallet {mei.wallet_balance:.2f}/{lin.wallet_balance:.2f}, "
        f"points {mei.points_balance}/{lin.points_balance}, "
        f"packages {len(mei._chain_count_card_active())}, orders {orders.mapped('name')}"
    )
    print("upgrade-operations: ok")


run(env)
