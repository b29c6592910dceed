from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestDemoChain(TransactionCase):
    """The demo chain a newcomer logs into (README's logins)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        module = cls.env["ir.module.module"].search([("name", "=", "chain_member")])
        if not module.demo:
            cls.skipTest(cls, "chain_member was installed without demo data")

    def test_headquarters_two_direct_stores_and_a_franchise_company(self):
        stores = self.env["chain.store"].search([("kind", "!=", "alliance")])
        kinds = sorted(stores.mapped("kind"))
        self.assertEqual(kinds, ["direct", "direct", "franchise", "headquarters"])
        franchise = stores.filtered(lambda s: s.kind == "franchise")
        self.assertNotEqual(franchise.company_id, self.env.ref("base.main_company"))

    def test_every_store_has_a_warehouse_and_a_point_of_sale_of_its_company(self):
        for store in self.env["chain.store"].search([("kind", "!=", "alliance")]):
            self.assertEqual(store.warehouse_id.company_id, store.company_id, store.code)
            self.assertEqual(len(store.pos_config_ids), 1, store.code)
            self.assertEqual(store.pos_config_ids.company_id, store.company_id, store.code)

    def test_demo_logins_have_their_roles(self):
        expected = {
            "hq_manager": "chain_member.group_chain_hq_manager",
            "sh01_manager": "chain_member.group_chain_store_manager",
            "sh01_cashier": "chain_member.group_chain_cashier",
            "sh02_manager": "chain_member.group_chain_store_manager",
            "sh02_cashier": "chain_member.group_chain_cashier",
            "sz01_manager": "chain_member.group_chain_store_manager",
            "sz01_cashier": "chain_member.group_chain_cashier",
            "al01_merchant": "chain_member.group_chain_partner_merchant",
        }
        for login, group in expected.items():
            user = self.env["res.users"].search([("login", "=", login)])
            self.assertTrue(user.has_group(group), login)
            self.assertTrue(user.chain_store_ids, login)
        cashier = self.env["res.users"].search([("login", "=", "sh01_cashier")])
        self.assertFalse(cashier.has_group("chain_member.group_chain_store_manager"))

    def test_a_few_dozen_members_with_tiers_lunar_birthdays_and_cards(self):
        members = self.env["res.partner"].search([("is_member", "=", True)])
        self.assertGreaterEqual(len(members), 30)
        self.assertGreaterEqual(len(members.member_tier_id), 3)
        self.assertTrue(members.filtered(lambda m: m.birthday_calendar == "lunar"))
        self.assertEqual(len(members.home_store_id), 4)
        for member in members[:5]:
            self.assertEqual(member.member_card_id.state, "active")
            lookup = self.env["res.partner"].chain_lookup_member(member.member_card_id.number)
            self.assertEqual(lookup["partner_id"], member.id)
