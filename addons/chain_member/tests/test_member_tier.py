from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import ChainMemberCase


@tagged("post_install", "-at_install")
class TestMemberTier(ChainMemberCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Tier = cls.env["chain.member.tier"]
        Tier.search([]).active = False
        cls.regular = Tier.create(
            {"name": "T Regular", "sequence": 1, "spend_threshold": 0, "validity_months": 0}
        )
        cls.silver = Tier.create(
            {
                "name": "T Silver",
                "sequence": 2,
                "spend_threshold": 1000,
                "discount_percent": 3,
                "validity_months": 12,
                "grace_days": 10,
            }
        )
        cls.gold = Tier.create(
            {
                "name": "T Gold",
                "sequence": 3,
                "spend_threshold": 5000,
                "validity_months": 12,
            }
        )
        cls.member = cls.env["res.partner"].chain_register_member(
            {"name": "Wang Fang", "mobile": "13711112222"}, store=cls.store_a
        )
        cls.pos_config = cls.env["pos.config"].create(
            {"name": "Store A till", "chain_store_id": cls.store_a.id}
        )
        cls.session = cls.env["pos.session"].create({"config_id": cls.pos_config.id})
        cls.upgrade_product = cls.env["product.product"].create(
            {"name": "Gold upgrade", "type": "service", "list_price": 99, "available_in_pos": True}
        )
        cls.gold.upgrade_product_id = cls.upgrade_product

    def _paid_order(self, product, amount):
        """A member's order paid at store A's till, through the POS's own paid flow."""
        order = self.env["pos.order"].create(
            {
                "session_id": self.session.id,
                "partner_id": self.member.id,
                "lines": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "qty": 1,
                            "price_unit": amount,
                            "price_subtotal": amount,
                            "price_subtotal_incl": amount,
                        }
                    )
                ],
                "amount_total": amount,
                "amount_tax": 0,
                "amount_paid": 0,
                "amount_return": 0,
            }
        )
        order.add_payment(
            {
                "pos_order_id": order.id,
                "amount": amount,
                "payment_method_id": self.pos_config.payment_method_ids[0].id,
            }
        )
        order.action_pos_order_paid()
        return order

    def _spend(self, amount):
        """A paid order of the member at store A (spend read from pos_order)."""
        self.env.cr.execute(
            """INSERT INTO pos_order (name, partner_id, state, amount_total, chain_member_spend,
                   amount_tax, amount_paid, amount_return, date_order, company_id, session_id,
                   pricelist_id)
               VALUES ('T', %s, 'paid', %s, %s, 0, %s, 0, now() AT TIME ZONE 'UTC', %s, %s,
                       NULL)""",
            [self.member.id, amount, amount, amount, self.env.company.id, self.session.id],
        )

    def test_member_upgrades_at_once_when_spend_qualifies(self):
        self.member._chain_evaluate_tier()
        self.assertEqual(self.member.member_tier_id, self.regular)
        self._spend(1200)
        self.member._chain_evaluate_tier(store=self.store_a)
        self.assertEqual(self.member.member_tier_id, self.silver)
        history = self.member.member_tier_history_ids[0]
        self.assertEqual(
            (history.kind, history.old_tier_id, history.new_tier_id),
            ("upgrade", self.regular, self.silver),
        )

    def test_a_paid_till_order_upgrades_and_records_the_spend(self):
        service = self.env["product.product"].create({"name": "Facial", "type": "service"})
        order = self._paid_order(service, 1500)
        self.assertEqual(self.member.member_tier_id, self.silver)
        self.assertEqual(self.member.member_total_spend, 1500)
        self.assertEqual(self.member.member_last_purchase_date, order.date_order)
        self.assertEqual(self.member.member_tier_history_ids[0].pos_order_id, order)
        self.assertEqual(self.member.member_tier_history_ids[0].store_id, self.store_a)

    def test_buying_the_upgrade_product_at_the_till_moves_to_its_tier(self):
        self._paid_order(self.upgrade_product, 99)
        self.assertEqual(self.member.member_tier_id, self.gold)
        self.assertIn("purchase", self.member.member_tier_history_ids.mapped("kind"))

    def test_no_downgrade_before_validity_and_grace(self):
        self.member._chain_set_tier(self.silver, "manual")
        self.env["res.partner"]._cron_review_tiers()
        self.assertEqual(self.member.member_tier_id, self.silver)

    def test_nightly_review_moves_down_a_member_who_no_longer_qualifies(self):
        self.member._chain_set_tier(self.silver, "manual")
        self.member.member_tier_expiry = fields.Date.today() - timedelta(days=11)
        self.env["res.partner"]._cron_review_tiers()
        self.assertEqual(self.member.member_tier_id, self.regular)
        self.assertEqual(self.member.member_tier_history_ids[0].kind, "downgrade")

    def test_nightly_review_renews_a_member_who_still_qualifies(self):
        self._spend(2000)
        self.member._chain_set_tier(self.silver, "manual")
        self.member.member_tier_expiry = fields.Date.today() - timedelta(days=11)
        self.env["res.partner"]._cron_review_tiers()
        self.assertEqual(self.member.member_tier_id, self.silver)
        self.assertGreater(self.member.member_tier_expiry, fields.Date.today())

    def test_manual_change_is_hq_only_and_logged_with_reason(self):
        wizard = self.env["chain.member.tier.change"].create(
            {"partner_id": self.member.id, "tier_id": self.gold.id, "reason": "VIP complaint"}
        )
        with self.assertRaises(AccessError):
            wizard.with_user(self.manager_a).action_confirm()
        wizard.with_user(self.hq_manager).action_confirm()
        self.assertEqual(self.member.member_tier_id, self.gold)
        log = self.env["chain.operation.log"].search([("operation", "=", "tier_change")], limit=1)
        self.assertEqual(log.reason, "VIP complaint")
        self.assertEqual(log.user_id, self.hq_manager)
