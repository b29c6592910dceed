from odoo.tests import tagged

from .common import WalletCommissionCase


@tagged("post_install", "-at_install")
class TestCommissionWallet(WalletCommissionCase):
    """Backend top-ups, count-card sales, renewals and uses credit their staff; withdrawals and
    count-card refunds claw back."""

    def test_topup_shared_by_two(self):
        wizard = self.topup_wizard(1000, [(self.tech_1, 60), (self.tech_2, 40)])
        wizard.action_confirm()
        wizard.action_confirm()  # a double click posts once
        topup = self.env["chain.wallet.transaction"].search(
            [("partner_id", "=", self.member.id), ("kind", "=", "topup")]
        )
        self.assertEqual(len(topup), 1)
        self.assertEqual(
            {(s.employee_id, s.share) for s in topup.chain_staff_share_ids},
            {(self.tech_1, 60.0), (self.tech_2, 40.0)},
        )
        lines = self.lines(wallet_transaction_id=topup.id)
        self.assertEqual(
            self.amounts(lines), {(self.tech_1, "sale"): 12.0, (self.tech_2, "sale"): 8.0}
        )
        self.assertEqual(set(lines.mapped("event_type")), {"topup"})
        self.assertEqual(lines.mapped("base"), [600.0, 400.0])
        self.assertEqual(lines.store_id, self.store_a)
        self.assertEqual(self.balance(), (1000, 0))

    def test_topup_without_staff_credits_the_user_employee(self):
        self.topup_wizard(500).action_confirm()
        lines = self.lines(event_type="topup")
        self.assertEqual(self.amounts(lines), {(self.cashier_employee, "sale"): 10.0})
        self.assertEqual(lines.share, 100.0)

    def test_topup_without_plan_records_the_shares_only(self):
        self.wallet_plan.sudo().write({"state": "draft"})
        self.topup_wizard(500, [(self.tech_1, 100)]).action_confirm()
        topup = self.env["chain.wallet.transaction"].search([("kind", "=", "topup")])
        self.assertEqual(topup.chain_staff_share_ids.employee_id, self.tech_1)
        self.assertFalse(self.lines(event_type="topup"))

    def test_count_card_sale_renewal_and_use(self):
        sell = self.wizard(
            "chain.count.card.sell.wizard",
            self.cashier_a,
            [(self.tech_1, 50), (self.tech_2, 50)],
            partner_id=self.member.id,
            store_id=self.store_a.id,
            product_id=self.haircut_card.id,
            qty=2,
            journal_id=self.cash_journal.id,
        )
        sell.action_confirm()
        package = self.env["chain.count.card.package"].search([("partner_id", "=", self.member.id)])
        sale = package.move_ids.filtered(lambda m: m.kind == "sale")
        lines = self.lines(count_card_move_id=sale.id)
        # 50 per card, two cards, half each
        self.assertEqual(
            self.amounts(lines), {(self.tech_1, "sale"): 50.0, (self.tech_2, "sale"): 50.0}
        )
        self.assertEqual(lines.mapped("qty"), [1.0, 1.0])
        self.assertEqual(set(lines.mapped("event_type")), {"count_card_sale"})
        self.assertEqual(lines.product_id, self.haircut_card)

        renew = self.wizard(
            "chain.count.card.sell.wizard",
            self.cashier_a,
            [(self.tech_2, 100)],
            partner_id=self.member.id,
            store_id=self.store_a.id,
            product_id=self.haircut_card.id,
            package_id=package.id,
            qty=1,
            journal_id=self.cash_journal.id,
        )
        renew.action_confirm()
        renewal = package.move_ids.filtered(lambda m: m.kind == "renewal")
        self.assertEqual(
            self.amounts(self.lines(count_card_move_id=renewal.id)),
            {(self.tech_2, "sale"): 50.0},
        )

        use = self.wizard(
            "chain.count.card.use.wizard",
            self.cashier_a,
            [(self.tech_1, 50), (self.senior, 50)],
            package_id=package.id,
            service_id=self.haircut.id if self.haircut in package.service_ids else False,
            store_id=self.store_a.id,
            uses=2,
        )
        use.action_confirm()
        used = package.move_ids.filtered(lambda m: m.kind == "use")
        lines = self.lines(count_card_move_id=used.id)
        # 10 per use for a technician, 20 for a senior technician, one use each
        self.assertEqual(
            self.amounts(lines), {(self.tech_1, "sale"): 10.0, (self.senior, "sale"): 20.0}
        )
        self.assertEqual(set(lines.mapped("event_type")), {"count_card_use"})
        self.assertEqual(package.uses_remaining, 28)

    def test_withdrawal_claws_back_the_newest_topups_first(self):
        self.topup_wizard(1000, [(self.tech_1, 100)]).action_confirm()
        self.topup_wizard(500, [(self.tech_2, 100)]).action_confirm()
        withdraw = (
            self.env["chain.wallet.withdraw.wizard"]
            .with_user(self.manager_a)
            .create(
                {
                    "partner_id": self.member.id,
                    "store_id": self.store_a.id,
                    "amount": 700,
                    "journal_id": self.cash_journal.id,
                    "reason": "member moves away",
                }
            )
        )
        withdraw.action_confirm()
        first = self.env["chain.wallet.transaction"].search([("kind", "=", "withdrawal")])
        clawed = self.lines(wallet_transaction_id=first.id)
        # the 500 top-up is paid out whole, 200 of the 1000 one
        self.assertEqual(
            self.amounts(clawed),
            {(self.tech_2, "clawback"): -10.0, (self.tech_1, "clawback"): -4.0},
        )
        self.assertEqual(set(clawed.mapped("kind")), {"clawback"})
        self.assertTrue(all(line.origin_id for line in clawed))

        # the rest: 800 of the first top-up, nothing more of the second
        self.env["chain.wallet.withdraw.wizard"].with_user(self.manager_a).create(
            {
                "partner_id": self.member.id,
                "store_id": self.store_a.id,
                "amount": 800,
                "journal_id": self.cash_journal.id,
                "reason": "the rest",
            }
        ).action_confirm()
        totals = {}
        for line in self.lines(event_type="topup"):
            totals[line.employee_id] = totals.get(line.employee_id, 0.0) + line.amount
        self.assertEqual(totals, {self.tech_1: 0.0, self.tech_2: 0.0})
        self.assertEqual(self.balance(), (0, 0))

    def test_withdrawal_after_spending_claws_back_what_is_left(self):
        self.topup_wizard(1000, [(self.tech_1, 100)]).action_confirm()
        self.pay(600)  # spent: the commission on it stays
        self.env["chain.wallet.withdraw.wizard"].with_user(self.manager_a).create(
            {
                "partner_id": self.member.id,
                "store_id": self.store_a.id,
                "amount": 400,
                "journal_id": self.cash_journal.id,
                "reason": "the rest",
            }
        ).action_confirm()
        total = sum(self.lines(employee_id=self.tech_1.id).mapped("amount"))
        self.assertEqual(total, 12.0)  # 20 earned, 40 % of it given back

    def test_count_card_refund_claws_back_pro_rata(self):
        package = self.sell_card([(self.tech_1, 100)])
        package.with_user(self.cashier_a)._chain_count_card_use(store=self.store_a, uses=4)
        self.env["chain.count.card.refund.wizard"].with_user(self.manager_a).create(
            {
                "package_id": package.id,
                "journal_id": self.cash_journal.id,
                "store_id": self.store_a.id,
                "reason": "member moves away",
            }
        ).action_confirm()
        refund = package.move_ids.filtered(lambda m: m.kind == "refund")
        clawed = self.lines(count_card_move_id=refund.id)
        # 800 bought, 480 refunded: 60 % of the 50 earned
        self.assertEqual(self.amounts(clawed), {(self.tech_1, "clawback"): -30.0})
        self.assertEqual(clawed.origin_id.count_card_move_id.kind, "sale")

    def test_withdrawal_claws_back_a_till_topup(self):
        order = self.sell(
            [(self.topup_product, 1, 1000, {"shares": [(self.tech_1, 100)]})],
            partner_id=self.member.id,
        )
        self.assertEqual(self.amount_of(order, self.tech_1), 20.0)  # 2 % of the till top-up
        self.topup_wizard(500, [(self.tech_2, 100)]).action_confirm()
        self.env["chain.wallet.withdraw.wizard"].with_user(self.manager_a).create(
            {
                "partner_id": self.member.id,
                "store_id": self.store_a.id,
                "amount": 1200,
                "journal_id": self.cash_journal.id,
                "reason": "member moves away",
            }
        ).action_confirm()
        withdrawal = self.env["chain.wallet.transaction"].search([("kind", "=", "withdrawal")])
        clawed = self.lines(wallet_transaction_id=withdrawal.id)
        # the backend 500 whole, then 700 of the till's 1000
        self.assertEqual(
            self.amounts(clawed),
            {(self.tech_2, "clawback"): -10.0, (self.tech_1, "clawback"): -14.0},
        )
        self.assertEqual(
            clawed.filtered(lambda line: line.employee_id == self.tech_1).origin_id.pos_order_id,
            order,
        )
