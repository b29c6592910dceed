from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from odoo.addons.chain_member.tools.amounts import amount_ceiling

ADJUSTMENT_STATES = [
    ("draft", "Draft"),
    ("to_approve", "Waiting for approval"),
    ("done", "Applied"),
    ("refused", "Refused"),
]
# written only by the buttons (under sudo), never by a client's create or write
PROTECTED_ADJUSTMENT_FIELDS = frozenset({"state", "requested_by_id", "approved_by_id", "move_id"})


class ChainPointsAdjustment(models.Model):
    """A manual correction of a member's points, with its reason.

    Store managers submit adjustments for their stores; one of more points than the program's
    approval threshold (set by headquarters) waits for a headquarters manager, who approves or
    refuses it. Every step is in the operation log; the points move only when it is applied,
    through the ledger.
    """

    _name = "chain.points.adjustment"
    _description = "Points Adjustment"
    _inherit = ["mail.thread"]
    _order = "id desc"

    partner_id = fields.Many2one(
        "res.partner",
        string="Member",
        required=True,
        domain=[("is_member", "=", True)],
        ondelete="restrict",
        index=True,
    )
    points = fields.Integer(required=True, help="Positive: credit the member; negative: debit.")
    reason = fields.Text(required=True)
    store_id = fields.Many2one(
        "chain.store",
        required=True,
        ondelete="restrict",
        index=True,
        default=lambda self: self.env.user._chain_default_store(),
    )
    state = fields.Selection(
        ADJUSTMENT_STATES, required=True, default="draft", readonly=True, tracking=True
    )
    requested_by_id = fields.Many2one(
        "res.users", readonly=True, default=lambda self: self.env.user
    )
    approved_by_id = fields.Many2one("res.users", readonly=True)
    move_id = fields.Many2one("chain.points.move", readonly=True, string="Ledger Move")
    balance = fields.Integer(related="partner_id.points_balance", string="Current Balance")
    needs_approval = fields.Boolean(compute="_compute_needs_approval")

    _sql_constraints = [
        ("points_not_zero", "CHECK(points <> 0)", "An adjustment moves some points."),
    ]

    @api.depends("points")
    def _compute_needs_approval(self):
        threshold = self.env["chain.points.program"]._get_program().adjust_approval_threshold
        for adjustment in self:
            adjustment.needs_approval = abs(adjustment.points) > (threshold or 0)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_client_vals(vals)
        adjustments = super().create(vals_list)
        adjustments._check_points_bound()
        return adjustments

    def write(self, vals):
        self._check_client_vals(vals)
        if {"partner_id", "points", "store_id"} & set(vals) and any(
            adjustment.state != "draft" for adjustment in self
        ):
            raise UserError(
                _("A submitted adjustment cannot be changed: refuse it and post another.")
            )
        result = super().write(vals)
        if "points" in vals:
            self._check_points_bound()
        return result

    @api.model
    def _check_client_vals(self, vals):
        """The state, the approver and the ledger move change only through the buttons."""
        if not self.env.su and PROTECTED_ADJUSTMENT_FIELDS.intersection(vals):
            raise UserError(
                _(
                    "An adjustment is submitted, approved and applied only with its buttons: "
                    "its state, approver and ledger move cannot be written."
                )
            )

    def _check_points_bound(self):
        """An adjustment is worth no more than the chain's largest single amount."""
        ceiling = amount_ceiling(self.env)
        program = self.env["chain.points.program"]._get_program()
        if not ceiling or not program:
            return
        limit = int(ceiling / program.point_value)
        for adjustment in self:
            if abs(adjustment.points) > limit:
                raise UserError(
                    _(
                        "An adjustment of %(points)s points is worth more than the chain's "
                        "largest single amount (%(ceiling)s, %(limit)s points).",
                        points=adjustment.points,
                        ceiling=program.currency_id.format(ceiling),
                        limit=limit,
                    )
                )

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        if any(adjustment.state != "draft" for adjustment in self):
            raise UserError(_("Only a draft adjustment can be deleted."))

    # ------------------------------------------------------------------------------------------
    # Buttons
    # ------------------------------------------------------------------------------------------
    def action_submit(self):
        """Apply the adjustment, or send it for approval when it exceeds the threshold."""
        for adjustment in self:
            adjustment._check_state("draft")
            partner = adjustment.partner_id.with_env(self.env)
            store = partner._chain_points_prepare("adjust", adjustment.store_id)
            if not (adjustment.reason or "").strip():
                raise UserError(
                    _("Give the reason for the adjustment: it goes to the operation log.")
                )
            if adjustment.needs_approval and not self._is_hq():
                adjustment.sudo().state = "to_approve"
                adjustment._log("points_adjustment_request", store)
            else:
                adjustment.sudo()._apply(store)
        return True

    def action_approve(self):
        if not self._is_hq():
            raise AccessError(_("Only a headquarters manager can approve a points adjustment."))
        for adjustment in self:
            adjustment._check_state("to_approve")
            adjustment.sudo().approved_by_id = self.env.user
            adjustment.sudo()._apply(adjustment.store_id.sudo())
        return True

    def action_refuse(self):
        if not self._is_hq():
            raise AccessError(_("Only a headquarters manager can refuse a points adjustment."))
        for adjustment in self:
            adjustment._check_state("to_approve")
            adjustment.sudo().state = "refused"
            adjustment._log("points_adjustment_refusal", adjustment.store_id)
        return True

    # ------------------------------------------------------------------------------------------
    def _apply(self, store):
        self.ensure_one()
        partner = self.partner_id
        before = partner.points_balance
        Move = self.env["chain.points.move"].sudo()
        key = f"adjust:{self.id}"
        values = {"adjustment_id": self.id, "reason": self.reason}
        if self.points > 0:
            move = Move._post_credit(
                partner, store, "adjust", self.points, key, rule="adjustment", values=values
            )
        else:
            move = Move._post_debit(partner, store, "adjust", -self.points, key, values=values)
        self.write({"state": "done", "move_id": move.id})
        self.env["chain.operation.log"]._log_operation(
            "points_adjustment",
            self,
            before={"points": before},
            after={"points": move.balance_after},
            reason=self.reason,
            store=store,
        )
        return move

    def _log(self, operation, store):
        self.env["chain.operation.log"]._log_operation(
            operation,
            self,
            before={"points": self.partner_id.points_balance},
            after={"adjustment": self.points},
            reason=self.reason,
            store=store,
        )

    def _check_state(self, state):
        if self.state != state:
            raise UserError(_("This adjustment was already processed."))

    def _is_hq(self):
        return self.env.su or self.env.user.has_group("chain_member.group_chain_hq_manager")
