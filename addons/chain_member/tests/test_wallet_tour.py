from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestWalletTour(HttpCase):
    """The till in headless Chromium: top-up, split payment with the balance, refund back to
    the balance, count-card use (static/tests/tours/chain_wallet_tour.js)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.env = env
        company = env.company
        cls.store = env["chain.store"].create({"code": "T-WT", "name": "Wallet Tour Store"})
        cls.cashier = new_test_user(
            env,
            login="wallet_cashier",
            groups="chain_member.group_chain_cashier",
            name="Wallet Cashier",
        )
        cls.cashier.chain_store_ids = [Command.set(cls.store.ids)]
        cls.member = env["res.partner"].create(
            {"name": "AAA Wallet Member", "is_member": True, "mobile": "13800138188"}
        )
        env["chain.topup.rule"].search([]).active = False
        cls.haircut = env["product.product"].create(
            {
                "name": "Wallet Haircut",
                "type": "service",
                "list_price": 150.0,
                "available_in_pos": True,
                "taxes_id": [Command.clear()],
            }
        )
        cls.card_product = env["product.product"].create(
            {
                "name": "5 Wallet Haircuts",
                "type": "service",
                "list_price": 500.0,
                "taxes_id": [Command.clear()],
                "chain_count_card": True,
                "chain_count_card_uses": 5,
                "chain_count_card_service_ids": [Command.set(cls.haircut.ids)],
            }
        )
        journal = env["account.journal"].create(
            {"name": "Wallet tour cash", "code": "WTC", "type": "cash", "company_id": company.id}
        )
        cash = env["pos.payment.method"].create({"name": "Cash", "journal_id": journal.id})
        cls.config = env["pos.config"].create(
            {
                "name": "Wallet Till",
                "chain_store_id": cls.store.id,
                "payment_method_ids": [Command.set(cash.ids)],
            }
        )
        cls.package = cls.member._chain_count_card_sell(
            cls.card_product, store=cls.store, journal=journal
        )

    def test_wallet_at_the_till(self):
        self.start_tour(
            f"/pos/ui?config_id={self.config.id}", "ChainWalletTour", login="wallet_cashier"
        )
        lines = self.env["chain.wallet.transaction"].search(
            [("partner_id", "=", self.member.id)], order="id"
        )
        self.assertEqual(
            [(line.kind, line.principal, line.bonus) for line in lines],
            [("topup", 100, 0), ("payment", -100, 0), ("refund", 150, 0)],
        )
        self.assertEqual(self.member.wallet_balance, 150)
        self.assertEqual(self.package.uses_remaining, 4)
        use = self.package.move_ids.filtered(lambda move: move.kind == "use")
        self.assertEqual((use.store_id, use.service_id), (self.store, self.haircut))
        self.assertEqual(self.env["chain.wallet.transaction"]._check_ledger_consistency(), [])
