from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestCatalogueDemo(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not cls.env["ir.module.module"].search([("name", "=", "chain_stock")]).demo:
            cls.skipTest(cls, "chain_stock was installed without demo data")

    def test_catalogue_has_three_levels_of_goods_and_services(self):
        milk = self.env.ref("chain_stock.product_milk")
        self.assertEqual(milk.categ_id.complete_name.count("/"), 2)  # catalogue / food / dairy
        facial = self.env.ref("chain_stock.product_facial")
        self.assertEqual(facial.type, "service")
        self.assertTrue(milk.is_storable)

    def test_product_names_read_in_chinese(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["chain_stock"], ["zh_CN"], overwrite=True)
        milk = self.env.ref("chain_stock.product_milk").with_context(lang="zh_CN")
        self.assertEqual(milk.name, "鲜牛奶")
        self.assertEqual(milk.with_context(lang="en_US").name, "Fresh Milk")

    def test_demo_requests_one_submitted_one_in_transit(self):
        submitted = self.env.ref("chain_stock.demo_request_sh01")
        in_transit = self.env.ref("chain_stock.demo_request_sh02")
        self.assertEqual(submitted.state, "submitted")
        self.assertRegex(submitted.name, r"^YH\d{10}$")
        self.assertEqual(in_transit.state, "shipped")
        self.assertEqual(in_transit.sudo().out_picking_id.state, "done")
        transit = in_transit.company_id.internal_transit_location_id
        self.assertEqual(in_transit.sudo().in_picking_id.location_id, transit)
        tea = self.env.ref("chain_stock.product_green_tea").product_variant_id
        quants = self.env["stock.quant"].search(
            [("product_id", "=", tea.id), ("location_id", "=", transit.id)]
        )
        self.assertGreaterEqual(sum(quants.mapped("quantity")), 20)
