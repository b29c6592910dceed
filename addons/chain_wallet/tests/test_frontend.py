from odoo import Command
from odoo.tests import tagged

from odoo.addons.chain_member.tests.common_pos import ChainPosTourCommon


class WalletTourCase(ChainPosTourCommon):
    """The till in headless Chromium (static/tests/tours/chain_wallet_tours.js), on Odoo's POS
    tour fixture made a chain till (chain_member's ``ChainPosTourCommon``: cash and, here, bank
    card), with stored value, a cashier and the member "AAA Wallet Member"; each class runs one
    tour and checks what the server booked."""

    tour = None
    store_code = "T-WT"
    store_name = "Wallet Tour Store"
    cashier_login = "wallet_cashier"
    cashier_name = "Wallet Cashier"
    till_takes_bank_cards = True
    # stored value the member holds when the tour starts
    opening_balance = 0

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        env["ir.config_parameter"].sudo().set_param("chain_member.wallet_pin_required", "False")
        cls.member = env["res.partner"].create(
            {"name": "AAA Wallet Member", "is_member": True, "mobile": "13800138188"}
        )
        env["chain.topup.rule"].search([]).active = False
        # Odoo's fixture archives every product the POS sells; the top-up is the wallet's own
        env.ref("chain_wallet.product_wallet_topup").active = True
        cls.haircut = cls._chain_product("Wallet Haircut", 150.0)
        cls.colour = cls._chain_product("Wallet Colour", 100.0)
        if cls.opening_balance:
            cls.member.with_user(cls.cashier)._chain_wallet_account(cls.store)._topup(
                cls.opening_balance, store=cls.store, journal=cls.cash_journal
            )

    def run_tour(self):
        self.start_chain_tour(self.tour)

    def ledger(self):
        lines = self.env["chain.wallet.transaction"].search(
            [("partner_id", "=", self.member.id)], order="id"
        )
        return [(line.kind, line.principal, line.bonus) for line in lines]

    def balance(self):
        self.member.invalidate_recordset(["wallet_balance"])
        return self.member.wallet_balance

    def orders(self):
        return self.chain_orders()

    def payments(self, order):
        return sorted(
            (payment.payment_method_id.name, payment.amount) for payment in order.payment_ids
        )

    def assert_ledger_consistent(self):
        self.assertEqual(self.env["chain.wallet.transaction"]._check_ledger_consistency(), [])


