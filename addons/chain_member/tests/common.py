from odoo import Command
from odoo.tests import TransactionCase, new_test_user


class ChainMemberCase(TransactionCase):
    """Two stores of the chain (plus the headquarters) and a user for every role."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        Store = cls.env["chain.store"]
        cls.hq = Store.get_headquarters() or Store.create(
            {"code": "T-HQ", "name": "Test HQ", "kind": "headquarters"}
        )
        cls.store_a = Store.create({"code": "T-A", "name": "Store A", "kind": "direct"})
        cls.store_b = Store.create({"code": "T-B", "name": "Store B", "kind": "direct"})
        cls.merchant_store = Store.create({"code": "T-M", "name": "Book Shop", "kind": "alliance"})
        cls.cashier_a = cls._make_user(
            "t_cashier_a", "chain_member.group_chain_cashier", cls.store_a
        )
        cls.manager_a = cls._make_user(
            "t_manager_a", "chain_member.group_chain_store_manager", cls.store_a
        )
        cls.manager_b = cls._make_user(
            "t_manager_b", "chain_member.group_chain_store_manager", cls.store_b
        )
        cls.hq_manager = cls._make_user("t_hq", "chain_member.group_chain_hq_manager", cls.hq)
        cls.merchant = cls._make_user(
            "t_merchant", "chain_member.group_chain_partner_merchant", cls.merchant_store
        )

    @classmethod
    def _make_user(cls, login, group, store):
        user = new_test_user(
            cls.env, login=login, groups=group, name=login.replace("_", " ").title()
        )
        user.chain_store_ids = [Command.set(store.ids)]
        return user
