from odoo.tests import tagged

from .common_wallet import WalletPosCase


@tagged("post_install", "-at_install")
class TestWalletMemberSpend(WalletPosCase):
    """A member's spend (lifetime spend, tier thresholds) counts money once: a top-up is not
    spend, paying from the balance is; a count card counts when bought, its uses are free."""

    def spend(self):
        self.member.invalidate_recordset(["member_total_spend"])
        return self.member.member_total_spend, self.member._chain_rolling_spend(12)

    def test_topup_then_paying_from_the_balance_counts_once(self):
        self.assertEqual(self.spend(), (0, 0))
        topup = self.sync(
            self.order_vals(
                self.session_a, [(self.topup_product, 1, 500)], [(self.cash_method, 500)]
            )
        )
        self.assertEqual((topup.amount_total, topup.chain_member_spend), (500, 0))
        self.assertEqual(self.spend(), (0, 0), "money loaded into the balance is not spent yet")
        paid = self.sync(
            self.order_vals(
                self.session_a,
                [(self.haircut, 3, 100)],
                [(self.wallet_method, 250), (self.cash_method, 50)],
            )
        )
        self.assertEqual(paid.chain_member_spend, 300)
        self.assertEqual(self.spend(), (300, 300))
        self.assertEqual(self.balance(), (250, 0))

    def test_topup_and_goods_on_one_order_count_the_goods_only(self):
        order = self.sync(
            self.order_vals(
                self.session_a,
                [(self.topup_product, 1, 200), (self.wash, 1, 30)],
                [(self.cash_method, 230)],
            )
        )
        self.assertEqual(order.chain_member_spend, 30)
        self.assertEqual(self.spend(), (30, 30))
        self.assertEqual(self.member.member_last_purchase_date, order.date_order)

    def test_count_card_counts_when_bought_not_when_used(self):
        sale = self.sync(
            self.order_vals(
                self.session_a, [(self.haircut_card, 1, 800)], [(self.cash_method, 800)]
            )
        )
        package = self.member.count_card_package_ids
        self.assertEqual((package.uses_remaining, sale.chain_member_spend), (10, 800))
        use = self.sync(
            self.order_vals(
                self.session_b,
                [(self.haircut, 1, 0.0, {"chain_count_card_package_id": package.id})],
                [(self.cash_method_b, 0.0)],
            ),
            user=self.cashier_b,
        )
        self.assertEqual((package.uses_remaining, use.chain_member_spend), (9, 0))
        self.assertEqual(self.spend(), (800, 800))

    def test_refund_paid_back_to_the_balance_takes_the_spend_back(self):
        self.topup(100)
        sale = self.sync(
            self.order_vals(self.session_a, [(self.haircut, 1, 100)], [(self.wallet_method, 100)])
        )
        self.assertEqual(self.spend(), (100, 100))
        self.sync(self.refund_vals(sale, self.session_a, [(self.wallet_method, -100)]))
        self.assertEqual(self.spend(), (0, 0))
        self.assertEqual(self.balance(), (100, 0))
