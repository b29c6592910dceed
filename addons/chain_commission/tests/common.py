import uuid

from odoo import Command, fields
from odoo.tests import new_test_user

from odoo.addons.chain_member.tests.common import ChainMemberCase


class CommissionCase(ChainMemberCase):
    """Stores and roles (ChainMemberCase), staff levels, employees of store A and B (two of
    them users), products in categories, a plan in force with rules of every kind, a till in
    store A and one in store B with an open session each, and helpers that build the order
    payload the POS sends to ``sync_from_ui``."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.store_a.company_id
        cls.currency = cls.company.currency_id
        Level = cls.env["chain.staff.level"]
        cls.level_senior = Level.create({"name": "Senior Technician", "code": "T-SRT"})
        cls.level_tech = Level.create({"name": "Technician", "code": "T-TEC"})
        cls.tech_user_1 = new_test_user(cls.env, login="t_tech_1", groups="base.group_user")
        cls.tech_user_2 = new_test_user(cls.env, login="t_tech_2", groups="base.group_user")
        cls.tech_1 = cls._employee("Tech One", cls.level_tech, cls.store_a, cls.tech_user_1)
        cls.tech_2 = cls._employee("Tech Two", cls.level_tech, cls.store_a, cls.tech_user_2)
        cls.senior = cls._employee("Senior Su", cls.level_senior, cls.store_a)
        cls.tech_b = cls._employee("Tech of B", cls.level_tech, cls.store_b)

        Category = cls.env["product.category"]
        cls.categ_hair = Category.create({"name": "Hair"})
        cls.categ_color = Category.create({"name": "Color", "parent_id": cls.categ_hair.id})
        cls.categ_progressive = Category.create({"name": "Progressive"})
        cls.categ_whole = Category.create({"name": "Whole band"})
        cls.categ_list = Category.create({"name": "List price"})
        cls.consult = cls._product("Consultation", 100.0)
        cls.haircut = cls._product("Haircut", 100.0, categ_id=cls.categ_hair.id)
        cls.dye = cls._product("Dye", 100.0, categ_id=cls.categ_color.id)
        cls.vip = cls._product("VIP Haircut", 200.0, categ_id=cls.categ_hair.id)
        cls.massage = cls._product("Massage", 1000.0, categ_id=cls.categ_progressive.id)
        cls.spa = cls._product("Spa", 1000.0, categ_id=cls.categ_whole.id)
        cls.shampoo = cls._product("Shampoo", 50.0, type="consu")
        cls.lotion = cls._product("Lotion", 100.0, type="consu", categ_id=cls.categ_list.id)

        # the demo's plan (when demo data is loaded) gives way to the test's
        cls.env["chain.commission.plan"].search(
            [("company_id", "=", cls.company.id), ("state", "!=", "draft")]
        ).write({"state": "draft"})
        cls.plan = cls.env["chain.commission.plan"].create(
            {
                "name": "Test plan",
                "company_id": cls.company.id,
                "date_from": "2020-01-01",
                "rule_ids": [
                    cls._rule("service", percentage=10),
                    cls._rule("service", percentage=15, staff_level_id=cls.level_senior.id),
                    cls._rule("service", percentage=12, categ_id=cls.categ_hair.id),
                    cls._rule("service", percentage=20, categ_id=cls.categ_color.id),
                    cls._rule(
                        "service",
                        compute_mode="fixed",
                        fixed_amount=30,
                        product_id=cls.vip.id,
                        store_id=cls.store_a.id,
                    ),
                    cls._rule("goods", percentage=5, exclude_discounted=True),
                    cls._rule(
                        "goods", percentage=10, categ_id=cls.categ_list.id, base_type="list_price"
                    ),
                    cls._tier_rule(cls.categ_progressive, "progressive"),
                    cls._tier_rule(cls.categ_whole, "whole"),
                ],
            }
        )
        cls.plan.action_activate()

        cls.config_a = cls._make_config("Till A", cls.store_a)
        cls.config_b = cls._make_config("Till B", cls.store_b)
        cls.cash_method = cls.config_a.payment_method_ids.filtered("is_cash_count")[:1]
        cls.cash_method_b = cls.config_b.payment_method_ids.filtered("is_cash_count")[:1]
        cls.session_a = cls._open_session(cls.config_a)
        cls.session_b = cls._open_session(cls.config_b)
        cls.cashier_b = cls._make_user(
            "t_cashier_b", "chain_member.group_chain_cashier", cls.store_b
        )

    @classmethod
    def _employee(cls, name, level, store, user=None):
        return cls.env["hr.employee"].create(
            {
                "name": name,
                "company_id": store.company_id.id,
                "chain_staff_level_id": level.id,
                "chain_store_ids": [Command.set(store.ids)],
                "user_id": user.id if user else False,
            }
        )

    @classmethod
    def _product(cls, name, price, type="service", **values):  # noqa: A002
        return cls.env["product.product"].create(
            {
                "name": name,
                "type": type,
                "list_price": price,
                "taxes_id": [Command.clear()],
                "available_in_pos": True,
                **values,
            }
        )

    @classmethod
    def _rule(cls, event_type, **values):
        return Command.create({"event_type": event_type, "compute_mode": "percentage", **values})

    @classmethod
    def _tier_rule(cls, categ, mode):
        return Command.create(
            {
                "event_type": "service",
                "categ_id": categ.id,
                "compute_mode": "tiers",
                "tier_mode": mode,
                "tier_ids": [
                    Command.create({"threshold": 0, "percentage": 5}),
                    Command.create({"threshold": 1500, "percentage": 10}),
                ],
            }
        )

    @classmethod
    def _make_config(cls, name, store):
        journal = cls.env["account.journal"].create(
            {
                "name": f"{name} cash",
                "code": f"K{name[-1]}",
                "type": "cash",
                "company_id": store.company_id.id,
            }
        )
        cash = cls.env["pos.payment.method"].create(
            {"name": f"Cash {name}", "journal_id": journal.id, "company_id": store.company_id.id}
        )
        return cls.env["pos.config"].create(
            {
                "name": name,
                "chain_store_id": store.id,
                "payment_method_ids": [Command.set(cash.ids)],
            }
        )

    @classmethod
    def _open_session(cls, config):
        config.open_ui()
        session = config.current_session_id
        session.set_opening_control(0, None)
        return session

    # ------------------------------------------------------------------------------------------
    def order_vals(self, session, lines, payments=None, order_uuid=None, **values):
        """The dict the POS sends for a paid order.

        :param lines: list of (product, qty, price_unit) or (product, qty, price_unit, extra);
            ``extra`` may hold ``shares``: [(employee, share)]
        :param payments: list of (payment method, amount); default: cash for the total
        """
        order_uuid = order_uuid or str(uuid.uuid4())
        line_cmds, total = [], 0.0
        for product, qty, price, *extra in lines:
            extra = dict(extra[0]) if extra else {}
            discount = extra.get("discount", 0.0)
            subtotal = qty * price * (1 - discount / 100.0)
            total += subtotal
            shares = extra.pop("shares", None)
            if shares is not None:
                extra["chain_staff_share_ids"] = [
                    Command.create(
                        {"employee_id": emp.id if hasattr(emp, "id") else emp, "share": share}
                    )
                    for emp, share in shares
                ]
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
                        **extra,
                    }
                )
            )
        method = self.cash_method if session == self.session_a else self.cash_method_b
        payments = payments if payments is not None else [(method, total)]
        payment_cmds = [
            Command.create(
                {
                    "amount": amount,
                    "payment_method_id": pay_method.id,
                    "payment_date": fields.Datetime.to_string(fields.Datetime.now()),
                    "uuid": str(uuid.uuid4()),
                }
            )
            for pay_method, amount in payments
        ]
        return {
            "uuid": order_uuid,
            "name": f"Order {order_uuid[:8]}",
            "session_id": session.id,
            "partner_id": False,
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
            "to_invoice": False,
            "last_order_preparation_change": "{}",
            **values,
        }

    def sync(self, vals, user=None):
        """Sync one order as ``user`` (cashier of store A by default); return the order."""
        user = user or self.cashier_a
        result = self.env["pos.order"].with_user(user).sync_from_ui([vals])
        return self.env["pos.order"].browse([order["id"] for order in result["pos.order"]])

    def sell(self, lines, session=None, user=None, **values):
        return self.sync(self.order_vals(session or self.session_a, lines, **values), user=user)

    def refund_vals(self, order, qty_by_line, session=None, **values):
        """A refund of ``qty_by_line`` {line: qty refunded} of ``order``."""
        lines = [
            (line.product_id, -qty, line.price_unit, {"refunded_orderline_id": line.id})
            for line, qty in qty_by_line.items()
        ]
        return self.order_vals(session or self.session_a, lines, **values)

    def commission(self, order=None, employee=None, kind=None):
        domain = []
        if order:
            domain.append(("pos_order_id", "=", order.id))
        if employee:
            domain.append(("employee_id", "=", employee.id))
        if kind:
            domain.append(("kind", "=", kind))
        return self.env["chain.commission.line"].sudo().search(domain, order="id")

    def amount_of(self, order, employee=None, kind=None):
        return self.currency.round(sum(self.commission(order, employee, kind).mapped("amount")))

    def configure_accounts(self, company=None):
        """Give ``company`` (store A's) the commission accounts and journal."""
        company = company or self.company
        Account = self.env["account.account"]
        company.write(
            {
                "chain_commission_expense_account_id": Account.create(
                    {
                        "name": "Commission expense",
                        "code": "660199",
                        "account_type": "expense",
                        "company_ids": [Command.set(company.ids)],
                    }
                ).id,
                "chain_commission_payable_account_id": Account.create(
                    {
                        "name": "Commission payable",
                        "code": "221199",
                        "account_type": "liability_current",
                        "company_ids": [Command.set(company.ids)],
                    }
                ).id,
                "chain_commission_journal_id": self.env["account.journal"]
                .create(
                    {
                        "name": "Commission",
                        "code": "TCOM",
                        "type": "general",
                        "company_id": company.id,
                    }
                )
                .id,
            }
        )
