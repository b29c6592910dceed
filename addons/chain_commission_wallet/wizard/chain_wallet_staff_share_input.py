from odoo import fields, models


class ChainWalletStaffShareInput(models.TransientModel):
    """A staff share typed in a backend wizard (top-up, count-card sale or renewal, count-card
    use), checked when the wizard is confirmed."""

    _name = "chain.wallet.staff.share.input"
    _description = "Staff Share (Wizard)"

    topup_wizard_id = fields.Many2one(
        "chain.wallet.topup.wizard", string="Top-up", ondelete="cascade"
    )
    sell_wizard_id = fields.Many2one(
        "chain.count.card.sell.wizard", string="Count-Card Sale", ondelete="cascade"
    )
    use_wizard_id = fields.Many2one(
        "chain.count.card.use.wizard", string="Count-Card Use", ondelete="cascade"
    )
    employee_id = fields.Many2one("hr.employee", required=True)
    share = fields.Float(string="Share (%)", digits=(6, 2), default=100.0, required=True)
