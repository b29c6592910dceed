from odoo import _, models
from odoo.exceptions import UserError


class ChainWalletStaffShareMixin(models.AbstractModel):
    """What a backend wizard that names staff shares does: check them (or take the user's
    employee in the store) before the operation, record them after."""

    _name = "chain.wallet.staff.share.mixin"
    _description = "Staff Shares of a Backend Operation"

    def _chain_staff_shares(self, store, label):
        """[(employee, share)] of this wizard for ``store``, checked
        (``hr.employee._chain_check_staff_shares``); none given: the user's employee who
        serves in the store at 100 %, else nobody."""
        self.ensure_one()
        Employee = self.env["hr.employee"].sudo()
        if not store:
            raise UserError(_("Say in which store the operation happens."))
        entries = [(share.employee_id.id, share.share) for share in self.chain_staff_share_ids]
        if not entries:
            employee = Employee._chain_commission_user_employee(
                self.env.user, store, store.company_id
            )
            return [(employee, 100.0)] if employee else []
        checked = Employee._chain_check_staff_shares(entries, store, store.company_id, label)
        return [(Employee.browse(employee_id), share) for employee_id, share in checked]
