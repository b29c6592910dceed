from odoo.tests import tagged

from .common_pos import ChainPosTourCommon

CARD_NUMBER = "8860999900000022"  # the tour scans it (static/tests/tours/chain_member_tours.js)


@tagged("post_install", "-at_install")
class TestMemberTillTour(ChainPosTourCommon):
    """The member at the till with chain_member's own UX (static/tests/tours/chain_member_tours.js),
    on Odoo's POS tour fixture: a card scan, the panel's "Find member" by mobile number, a
    number nobody has, quick registration; the server is checked after the tour."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.haircut = cls._chain_product("Tour Haircut", 80.0)
        Partner = cls.env["res.partner"]
        cls.card_member = Partner.chain_register_member(
            {"name": "Tour Card Member", "mobile": "13900139001"}, store=cls.store
        )
        cls.card = cls.env["chain.member.card"].create(
            {
                "partner_id": cls.card_member.id,
                "number": CARD_NUMBER,
                "kind": "magstripe",
                "store_id": cls.store.id,
            }
        )
        cls.card._activate(store=cls.store)
        silver = cls.env["chain.member.tier"].create(
            {"name": "Tour Silver", "sequence": 900, "spend_threshold": 10**9}
        )
        cls.card_member._chain_set_tier(silver, "initial")
        cls.phone_member = Partner.chain_register_member(
            {"name": "Zzz Tour Phone Member", "mobile": "13900139002"}, store=cls.store
        )

    def test_identify_and_register_at_the_till(self):
        members_before = self.env["res.partner"].search_count([("is_member", "=", True)])
        self.start_chain_tour("ChainMemberTillTour")
        orders = self.chain_orders()
        new_member = self.env["res.partner"].search([("name", "=", "Tour New Member")])
        self.assertEqual(len(new_member), 1)
        self.assertEqual(
            orders.mapped(lambda order: (order.partner_id, order.state, order.amount_total)),
            [
                (self.card_member, "paid", 80.0),
                (self.phone_member, "paid", 80.0),
                (new_member, "paid", 80.0),
            ],
        )
        # the unknown number registered nobody: one member more, the one the cashier registered
        self.assertEqual(
            self.env["res.partner"].search_count([("is_member", "=", True)]), members_before + 1
        )
        self.assertTrue(new_member.is_member)
        self.assertEqual(
            (new_member.member_registration_channel, new_member.home_store_id),
            ("pos", self.store),
        )
        self.assertIn("13900139077", (new_member.mobile or "").replace(" ", ""))