@tagged("post_install", "-at_install")
class TestWalletTour(WalletTourCase):
    """Top-up, split payment with the balance (the amount it proposes), a refund that proposes
    the original split, count-card use."""

    tour = "ChainWalletTour"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        card_product = cls.env["product.product"].create(
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
        cls.package = cls.member.env["chain.count.card.package"]._sell(
            cls.member, card_product, store=cls.store, journal=cls.cash_journal
        )

    def test_wallet_at_the_till(self):
        self.run_tour()
        # the refund gave back to the balance what the balance paid (100), not the whole 150
        self.assertEqual(
            self.ledger(), [("topup", 100, 0), ("payment", -100, 0), ("refund", 100, 0)]
        )
        self.assertEqual(self.balance(), 100)
        refund = self.orders().filtered(lambda order: order.amount_total < 0)
        self.assertEqual(self.payments(refund), [("Cash", -50), ("Stored Value", -100)])
        self.assertEqual(self.package.uses_remaining, 4)
        use = self.package.move_ids.filtered(lambda move: move.kind == "use")
        self.assertEqual((use.store_id, use.service_id), (self.store, self.haircut))
        self.assert_ledger_consistent()


@tagged("post_install", "-at_install")
class TestWalletTourSplit(WalletTourCase):
    """The cashier types what the balance pays (30 of 150), cash pays the rest; amounts above
    the balance or the amount due are refused by the dialog."""

    tour = "ChainWalletSplitTour"
    opening_balance = 200

    def test_typed_amount_from_the_balance(self):
        self.run_tour()
        self.assertEqual(self.ledger(), [("topup", 200, 0), ("payment", -30, 0)])
        self.assertEqual(self.balance(), 170)
        order = self.orders()
        self.assertEqual(len(order), 1)
        self.assertEqual(order.state, "paid")
        self.assertEqual(self.payments(order), [("Cash", 120), ("Stored Value", 30)])
        self.assert_ledger_consistent()


@tagged("post_install", "-at_install")
class TestWalletTourWholeBalance(WalletTourCase):
    """ "Use the whole balance": 80 held pays 80 of a 150 haircut, cash the rest."""

    tour = "ChainWalletWholeBalanceTour"
    opening_balance = 80

    def test_whole_balance(self):
        self.run_tour()
        self.assertEqual(self.ledger(), [("topup", 80, 0), ("payment", -80, 0)])
        self.assertEqual(self.balance(), 0)
        self.assertEqual(self.payments(self.orders()), [("Cash", 70), ("Stored Value", 80)])
        self.assert_ledger_consistent()


@tagged("post_install", "-at_install")
class TestWalletTourRefundSplit(WalletTourCase):
    """An order paid 60 % from the balance and 40 % by bank card is refunded in the same
    proportions: 60 back to the balance, 40 to the bank card."""

    tour = "ChainWalletRefundSplitTour"
    opening_balance = 200

    def test_refund_proposes_the_original_split(self):
        self.run_tour()
        self.assertEqual(self.ledger(), [("topup", 200, 0), ("payment", -60, 0), ("refund", 60, 0)])
        self.assertEqual(self.balance(), 200)
        sale, refund = self.orders()
        self.assertEqual(self.payments(sale), [("Bank", 40), ("Stored Value", 60)])
        self.assertEqual(self.payments(refund), [("Bank", -40), ("Stored Value", -60)])
        self.assertEqual(refund.lines.refunded_orderline_id, sale.lines)
        self.assert_ledger_consistent()


@tagged("post_install", "-at_install")
class TestWalletTourCardLost(WalletTourCase):
    """A member whose card was reported lost (found by name, not by the card) pays from the
    balance: the till shows the alert and asks for the PIN, though the chain does not ask
    for PINs otherwise."""

    tour = "ChainWalletCardLostTour"
    opening_balance = 200

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        member = cls.member.with_user(cls.cashier)
        member._chain_wallet_account(cls.store)._set_pin("1234", store=cls.store)
        issue = (
            cls.env["chain.member.card.issue"]
            .with_user(cls.cashier)
            .create({"partner_id": cls.member.id, "store_id": cls.store.id, "kind": "magstripe"})
        )
        cls.card = cls.env["chain.member.card"].browse(issue.action_issue()["res_id"])
        cls.env["chain.member.card.lost"].with_user(cls.cashier).create(
            {"card_id": cls.card.id, "store_id": cls.store.id, "reason": "lost on the bus"}
        ).action_confirm()

    def server_asks_pin_for_lost_card(self):
        """The server's own rule (chain_wallet_authorize): a lost card needs the PIN."""
        answer = (
            self.env["res.partner"]
            .with_user(self.cashier)
            .chain_wallet_authorize(self.member.id, 10.0, "probe", self.config.id)
        )
        return bool(answer.get("pin_required"))

    def test_lost_card_asks_for_the_pin(self):
        self.assertEqual(self.card.state, "lost")
        server_asks = self.server_asks_pin_for_lost_card()
        self.run_tour()
        self.assertEqual(self.ledger(), [("topup", 200, 0), ("payment", -150, 0)])
        self.assertEqual(self.balance(), 50)
        payment = self.orders().payment_ids
        self.assertEqual(payment.amount, 150)
        if server_asks:
            # the PIN the tour typed was checked: the payment carries the server's token
            self.assertTrue(
                self.member._chain_wallet_check_token(
                    payment.transaction_id, payment.pos_order_id.uuid, 150.0
                )
            )
        self.assert_ledger_consistent()
