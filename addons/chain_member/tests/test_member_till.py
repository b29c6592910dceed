from odoo.tests import tagged

from .common import ChainMemberCase


@tagged("post_install", "-at_install")
class TestMemberTill(ChainMemberCase):
    """The cashier's member experience at the till: the server side of the member search."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.config_a = cls.env["pos.config"].create(
            {"name": "Till A", "chain_store_id": cls.store_a.id}
        )
        cls.member = cls.env["res.partner"].create(
            {"name": "Member Mei", "is_member": True, "mobile": "13800138101"}
        )

    def test_a_till_of_a_chain_store_is_a_member_till(self):
        self.assertTrue(self.config_a.chain_member_till)
        other = self.env["pos.config"].create({"name": "Not a chain till"})
        self.assertFalse(other.chain_member_till)

    def test_till_search_puts_the_exact_match_first(self):
        other = self.env["res.partner"].create(
            {"name": "Mei Prefix", "is_member": True, "mobile": "13800138999"}
        )
        Partner = self.env["res.partner"].with_user(self.cashier_a)
        result = Partner.chain_pos_search(self.member.mobile, self.config_a.id)
        self.assertEqual(result["exact_id"], self.member.id)
        self.assertEqual(result["ids"][0], self.member.id)
        prefix = Partner.chain_pos_search("1380013", self.config_a.id)
        self.assertIn(other.id, prefix["ids"])
        self.assertIn(self.member.id, prefix["ids"])
        self.assertEqual({row["id"] for row in prefix["res.partner"]}, set(prefix["ids"]))
        by_name = Partner.chain_pos_search("mei pre", self.config_a.id)
        self.assertEqual(by_name["ids"], [other.id])
