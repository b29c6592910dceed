from odoo.tests import HttpCase, tagged

from .common import SaleCommissionCase


@tagged("post_install", "-at_install")
class TestCommissionSaleTour(SaleCommissionCase, HttpCase):
    """The quotation's *Staff* tab in the browser
    (static/tests/tours/chain_commission_sale_tours.js): a salesperson of store A is not
    offered store B's technician, names two of store A's technicians 60/40 and saves (a
    salesperson with no chain role: the tour caught that they could not read the store); the
    invoice then credits them 12 and 8 on a 200 service."""

    def test_salesperson_names_two_technicians(self):
        order = self.make_order([(self.consult, 2)], user=self.salesman)
        self.start_tour(
            f"/odoo/sales/{order.id}",
            "ChainCommissionSaleStaffTour",
            login=self.salesman.login,
        )
        self.assertEqual(
            sorted((s.employee_id.name, s.share) for s in order.chain_staff_share_ids),
            [("Tech One", 60.0), ("Tech Two", 40.0)],
        )
        self.invoice(order)
        self.assertEqual(
            self.commission_of(order), {(self.tech_1, "sale"): 12.0, (self.tech_2, "sale"): 8.0}
        )
