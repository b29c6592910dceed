from unittest.mock import patch

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import Form, tagged

from odoo.addons.chain_member.tests.common import ChainMemberCase


@tagged("post_install", "-at_install")
class TestTierSaleDiscount(ChainMemberCase):
    """The tier's discount percent is applied to the lines of a member's quotation."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Tier = cls.env["chain.member.tier"]
        cls.gold = Tier.create({"name": "T Gold", "sequence": 30, "discount_percent": 8})
        cls.plain = Tier.create({"name": "T Plain", "sequence": 5, "discount_percent": 0})
        cls.member = cls.env["res.partner"].chain_register_member(
            {"name": "Zhao Lei", "mobile": "13722223333"}, store=cls.store_a
        )
        cls.member._chain_set_tier(cls.gold, "manual", reason="test")
        cls.plain_member = cls.env["res.partner"].chain_register_member(
            {"name": "Sun Li", "mobile": "13722224444"}, store=cls.store_a
        )
        cls.plain_member._chain_set_tier(cls.plain, "manual", reason="test")
        cls.customer = cls.env["res.partner"].create({"name": "Walk-in company"})
        Product = cls.env["product.product"]
        cls.tea = Product.create({"name": "Tea set", "list_price": 200.0, "sale_ok": True})
        service = {"type": "service", "list_price": 100.0}
        cls.upgrade = Product.create({**service, "name": "Gold upgrade"})
        cls.gold.upgrade_product_id = cls.upgrade
        # a store manager who also sells (quotations for the store's customers), with the
        # "Discounts" setting on (the discount column shows)
        cls.manager_a.groups_id = [
            Command.link(cls.env.ref("sales_team.group_sale_salesman").id),
            Command.link(cls.env.ref("sale.group_discount_per_so_line").id),
        ]

    def _quotation(self, partner, products, user=None):
        """A quotation entered through the form, as a user does it."""
        env = self.env(user=user or self.manager_a)
        form = Form(env["sale.order"])
        form.partner_id = partner.with_env(env)
        for product in products:
            with form.order_line.new() as line:
                line.product_id = product.with_env(env)
        return form.save()

    def test_member_quotation_gets_the_tier_discount(self):
        order = self._quotation(self.member, [self.tea])
        self.assertEqual(order.order_line.discount, 8.0)
        self.assertAlmostEqual(order.amount_untaxed, 184.0)

    def test_non_member_and_zero_tier_get_no_discount(self):
        order = self._quotation(self.customer, [self.tea])
        self.assertEqual(order.order_line.discount, 0.0)
        order = self._quotation(self.plain_member, [self.tea])
        self.assertEqual(order.order_line.discount, 0.0)

    def test_upgrade_products_are_not_discounted(self):
        order = self._quotation(self.member, [self.upgrade, self.tea])
        discounts = {line.product_id: line.discount for line in order.order_line}
        self.assertEqual(discounts[self.upgrade], 0.0)
        self.assertEqual(discounts[self.tea], 8.0)

    def test_prepaid_products_are_not_discounted(self):
        """Whatever product._chain_is_prepaid() calls prepaid (chain_wallet: top-ups and count
        cards, tested there) keeps its price: it is the value the member receives."""
        prepaid = self.env["product.product"].create(
            {"name": "Prepaid 300", "type": "service", "list_price": 300.0}
        )
        Product = type(self.env["product.product"])
        original = Product._chain_is_prepaid

        def is_prepaid(product):
            return product == prepaid or original(product)

        with patch.object(Product, "_chain_is_prepaid", is_prepaid):
            order = self._quotation(self.member, [prepaid, self.tea])
        discounts = {line.product_id: line.discount for line in order.order_line}
        self.assertEqual(discounts[prepaid], 0.0)
        self.assertEqual(discounts[self.tea], 8.0)

    def test_manual_discount_is_kept(self):
        order = self._quotation(self.member, [self.tea])
        form = Form(order.with_user(self.manager_a))
        with form.order_line.edit(0) as line:
            line.discount = 15.0
        form.save()
        self.assertEqual(order.order_line.discount, 15.0)
        order.with_user(self.manager_a).write({"note": "Delivered on Friday"})
        self.assertEqual(order.order_line.discount, 15.0)

    def test_changing_the_customer_updates_the_discount(self):
        order = self._quotation(self.member, [self.tea])
        form = Form(order.with_user(self.manager_a))
        form.partner_id = self.customer
        form.save()
        self.assertEqual(order.order_line.discount, 0.0)
        form = Form(order.with_user(self.manager_a))
        form.partner_id = self.member
        form.save()
        self.assertEqual(order.order_line.discount, 8.0)

    def test_salesperson_without_chain_role_gets_it_but_cannot_read_tiers(self):
        seller = self._make_user("t_seller", "sales_team.group_sale_salesman", self.store_a)
        order = self._quotation(self.member, [self.tea], user=seller)
        self.assertEqual(order.order_line.discount, 8.0)
        with self.assertRaises(AccessError):
            self.gold.with_user(seller).read(["discount_percent"])
