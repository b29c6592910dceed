from odoo import fields, models


class ChainWalletTransaction(models.Model):
    """A backend top-up earns its staff commission; a withdrawal claws back the commission of
    the top-ups whose money it pays out."""

    _inherit = "chain.wallet.transaction"

    chain_staff_share_ids = fields.One2many(
        "chain.wallet.staff.share", "wallet_transaction_id", string="Staff Shares", readonly=True
    )
    chain_commission_line_ids = fields.One2many(
        "chain.commission.line",
        "wallet_transaction_id",
        string="Commission Lines",
        readonly=True,
        groups="chain_member.group_chain_store_manager",
    )

    def _chain_commission_source(self):
        self.ensure_one()
        return {"key": f"wallet.tx:{self.id}", "date": self.date, "wallet_transaction_id": self.id}

    def _chain_commission_post(self, shares):
        """Record ``shares`` [(employee, share)] (checked by the caller) of this backend
        top-up and credit their commission: event *top-up*, one unit, the principal paid in as
        the base (list price and received are the same for a top-up; its bonus is not money
        received). Posting twice (a replayed wizard) does nothing."""
        self.ensure_one()
        line = self.sudo()
        if line.kind != "topup" or line.pos_order_id or line.chain_staff_share_ids:
            return self.env["chain.commission.line"]
        self.env["chain.wallet.staff.share"].sudo().create(
            [
                {
                    "wallet_transaction_id": line.id,
                    "store_id": line.store_id.id,
                    "company_id": line.company_id.id,
                    "partner_id": line.partner_id.id,
                    "employee_id": employee.id,
                    "share": share,
                }
                for employee, share in shares
            ]
        )
        return self.env["chain.commission.line"]._chain_post_operation(
            line._chain_commission_source(),
            shares,
            line.store_id,
            "topup",
            self.env["product.product"],
            1.0,
            lambda rule: line.principal,
        )

    def _chain_commission_claw_back(self):
        """A withdrawal pays out the newest money first: the member's principal is what is
        left of the latest top-ups (purchases spend the oldest first), so the withdrawal takes
        its amount from the newest top-ups back in time, each net of what earlier withdrawals
        and till refunds already gave back of its commission, and claws back that part of
        their commission (``chain.commission.line._chain_give_back``)."""
        self.ensure_one()
        line = self.sudo()
        Commission = self.env["chain.commission.line"].sudo()
        if line.kind != "withdrawal" or line.principal >= 0:
            return Commission
        to_take = -line.principal
        units = line._chain_commission_topup_units()
        origins = []
        for principal, sales in units:
            if to_take <= 0:
                break
            if not principal:
                continue
            left = Commission._chain_left_to_give_back(sales) if sales else {}
            # what is left of this top-up: net of what was given back before
            part_left = min(left.values()) if left else 1.0
            available = principal * part_left
            taken = min(available, to_take)
            to_take -= taken
            origins += [(sale, taken / principal) for sale in sales]
        return Commission._chain_give_back(origins, line._chain_commission_source())

    def _chain_commission_topup_units(self):
        """[(principal, commission sale lines)] of the top-ups of this line's wallet before
        it, newest first: a backend top-up alone, a till order's top-ups together (the order's
        top-up commission lines)."""
        self.ensure_one()
        topups = self.search(
            [
                ("account_id", "=", self.account_id.id),
                ("kind", "=", "topup"),
                ("id", "<", self.id),
            ],
            order="id desc",
        )
        Commission = self.env["chain.commission.line"].sudo()
        units, seen_orders = [], set()
        for topup in topups:
            if topup.pos_order_id:
                if topup.pos_order_id.id in seen_orders:
                    continue
                seen_orders.add(topup.pos_order_id.id)
                principal = sum(
                    topups.filtered(lambda t, o=topup.pos_order_id: t.pos_order_id == o).mapped(
                        "principal"
                    )
                )
                sales = Commission.search(
                    [
                        ("pos_order_id", "=", topup.pos_order_id.id),
                        ("event_type", "=", "topup"),
                        ("kind", "=", "sale"),
                    ]
                )
            else:
                principal = topup.principal
                sales = Commission.search(
                    [("wallet_transaction_id", "=", topup.id), ("kind", "=", "sale")]
                )
            units.append((principal, sales))
        return units
