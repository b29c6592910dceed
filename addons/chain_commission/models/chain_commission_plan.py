from datetime import timedelta

from odoo import _, api, fields, models, tools
from odoo.exceptions import AccessError, UserError, ValidationError

PLAN_STATES = [("draft", "Draft"), ("active", "In Force"), ("ended", "Ended")]
# what a plan in force (or ended) still lets its holder change: nothing but its note
PLAN_FREE_FIELDS = frozenset({"note"})
# changed only by the plan's operations (action_activate, action_end_and_replace)
PLAN_PROTECTED_FIELDS = frozenset({"state", "replaces_id"})


class ChainCommissionPlan(models.Model):
    """A commission plan of one company, in force from ``date_from`` to ``date_to``.

    A draft is edited freely (headquarters). Activated, the plan is frozen, rules and tiers
    included: it is only ended (``action_end_and_replace``), which closes it at a date and
    opens a draft copy starting the next day; history stays explainable because every
    commission line names the plan and the rule that paid it. Plans in force or ended of one
    company never overlap, so a date has at most one plan."""

    _name = "chain.commission.plan"
    _description = "Commission Plan"
    _order = "date_from desc, id desc"

    name = fields.Char(required=True, translate=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    date_from = fields.Date(string="Effective From", required=True, default=fields.Date.today)
    date_to = fields.Date(string="Effective To", help="Empty: until it is ended.")
    state = fields.Selection(PLAN_STATES, required=True, default="draft", readonly=True, copy=False)
    rule_ids = fields.One2many("chain.commission.rule", "plan_id", string="Rules", copy=True)
    rule_count = fields.Integer(compute="_compute_rule_count")
    replaces_id = fields.Many2one("chain.commission.plan", readonly=True, copy=False)
    replaced_by_ids = fields.One2many("chain.commission.plan", "replaces_id", readonly=True)
    note = fields.Text()

    @api.depends("rule_ids")
    def _compute_rule_count(self):
        for plan in self:
            plan.rule_count = len(plan.rule_ids)

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for plan in self:
            if plan.date_to and plan.date_to < plan.date_from:
                raise ValidationError(_("A plan cannot end before it starts."))

    @api.constrains("state", "date_from", "date_to", "company_id")
    def _check_no_overlap(self):
        for plan in self.filtered(lambda p: p.state != "draft"):
            others = self.sudo().search(
                [
                    ("id", "!=", plan.id),
                    ("company_id", "=", plan.company_id.id),
                    ("state", "!=", "draft"),
                    "|",
                    ("date_to", "=", False),
                    ("date_to", ">=", plan.date_from),
                ]
            )
            clash = others.filtered(lambda o, p=plan: not p.date_to or o.date_from <= p.date_to)
            if clash:
                raise ValidationError(
                    _(
                        "%(plan)s overlaps %(other)s: one company has one plan in force on a "
                        "date. End the plan in force first.",
                        plan=plan.display_name,
                        other=clash[0].display_name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            for vals in vals_list:
                if vals.get("state", "draft") != "draft" or vals.get("replaces_id"):
                    self._chain_refuse_protected()
        self.env.registry.clear_cache()  # _chain_in_force_id, rules
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su and PLAN_PROTECTED_FIELDS & set(vals):
            self._chain_refuse_protected()
        if not self.env.su and set(vals) - PLAN_FREE_FIELDS:
            self.filtered(lambda p: p.state != "draft")._chain_refuse_edit()
        if set(vals) - PLAN_FREE_FIELDS:
            self.env.registry.clear_cache()  # _chain_in_force_id, rules
        return super().write(vals)

    def unlink(self):
        if self.filtered(lambda p: p.state != "draft"):
            raise UserError(_("Only a draft plan can be deleted; a plan in force is ended."))
        self.env.registry.clear_cache()  # _chain_in_force_id, rules
        return super().unlink()

    def action_activate(self):
        """Put draft plans in force (headquarters)."""
        self._chain_check_hq()
        for plan in self:
            if plan.state != "draft":
                raise UserError(_("%(plan)s is not a draft.", plan=plan.display_name))
            if not plan.rule_ids:
                raise UserError(_("%(plan)s has no rules.", plan=plan.display_name))
            plan.sudo().write({"state": "active"})
            self.env["chain.operation.log"]._log_operation(
                "commission_plan_activate",
                plan,
                after={"date_from": str(plan.date_from), "date_to": str(plan.date_to or "")},
            )
        return True

    def action_end_and_replace(self, end_date=None):
        """End the plan in force at ``end_date`` (default today) and open a draft copy that
        starts the day after; return the draft's form."""
        self.ensure_one()
        self._chain_check_hq()
        if self.state != "active":
            raise UserError(_("Only a plan in force can be ended."))
        try:
            end = fields.Date.to_date(end_date) if end_date else fields.Date.context_today(self)
        except (TypeError, ValueError) as error:
            raise UserError(_("The end date is not a date.")) from error
        if end < self.date_from or (self.date_to and end > self.date_to):
            raise UserError(_("The end date must fall within the plan's dates."))
        old_end = self.date_to
        self.sudo().write({"state": "ended", "date_to": end})
        draft = self.sudo().copy(
            {
                "name": _("%(plan)s (replacement)", plan=self.name),
                "date_from": end + timedelta(days=1),
                "date_to": old_end,
                "replaces_id": self.id,
            }
        )
        self.env["chain.operation.log"]._log_operation(
            "commission_plan_end",
            self,
            before={"date_to": str(old_end or "")},
            after={"date_to": str(end), "replacement": draft.id},
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": draft.id,
            "views": [(False, "form")],
        }

    def action_view_rules(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Rules"),
            "res_model": "chain.commission.rule",
            "views": [(False, "list"), (False, "form")],
            "domain": [("plan_id", "=", self.id)],
            "context": {"default_plan_id": self.id},
        }

    # ------------------------------------------------------------------------------------------
    @api.model
    def _chain_in_force(self, company, date):
        """The plan of ``company`` in force on ``date`` (active or since ended), or none (as
        superuser). Cached per company and day (``_chain_in_force_id``): every order paid
        asks."""
        return self.sudo().browse(self._chain_in_force_id(company.id, date) or [])

    @api.model
    @tools.ormcache("company_id", "day")
    def _chain_in_force_id(self, company_id, day):
        """The id of the plan in force, cached in the registry; every change of a plan's
        state, dates or company clears the cache (in every worker, as Odoo's caches are)."""
        return (
            self.sudo()
            .search(
                [
                    ("company_id", "=", company_id),
                    ("state", "!=", "draft"),
                    ("date_from", "<=", day),
                    "|",
                    ("date_to", "=", False),
                    ("date_to", ">=", day),
                ],
                limit=1,
            )
            .id
        )

    def _chain_check_hq(self):
        if not self.env.su and not self.env.user._has_group("chain_member.group_chain_hq_manager"):
            raise AccessError(_("Only headquarters manages commission plans."))

    @api.model
    def _chain_refuse_protected(self):
        raise UserError(
            _(
                "A plan is created as a draft; it is put in force with Put in Force and ended with "
                "End and Replace."
            )
        )

    def _chain_refuse_edit(self):
        if self:
            raise UserError(
                _(
                    "%(plan)s is in force or ended and cannot be changed: end it and edit its "
                    "replacement.",
                    plan=self[0].display_name,
                )
            )
