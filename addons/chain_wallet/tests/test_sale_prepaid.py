from unittest import SkipTest

from odoo import Command
from odoo.tests import Form, tagged

from odoo.addons.chain_member.tests.common import ChainMemberCase


@tagged("post_install", "-at_install")
class TestPrepaidInSales(ChainMemberCase):
    """Top-ups and count cards sold on a quotation keep their price: the tier discount of
    chain_member_sale (the bridge installed with ``sale``) leaves prepaid value alone."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        bridge = cls.env["ir.module.module"].search([("name", "=", "chain_member_sale")])
        if bridge.state != "installed":
            raise SkipTest("chain_member_sale (the tier discount in sales) is not installed")
        gold = cls.env["chain.member.tier"].create(
            {"name": "T Gold", "sequence": 30, "discount_percent": 8}
        )
        cls.member = cls.env["res.partner"].chain_register_member(
            {"name": "Zhao Lei", "mobile": "13722223333"}, store=cls.store_a
        )
        cls.member._chain_set_tier(gold, "manual", reason="test")
        Product = cls.env["product.product"]
        service = {"type": "service", "list_price": 100.0}
        cls.tea = Product.create({"name": "Tea set", "list_price": 200.0, "sale_ok": True})
        cls.topup = Product.create({**service, "name": "Top-up 500", "chain_wallet_topup": True})
        cls.count_card = Product.create({**service, "name": "10 washes", "chain_count_card": True})
        cls.manager_a.groups_id = [
            Command.link(cls.env.ref("sales_team.group_sale_salesman").id),
            Command.link(cls.env.ref("sale.group_discount_per_so_line").id),
        ]

    def test_topups_and_count_cards_are_not_discounted(self):
        env = self.env(user=self.manager_a)
        form = Form(env["sale.order"])
        form.partner_id = self.member.with_env(env)
        for product in (self.topup, self.count_card, self.tea):
            with form.order_line.new() as line:
                line.product_id = product.with_env(env)
        order = form.save()
        discounts = {line.product_id: line.discount for line in order.order_line}
        self.assertEqual(discounts[self.topup], 0.0)
        self.assertEqual(discounts[self.count_card], 0.0)
        self.assertEqual(discounts[self.tea], 8.0)
