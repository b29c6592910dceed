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
