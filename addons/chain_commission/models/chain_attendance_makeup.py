import datetime

import pytz

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

MAKEUP_STATES = [
    ("to_approve", "To Approve"),
    ("approved", "Approved"),
    ("refused", "Refused"),
]
# what the requester may still change while the request waits
EDITABLE = {"check_in", "check_out", "reason", "attendance_id"}


class ChainAttendanceMakeup(models.Model):
    """A make-up punch request (补卡申请): the employee forgot to clock in or out. It names the
    times of one attendance (and the punch it corrects, if any); the store's manager approves
    it (never their own), and only then is Odoo's attendance written. The punch's times before
    the correction stay on the request and in the operation log."""

    _name = "chain.attendance.makeup"
    _description = "Make-up Punch Request"
    _inherit = ["mail.thread"]
    _order = "create_date desc, id desc"

    name = fields.Char(compute="_compute_name")
    employee_id = fields.Many2one(
        "hr.employee", required=True, index=True, ondelete="cascade", tracking=True
    )
    store_id = fields.Many2one(
        "chain.store", required=True, index=True, ondelete="cascade", tracking=True
    )
    company_id = fields.Many2one(related="store_id.company_id", store=True, index=True)
    attendance_id = fields.Many2one(
        "hr.attendance",
        string="Punch to Correct",
        ondelete="set null",
        help="The attendance these times replace (a check-in without its check-out, or a single "
        "punch that was really the check-out). Empty: a new attendance.",
    )
    check_in = fields.Datetime(required=True, tracking=True)
    check_out = fields.Datetime(tracking=True)
    date = fields.Date(compute="_compute_date", store=True, index=True)
    reason = fields.Text(required=True)
    state = fields.Selection(
        MAKEUP_STATES, required=True, default="to_approve", readonly=True, tracking=True
    )
    decided_uid = fields.Many2one("res.users", string="Decided By", readonly=True)
    decided_date = fields.Datetime(string="Decided On", readonly=True)
    refuse_reason = fields.Text(readonly=True)
    original_check_in = fields.Datetime(readonly=True)
    original_check_out = fields.Datetime(readonly=True)

    @api.depends("employee_id", "date")
    def _compute_name(self):
        for makeup in self:
            makeup.name = _(
                "Make-up punch of %(employee)s on %(date)s",
                employee=makeup.sudo().employee_id.name or "",
                date=makeup.date or "",
            )

    @api.depends("check_in", "employee_id")
    def _compute_date(self):
        for makeup in self:
            if not makeup.check_in:
                makeup.date = False
                continue
            tz = pytz.timezone(makeup.sudo().employee_id.tz or "UTC")
            makeup.date = pytz.utc.localize(makeup.check_in).astimezone(tz).date()

    @api.constrains("check_in", "check_out", "employee_id", "store_id", "attendance_id")
    def _check_request(self):
        now = fields.Datetime.now()
        for makeup in self.sudo():
            if makeup.check_out and makeup.check_out <= makeup.check_in:
                raise ValidationError(_("The check-out comes after the check-in."))
            if makeup.check_in > now or (makeup.check_out and makeup.check_out > now):
                raise ValidationError(_("A make-up punch is for a time already past."))
            if makeup.check_in < now - datetime.timedelta(days=62):
                raise ValidationError(
                    _("A make-up punch is asked for within two months of the day.")
                )
            if makeup.store_id not in makeup.employee_id.chain_store_ids:
                raise ValidationError(
                    _(
                        "%(employee)s does not work in %(store)s.",
                        employee=makeup.employee_id.name,
                        store=makeup.store_id.display_name,
                    )
                )
            attendance = makeup.attendance_id
            if attendance and (
                attendance.employee_id != makeup.employee_id
                or attendance.chain_store_id not in (makeup.store_id, self.env["chain.store"])
            ):
                raise ValidationError(
                    _("The punch to correct is another employee's or another store's.")
                )

    # ------------------------------------------------------------------------------------------
    # Who may ask, change and decide
    # ------------------------------------------------------------------------------------------
    def _chain_check_requester(self, employee, store):
        """The employee themselves, or a colleague of the store's till or office
        (cashier, store manager) on their behalf; headquarters anywhere."""
        if self.env.su:
            return
        user = self.env.user
        if employee.sudo().user_id == user and store in employee.sudo().chain_store_ids:
            return
        if not user._has_group("chain_member.group_chain_cashier"):
            raise AccessError(_("You may ask a make-up punch only for yourself."))
        self.env["res.users"]._chain_check_works_in(store)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not self.env.su and set(vals) - (EDITABLE | {"employee_id", "store_id"}):
                raise AccessError(_("A make-up request is approved or refused, not written."))
            employee = self.env["hr.employee"].sudo().browse(vals.get("employee_id"))
            store = self.env["chain.store"].sudo().browse(vals.get("store_id"))
            if not employee or not store:
                raise UserError(_("A make-up request names the employee and the store."))
            self._chain_check_requester(employee, store)
        return super(ChainAttendanceMakeup, self.sudo()).create(vals_list).with_env(self.env)

    def write(self, vals):
        if self.env.su:
            return super().write(vals)
        if set(vals) - EDITABLE:
            raise AccessError(_("A make-up request is approved or refused, not written."))
        for makeup in self:
            if makeup.state != "to_approve":
                raise UserError(_("%(name)s is decided: it cannot change.", name=makeup.name))
            makeup._chain_check_requester(makeup.sudo().employee_id, makeup.sudo().store_id)
        return super(ChainAttendanceMakeup, self.sudo()).write(vals)

    def unlink(self):
        if not self.env.su:
            for makeup in self:
                if makeup.state != "to_approve":
                    raise UserError(_("%(name)s is decided: it stays on record.", name=makeup.name))
                makeup._chain_check_requester(makeup.sudo().employee_id, makeup.sudo().store_id)
        return super(ChainAttendanceMakeup, self.sudo()).unlink()

    def _chain_check_approver(self):
        """The store's manager (headquarters: any store), never for their own punches."""
        self.ensure_one()
        self.env["chain.commission.line"]._chain_check_manager(self.store_id)
        if self.sudo().employee_id.user_id == self.env.user and not self.env.user._has_group(
            "chain_member.group_chain_hq_manager"
        ):
            raise AccessError(_("Your own make-up punch is approved by someone else."))
        if self.state != "to_approve":
            raise UserError(_("%(name)s is already decided.", name=self.name))

    def action_approve(self):
        """Approve: write the attendance (correct the punch named, or add one), log it and mark
        the day again."""
        for makeup in self:
            makeup.check_access("read")
            makeup._chain_check_approver()
            makeup.sudo()._chain_apply()
        return True

    def action_refuse(self, reason=None):
        for makeup in self:
            makeup.check_access("read")
            makeup._chain_check_approver()
            if not (reason or "").strip():
                raise UserError(_("Say why the make-up punch is refused."))
            makeup.sudo().write(
                {
                    "state": "refused",
                    "refuse_reason": reason.strip(),
                    "decided_uid": self.env.uid,
                    "decided_date": fields.Datetime.now(),
                }
            )
            self.env["chain.operation.log"]._log_operation(
                "attendance_makeup_refuse", makeup, reason=reason.strip(), store=makeup.store_id
            )
        return True

    def _chain_apply(self):
        self.ensure_one()
        attendance = self.attendance_id
        Attendance = self.env["hr.attendance"].with_context(
            chain_attendance_store_id=self.store_id.id
        )
        before = {}
        if attendance:
            before = {
                "check_in": fields.Datetime.to_string(attendance.check_in),
                "check_out": fields.Datetime.to_string(attendance.check_out)
                if attendance.check_out
                else False,
            }
            values = {"check_in": self.check_in, "chain_store_id": self.store_id.id}
            if self.check_out:
                values["check_out"] = self.check_out
            attendance.write(values)
        else:
            attendance = Attendance.create(
                {
                    "employee_id": self.employee_id.id,
                    "chain_store_id": self.store_id.id,
                    "check_in": self.check_in,
                    "check_out": self.check_out or False,
                    "in_mode": "manual",
                    "out_mode": "manual",
                }
            )
        self.write(
            {
                "state": "approved",
                "attendance_id": attendance.id,
                "decided_uid": self.env.uid,
                "decided_date": fields.Datetime.now(),
                "original_check_in": before.get("check_in") or False,
                "original_check_out": before.get("check_out") or False,
            }
        )
        self.env["chain.operation.log"]._log_operation(
            "attendance_makeup_approve",
            self,
            before=before,
            after={
                "check_in": fields.Datetime.to_string(attendance.check_in),
                "check_out": fields.Datetime.to_string(attendance.check_out)
                if attendance.check_out
                else False,
            },
            reason=self.reason,
            store=self.store_id,
        )
        self.env["chain.attendance.day"]._chain_compute(self.store_id, self.date, self.date)
