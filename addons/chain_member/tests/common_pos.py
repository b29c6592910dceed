from odoo import Command
from odoo.tests import new_test_user

from odoo.addons.point_of_sale.tests.test_frontend import TestPointOfSaleHttpCommon


class ChainPosTourCommon(TestPointOfSaleHttpCommon):
    """Odoo's own POS tour fixture (``TestPointOfSaleHttpCommon``: its company with a chart of
    accounts, ``main_pos_config`` with the ``Cash`` method, ``bank_payment_method``, ``pos_user``)
    made a till of the chain: ``main_pos_config`` belongs to ``store``, and ``cashier`` (login
    ``cashier_login``) is a chain cashier of that store and a POS user. The tours of every chain
    addon start from here, so they run on the same till as Odoo's own tours."""

    store_code = "T-POS"
    store_name = "Tour Store"
    store_kind = "direct"
    cashier_login = "chain_tour_cashier"
    cashier_name = "Tour Cashier"
    # groups of the cashier beyond the chain cashier's and the POS user's
    cashier_extra_groups = ""
    # the till also takes bank cards (Odoo's ``bank_payment_method``, named "Bank")
    till_takes_bank_cards = False

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        # Odoo's fixture runs as its accountant, a POS manager; here also the chain's HQ manager
        cls.env.user.groups_id += cls.env.ref("chain_member.group_chain_hq_manager")
        cls.store = cls.env["chain.store"].create(
            {"code": cls.store_code, "name": cls.store_name, "kind": cls.store_kind}
        )
        cls.cashier = cls._chain_till_user(
            cls.cashier_login,
            cls.cashier_name,
            "chain_member.group_chain_cashier",
            cls.store,
            cls.cashier_extra_groups,
        )
        cls.config = cls.main_pos_config
        values = {"chain_store_id": cls.store.id}
        if cls.till_takes_bank_cards:
            values["payment_method_ids"] = [Command.link(cls.bank_payment_method.id)]
        cls.config.write(values)
        cls.cash_method = cls.config.payment_method_ids.filtered(lambda m: m.type == "cash")
        cls.cash_journal = cls.cash_method.journal_id

    @classmethod
    def _chain_till_user(cls, login, name, chain_group, store, extra_groups=""):
        """A POS user in ``chain_group`` (a chain role's xml id) at ``store``; its password is
        its login."""
        groups = ",".join(
            group for group in (chain_group, "point_of_sale.group_pos_user", extra_groups) if group
        )
        user = new_test_user(cls.env, login=login, groups=groups, name=name)
        user.chain_store_ids = [Command.set(store.ids)]
        return user

    @classmethod
    def _chain_product(cls, name, price, **values):
        """A product the till sells, without taxes."""
        return cls.env["product.product"].create(
            {
                "name": name,
                "type": "service",
                "list_price": price,
                "available_in_pos": True,
                "taxes_id": [Command.clear()],
                **values,
            }
        )

    def start_chain_tour(self, tour, config=None, login=None):
        self.start_pos_tour(tour, login=login or self.cashier_login, pos_config=config)

    def chain_orders(self, partner=None, config=None):
        domain = [("config_id", "=", (config or self.config).id)]
        if partner is not None:
            domain.append(("partner_id", "=", partner.id))
        return self.env["pos.order"].search(domain, order="id")
