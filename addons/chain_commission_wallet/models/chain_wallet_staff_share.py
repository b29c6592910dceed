from odoo import _, api, fields, models
from odoo.exceptions import UserError


class ChainWalletStaffShare(models.Model):
    """Who made a backend stored-value or count-card operation, and their share of it
    (percent; the shares of an operation add up to 100): the backend's counterpart of a till
    line's ``chain.pos.order.line.share``.

    Written by the operation's wizard once the shares are checked
    (``hr.employee._chain_check_staff_shares``) and the operation is posted, never by a
    client: a share decides who is paid."""

    _name = "chain.wallet.staff.share"
    _description = "Staff Share of a Stored-Value Operation"
    _order = "id"

    wallet_transaction_id = fields.Many2one(
        "chain.wallet.transaction",
        string="Stored-Value Line",
        ondelete="restrict",
        index="btree_not_null",
        readonly=True,
    )
    count_card_move_id = fields.Many2one(
        "chain.count.card.move",
        string="Count-Card Line",
        ondelete="restrict",
        index="btree_not_null",
        readonly=True,
    )
    store_id = fields.Many2one("chain.store", required=True, readonly=True, index=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    partner_id = fields.Many2one("res.partner", string="Member", readonly=True)
    employee_id = fields.Many2one(
        "hr.employee", required=True, ondelete="restrict", index=True, readonly=True
    )
    share = fields.Float(string="Share (%)", required=True, digits=(6, 2), readonly=True)

    _sql_constraints = [
        (
            "share_positive",
            "CHECK(share > 0 AND share <= 100)",
            "A share is above 0 and at most 100.",
        ),
        (
            "one_operation",
            "CHECK((wallet_transaction_id IS NULL) <> (count_card_move_id IS NULL))",
            "A staff share belongs to one stored-value or one count-card line.",
        ),
        (
            "employee_unique_wallet",
            "unique(wallet_transaction_id, employee_id)",
            "An employee has one share of an operation.",
        ),
        (
            "employee_unique_count_card",
            "unique(count_card_move_id, employee_id)",
            "An employee has one share of an operation.",
        ),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        self._chain_refuse_client()
        return super().create(vals_list)

    def write(self, vals):
        self._chain_refuse_client()
        return super().write(vals)

    def unlink(self):
        self._chain_refuse_client()
        return super().unlink()

    def _chain_refuse_client(self):
        if not self.env.su:
            raise UserError(
                _(
                    "Staff shares are given with the operation (top-up, count-card sale or "
                    "use); they cannot be changed."
                )
            )
