import uuid

from odoo import Command, fields

from odoo.addons.chain_member.tests.common import ChainMemberCase


class WalletCase(ChainMemberCase):
    """Stores and roles (ChainMemberCase), a member, products, and helpers to go through the
    stored-value service as each role."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.store_a.company_id
        cls.currency = cls.company.currency_id
        cls.accounts = cls.company._chain_wallet_accounts()
        cls.cash_journal = cls.env["account.journal"].create(
            {
                "name": "Till cash (test)",
                "code": "TCSH",
                "type": "cash",
                "company_id": cls.company.id,
            }
        )
        cls.member = cls.env["res.partner"].create(
            {"name": "Member Mei", "is_member": True, "mobile": "13800138101"}
        )
        cls.member_2 = cls.env["res.partner"].create(
            {"name": "Member Lin", "is_member": True, "mobile": "13800138102"}
        )
        cls.env["chain.topup.rule"].search([]).active = False
        cls.haircut = cls.env["product.product"].create(
            {
                "name": "Haircut",
                "type": "service",
                "list_price": 100.0,
                "taxes_id": [Command.clear()],
                "available_in_pos": True,
            }
        )
        cls.wash = cls.env["product.product"].create(
            {
                "name": "Hair Wash",
                "type": "service",
                "list_price": 30.0,
                "taxes_id": [Command.clear()],
                "available_in_pos": True,
            }
        )
        cls.haircut_card = cls.env["product.product"].create(
            {
                "name": "10 Haircuts",
                "type": "service",
                "list_price": 800.0,
                "taxes_id": [Command.clear()],
                "available_in_pos": True,
                "chain_count_card": True,
                "chain_count_card_uses": 10,
                "chain_count_card_validity_days": 365,
                "chain_count_card_service_ids": [Command.set((cls.haircut | cls.wash).ids)],
            }
        )
        cls.topup_product = cls.env.ref("chain_wallet.product_wallet_topup")
        cls.env["ir.config_parameter"].sudo().set_param(
            "chain_member.wallet_spend_order", "principal_first"
        )
        cls.env["ir.config_parameter"].sudo().set_param("chain_member.wallet_pin_required", "False")

    # ------------------------------------------------------------------------------------------
    def topup(self, amount, member=None, user=None, store=None, **kwargs):
        member = (member or self.member).with_user(user or self.cashier_a)
        return member._chain_wallet_account(store or self.store_a)._topup(
            amount, store=store or self.store_a, journal=self.cash_journal, **kwargs
        )

    def pay(self, amount, member=None, user=None, store=None, **kwargs):
        member = (member or self.member).with_user(user or self.cashier_a)
        kwargs.setdefault("counterpart_account", self.accounts["breakage"])
        return member._chain_wallet_account(store or self.store_a)._pay(
            amount, store=store or self.store_a, **kwargs
        )

    def balance(self, member=None):
        member = member or self.member
        member.invalidate_recordset(["wallet_balance", "wallet_principal", "wallet_bonus"])
        return member.wallet_principal, member.wallet_bonus

    def account_balance(self, account, company=None):
        """Credit balance of ``account`` (posted lines)."""
        self.env.flush_all()
        lines = self.env["account.move.line"].search(
            [
                ("account_id", "=", account.id),
                ("parent_state", "=", "posted"),
                ("company_id", "=", (company or self.company).id),
            ]
        )
        return sum(lines.mapped("credit")) - sum(lines.mapped("debit"))

    def ledger_sum(self, member=None):
        lines = (
            self.env["chain.wallet.transaction"]
            .sudo()
            .search([("partner_id", "=", (member or self.member).id)])
        )
        return self.currency.round(sum(lines.mapped("principal"))), self.currency.round(
            sum(lines.mapped("bonus"))
        )


class WalletPosCase(WalletCase):
    """WalletCase plus a till in store A and one in store B with an open session each, and
    helpers that build the order payload the POS sends to ``sync_from_ui``."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.wallet_method = cls.env["pos.payment.method"]._chain_wallet_method(cls.company)
        cls.config_a = cls._make_config("Till A", cls.store_a)
        cls.config_b = cls._make_config("Till B", cls.store_b)
        cls.cash_method = cls.config_a.payment_method_ids.filtered("is_cash_count")
        cls.cash_method_b = cls.config_b.payment_method_ids.filtered("is_cash_count")
        cls.session_a = cls._open_session(cls.config_a)
        cls.session_b = cls._open_session(cls.config_b)
        cls.cashier_b = cls._make_user(
            "t_cashier_b", "chain_member.group_chain_cashier", cls.store_b
        )

    @classmethod
    def _make_config(cls, name, store):
        journal = cls.env["account.journal"].create(
            {
                "name": f"{name} cash",
                "code": f"C{name[-1]}",
                "type": "cash",
                "company_id": store.company_id.id,
            }
        )
        cash = cls.env["pos.payment.method"].create(
            {"name": f"Cash {name}", "journal_id": journal.id, "company_id": store.company_id.id}
        )
        config = cls.env["pos.config"].create(
            {
                "name": name,
                "chain_store_id": store.id,
                "payment_method_ids": [Command.set(cash.ids)],
            }
        )
        assert (
            cls.wallet_method in config.payment_method_ids
        ), "a chain till gets the stored-value method"
        return config

    @classmethod
    def _open_session(cls, config):
        config.open_ui()
        session = config.current_session_id
        session.set_opening_control(0, None)
        return session

    def order_vals(self, session, lines, payments, partner=None, order_uuid=None, to_invoice=False):
        """The dict the POS sends for a paid order.

        :param lines: list of (product, qty, price_unit) or (product, qty, price_unit, extra)
        :param payments: list of (payment method, amount) or (method, amount, extra)
        """
        order_uuid = order_uuid or str(uuid.uuid4())
        line_cmds, total = [], 0.0
        for product, qty, price, *extra in lines:
            subtotal = qty * price
            total += subtotal
            line_cmds.append(
                Command.create(
                    {
                        "product_id": product.id,
                        "qty": qty,
                        "price_unit": price,
                        "price_subtotal": subtotal,
                        "price_subtotal_incl": subtotal,
                        "discount": 0.0,
                        "tax_ids": [Command.set([])],
                        "uuid": str(uuid.uuid4()),
                        "full_product_name": product.name,
                        **(extra[0] if extra else {}),
                    }
                )
            )
        payment_cmds = []
        for method, amount, *extra in payments:
            payment_cmds.append(
                Command.create(
                    {
                        "amount": amount,
                        "payment_method_id": method.id,
                        "payment_date": fields.Datetime.to_string(fields.Datetime.now()),
                        "uuid": str(uuid.uuid4()),
                        **(extra[0] if extra else {}),
                    }
                )
            )
        partner = self.member if partner is None else partner
        return {
            "uuid": order_uuid,
            "name": f"Order {order_uuid[:8]}",
            "session_id": session.id,
            "partner_id": partner.id if partner else False,
            "pricelist_id": session.config_id.pricelist_id.id,
            "fiscal_position_id": False,
            "amount_paid": sum(p[1] for p in payments),
            "amount_total": total,
            "amount_tax": 0.0,
            "amount_return": 0.0,
            "lines": line_cmds,
            "payment_ids": payment_cmds,
            "state": "paid",
            "sequence_number": 1,
            "user_id": self.env.uid,
            "date_order": fields.Datetime.to_string(fields.Datetime.now()),
            "to_invoice": to_invoice,
            "last_order_preparation_change": "{}",
        }

    def sync(self, vals, user=None):
        """Sync one order as ``user`` (cashier of store A by default); return the order."""
        user = user or self.cashier_a
        result = self.env["pos.order"].with_user(user).sync_from_ui([vals])
        order_ids = [order["id"] for order in result["pos.order"]]
        return self.env["pos.order"].browse(order_ids)

    def close_session(self, session):
        """Close ``session`` the way the till does, with the cash counted as expected."""
        session.post_closing_cash_details(session.cash_register_balance_end)
        result = session.close_session_from_ui()
        self.assertTrue(result.get("successful"), result)
        self.assertEqual(session.state, "closed")

    def refund_vals(self, order, session, payments, lines=None):
        """A refund of all of ``order``'s lines, paid back by ``payments``."""
        lines = lines or [
            (
                line.product_id,
                -line.qty,
                line.price_unit,
                {
                    "refunded_orderline_id": line.id,
                    **(
                        {"chain_count_card_package_id": line.chain_count_card_package_id.id}
                        if line.chain_count_card_package_id
                        else {}
                    ),
                },
            )
            for line in order.lines
        ]
        return self.order_vals(session, lines, payments, partner=order.partner_id)
