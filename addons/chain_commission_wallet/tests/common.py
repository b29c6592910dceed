from odoo import Command

from odoo.addons.chain_commission.tests.common import CommissionCase
from odoo.addons.chain_wallet.tests.common_wallet import WalletCase


class WalletCommissionCase(CommissionCase, WalletCase):
    """CommissionCase's stores, staff and tills with WalletCase's member, journal and count
    card, under a plan whose rules pay on top-ups (2 %), count-card sales (50 per card) and
    count-card uses (10 per use, 20 for senior technicians)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan.sudo().write({"state": "draft"})
        cls.wallet_plan = cls.env["chain.commission.plan"].create(
            {
                "name": "Stored value plan",
                "company_id": cls.company.id,
                "date_from": "2020-01-01",
                "rule_ids": [
                    cls._rule("topup", percentage=2),
                    cls._rule("count_card_sale", compute_mode="fixed", fixed_amount=50),
                    cls._rule("count_card_use", compute_mode="fixed", fixed_amount=10),
                    cls._rule(
                        "count_card_use",
                        compute_mode="fixed",
                        fixed_amount=20,
                        staff_level_id=cls.level_senior.id,
                    ),
                ],
            }
        )
        cls.wallet_plan.action_activate()
        cls.cashier_employee = cls._employee(
            "Cashier Cai", cls.level_tech, cls.store_a, cls.cashier_a
        )

    def wizard(self, model, user, shares=None, **values):
        if shares is not None:
            values["chain_staff_share_ids"] = [
                Command.create({"employee_id": employee.id, "share": share})
                for employee, share in shares
            ]
        return self.env[model].with_user(user).create(values)

    def topup_wizard(self, amount, shares=None, user=None, store=None):
        return self.wizard(
            "chain.wallet.topup.wizard",
            user or self.cashier_a,
            shares,
            partner_id=self.member.id,
            store_id=(store or self.store_a).id,
            amount=amount,
            journal_id=self.cash_journal.id,
        )

    def sell_card(self, shares, qty=1):
        """A cashier of store A sells the member ``qty`` haircut cards with ``shares``; return
        the member's count-card package."""
        self.wizard(
            "chain.count.card.sell.wizard",
            self.cashier_a,
            shares,
            partner_id=self.member.id,
            store_id=self.store_a.id,
            product_id=self.haircut_card.id,
            qty=qty,
            journal_id=self.cash_journal.id,
        ).action_confirm()
        return self.env["chain.count.card.package"].search([("partner_id", "=", self.member.id)])

    def lines(self, **domain):
        return self.env["chain.commission.line"].search(
            [(name, "=", value) for name, value in domain.items()], order="id"
        )

    def amounts(self, lines):
        return {(line.employee_id, line.kind): line.amount for line in lines}

    def counts(self):
        """What a refused operation must leave untouched."""
        return (
            self.env["chain.wallet.transaction"].search_count([]),
            self.env["chain.count.card.move"].search_count([]),
            self.env["chain.wallet.staff.share"].search_count([]),
            self.env["chain.commission.line"].search_count([]),
        )
