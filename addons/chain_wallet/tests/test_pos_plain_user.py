"""A POS user outside the chain (no chain group) and a till of no chain store work as in stock
Odoo (issue 21): the till is told only of the fields its user may read, and loads no chain data."""

from odoo.tests import new_test_user, tagged

from .common_wallet import WalletPosCase


@tagged("post_install", "-at_install")
class TestPosPlainUser(WalletPosCase):
    def test_plain_pos_user_is_not_told_of_chain_only_fields(self):
        user = new_test_user(
            self.env, login="t_plain_pos_user", groups="point_of_sale.group_pos_user"
        )
        Session = self.env["pos.session"].with_user(user)
        response = {"pos.order": {"fields": []}}
        Session._load_pos_data_relations("pos.order", response)
        relations = response["pos.order"]["relations"]
        self.assertIn("lines", relations)
        self.assertNotIn("chain_wallet_transaction_ids", relations)
        self.assertNotIn("chain_count_card_move_ids", relations)
        # a cashier of the chain is told of them
        response = {"pos.order": {"fields": []}}
        self.env["pos.session"].with_user(self.cashier_a)._load_pos_data_relations(
            "pos.order", response
        )
        self.assertIn("chain_wallet_transaction_ids", response["pos.order"]["relations"])

    def test_till_of_no_chain_store_loads_no_chain_data(self):
        config = self.env["pos.config"].create({"name": "Plain till"})
        models_ = self.env["pos.session"]._load_pos_data_models(config.id)
        self.assertNotIn("chain.count.card.package", models_)
        self.assertNotIn("chain.timed.session", models_)
        self.assertIn(
            "chain.count.card.package",
            self.env["pos.session"]._load_pos_data_models(self.config_a.id),
        )
