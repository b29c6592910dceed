import io

import xlsxwriter
from dateutil.relativedelta import relativedelta

from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import format_date

from .chain_commission_line import month_start

SETTLEMENT_STATES = [("draft", "Draft"), ("approved", "Approved"), ("locked", "Locked")]
# what a client may still write on a settlement: its note
SETTLEMENT_FREE_FIELDS = frozenset({"note"})

# The lines a month's generation settles for some stores: the month's unsettled lines, and
# unsettled lines of earlier months whose own settlement was approved meanwhile (a line
# posted while its month was being approved); ``l`` is chain_commission_line.
DUE_LINES = """
    NOT EXISTS (SELECT 1 FROM chain_commission_settlement_line_rel r WHERE r.line_id = l.id)
    AND l.store_id = ANY(%(stores)s)
    AND (l.period = %(period)s
         OR (l.period < %(period)s
             AND EXISTS (SELECT 1 FROM chain_commission_settlement o
                          WHERE o.employee_id = l.employee_id AND o.store_id = l.store_id
                            AND o.period = l.period AND o.state IN ('approved', 'locked'))))
"""

# Set-based generation of a month's settlements for some stores: one settlement per
# employee and store (ON CONFLICT keeps the one already there), the due lines attached to
# the month's draft settlements, their totals recomputed.
GENERATE_QUERY = f"""
    INSERT INTO chain_commission_settlement (
        employee_id, store_id, company_id, currency_id, period, state, amount_total,
        line_count, create_uid, create_date, write_uid, write_date)
    SELECT DISTINCT l.employee_id, l.store_id, l.company_id, l.currency_id, %(period)s,
           'draft', 0, 0, %(uid)s, %(now)s, %(uid)s, %(now)s
      FROM chain_commission_line l
     WHERE {DUE_LINES}
    ON CONFLICT (employee_id, store_id, period) DO NOTHING;

    INSERT INTO chain_commission_settlement_line_rel (settlement_id, line_id)
    SELECT s.id, l.id
      FROM chain_commission_line l
      JOIN chain_commission_settlement s
        ON s.employee_id = l.employee_id AND s.store_id = l.store_id
       AND s.period = %(period)s AND s.state = 'draft'
     WHERE {DUE_LINES}
    ON CONFLICT DO NOTHING;

    UPDATE chain_commission_settlement s
       SET amount_total = t.total, line_count = t.count, write_uid = %(uid)s,
           write_date = %(now)s
      FROM (SELECT r.settlement_id, sum(l.amount) AS total, count(*) AS count
              FROM chain_commission_settlement_line_rel r
              JOIN chain_commission_line l ON l.id = r.line_id
              JOIN chain_commission_settlement d ON d.id = r.settlement_id
             WHERE d.state = 'draft' AND d.period = %(period)s AND d.store_id = ANY(%(stores)s)
             GROUP BY r.settlement_id) t
     WHERE t.settlement_id = s.id;
"""


class ChainCommissionSettlement(models.Model):
    """What one employee earned in one store in one month.

    Generated in SQL (``_generate``: the month's unsettled commission lines attached, the
    total summed), approved by a manager of the store (the commission expense is booked
    against the payable to employees in the store's company), then locked by headquarters.
    Lines that arrive for a month already approved land in the next open month
    (``chain.commission.line._chain_open_period``): an approved settlement never changes."""

    _name = "chain.commission.settlement"
    _description = "Commission Settlement"
    _order = "period desc, store_id, employee_id"

    name = fields.Char(compute="_compute_name")
    employee_id = fields.Many2one(
        "hr.employee", required=True, readonly=True, ondelete="restrict", index=True
    )
    store_id = fields.Many2one(
        "chain.store", required=True, readonly=True, ondelete="restrict", index=True
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    currency_id = fields.Many2one("res.currency", required=True, readonly=True)
    period = fields.Date(required=True, readonly=True, index=True, help="First day of the month.")
    state = fields.Selection(SETTLEMENT_STATES, required=True, default="draft", readonly=True)
    line_ids = fields.Many2many(
        "chain.commission.line",
        "chain_commission_settlement_line_rel",
        "settlement_id",
        "line_id",
        string="Commission Lines",
        readonly=True,
    )
    line_count = fields.Integer(readonly=True)
    amount_total = fields.Monetary(string="Total", readonly=True)
    move_id = fields.Many2one("account.move", string="Journal Entry", readonly=True)
    approved_uid = fields.Many2one("res.users", string="Approved By", readonly=True)
    approved_date = fields.Datetime(readonly=True)
    locked_uid = fields.Many2one("res.users", string="Locked By", readonly=True)
    locked_date = fields.Datetime(readonly=True)
    note = fields.Text()

    _sql_constraints = [
        (
            "employee_store_period_unique",
            "unique(employee_id, store_id, period)",
            "An employee has one settlement per store and month.",
        ),
    ]

    def init(self):
        """A commission line is settled once: at most one settlement per line."""
        self.env.cr.execute(
            """CREATE UNIQUE INDEX IF NOT EXISTS chain_commission_settlement_line_rel_line_uniq
                   ON chain_commission_settlement_line_rel (line_id)"""
        )

    @api.depends("employee_id", "period", "store_id")
    def _compute_name(self):
        for settlement in self:
            month = (
                format_date(self.env, settlement.period, date_format="yyyy-MM")
                if settlement.period
                else ""
            )
            employee = settlement.employee_id.sudo().name or ""
            settlement.name = f"{employee} / {settlement.store_id.sudo().code or ''} / {month}"

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise UserError(
                _("Settlements are generated from the commission lines (Generate Settlements).")
            )
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su and set(vals) - SETTLEMENT_FREE_FIELDS:
            raise UserError(
                _("A settlement changes only through its buttons (generate, approve, lock).")
            )
        return super().write(vals)

    def unlink(self):
        if not self.env.su:
            raise UserError(_("Settlements are not deleted: a draft is generated again."))
        return super().unlink()

    def action_approve(self):
        """Approve draft settlements: a manager of each settlement's store (headquarters: any
        store). The month's lines are attached once more, then the total is booked."""
        for settlement in self:
            self.env["chain.commission.line"]._chain_check_manager(settlement.store_id)
            settlement._chain_check_readable()
            if settlement.state != "draft":
                raise UserError(_("%(name)s is not a draft.", name=settlement.name))
            settlement.sudo()._chain_approve()
        return True

    def action_lock(self):
        """Lock approved settlements (headquarters)."""
        if not self.env.su and not self.env.user._has_group("chain_member.group_chain_hq_manager"):
            raise AccessError(_("Only headquarters locks settlements."))
        for settlement in self:
            settlement._chain_check_readable()
            if settlement.state != "approved":
                raise UserError(_("%(name)s is not approved.", name=settlement.name))
            settlement.sudo().write(
                {
                    "state": "locked",
                    "locked_uid": self.env.uid,
                    "locked_date": fields.Datetime.now(),
                }
            )
            self.env["chain.operation.log"]._log_operation(
                "commission_settlement_lock", settlement, store=settlement.store_id
            )
        return True

    def action_view_lines(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Commission Lines"),
            "res_model": "chain.commission.line",
            "views": [(False, "list"), (False, "form")],
            "domain": [("settlement_ids", "in", self.ids)],
        }

    def _chain_payroll_xlsx(self):
        """The payroll sheet of these settlements: one row each (store, employee), the
        total per store and for all."""
        output = io.BytesIO()
        workbook = xlsxwriter.Workbook(output, {"in_memory": True})
        sheet = workbook.add_worksheet(_("Commission Payroll"))
        head = workbook.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1})
        money = workbook.add_format({"num_format": "#,##0.00"})
        bold_money = workbook.add_format({"num_format": "#,##0.00", "bold": True})
        bold = workbook.add_format({"bold": True})
        header = [
            _("Company"),
            _("Store"),
            _("Badge ID"),
            _("Employee"),
            _("Staff Level"),
            _("Month"),
            _("Lines"),
            _("Commission"),
            _("Currency"),
            _("Status"),
            _("Journal Entry"),
        ]
        for col, label in enumerate(header):
            sheet.write(0, col, label, head)
        sheet.set_column(0, 1, 18)
        sheet.set_column(2, 4, 12)
        sheet.set_column(5, 10, 12)
        sheet.freeze_panes(1, 0)
        states = dict(self._fields["state"]._description_selection(self.env))
        row = 1
        ordered = self.sorted(lambda s: (s.store_id.code or "", s.employee_id.name or "", s.id))
        for store in ordered.store_id:
            of_store = ordered.filtered(lambda s, store=store: s.store_id == store)
            for settlement in of_store:
                employee = settlement.employee_id
                values = [
                    settlement.company_id.name,
                    store.display_name,
                    employee.barcode or "",
                    employee.name,
                    employee.chain_staff_level_id.name or "",
                    settlement.period.strftime("%Y-%m"),
                ]
                for col, value in enumerate(values):
                    sheet.write(row, col, value)
                sheet.write_number(row, 6, settlement.line_count)
                sheet.write_number(row, 7, settlement.amount_total, money)
                sheet.write(row, 8, settlement.currency_id.name)
                sheet.write(row, 9, states[settlement.state])
                sheet.write(row, 10, settlement.move_id.name or "")
                row += 1
            sheet.write(row, 1, _("Total %(store)s", store=store.display_name), bold)
            sheet.write_number(row, 7, sum(of_store.mapped("amount_total")), bold_money)
            row += 2
        if len(self.currency_id) == 1:
            sheet.write(row, 1, _("Total"), bold)
            sheet.write_number(row, 7, sum(self.mapped("amount_total")), bold_money)
        workbook.close()
        return output.getvalue()

    # ------------------------------------------------------------------------------------------
    @api.model
    def _generate(self, period, stores):
        """Generate (or refresh the drafts of) the settlements of the month of ``period`` for
        ``stores``; return them."""
        period = month_start(period)
        # the till orders of these stores still waiting for the job are posted first
        self.env["chain.commission.line"]._cron_post_pending_pos_orders(store_ids=stores.ids)
        self.env.flush_all()
        self.env.cr.execute(
            GENERATE_QUERY,
            {
                "uid": self.env.uid,
                "now": fields.Datetime.now(),
                "period": period,
                "stores": stores.ids,
            },
        )
        self.env.invalidate_all()
        return self.sudo().search([("period", "=", period), ("store_id", "in", stores.ids)])

    def _chain_approve(self):
        self.ensure_one()
        self._generate(self.period, self.store_id)
        company = self.store_id.company_id
        accounts = company._chain_commission_accounts()
        move = (
            self._chain_book(accounts) if not self.currency_id.is_zero(self.amount_total) else None
        )
        self.write(
            {
                "state": "approved",
                "approved_uid": self.env.uid,
                "approved_date": fields.Datetime.now(),
                "move_id": move.id if move else False,
            }
        )
        self.env["chain.operation.log"]._log_operation(
            "commission_settlement_approve",
            self,
            after={"amount": self.amount_total, "lines": self.line_count},
            store=self.store_id,
        )

    def _chain_book(self, accounts):
        """Post the commission expense against the payable to the employee."""
        company = self.store_id.company_id
        amount = self.amount_total
        partner = self.employee_id.work_contact_id
        label = _("Commission %(name)s", name=self.name)
        end = self.period + relativedelta(months=1, days=-1)
        move = (
            self.env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": "entry",
                    "journal_id": accounts["journal"].id,
                    "company_id": company.id,
                    "date": min(end, fields.Date.context_today(self)),
                    "ref": label,
                    "line_ids": [
                        Command.create(
                            {
                                "name": label,
                                "account_id": accounts["expense"].id,
                                "debit": max(amount, 0.0),
                                "credit": max(-amount, 0.0),
                            }
                        ),
                        Command.create(
                            {
                                "name": label,
                                "account_id": accounts["payable"].id,
                                "partner_id": partner.id,
                                "debit": max(-amount, 0.0),
                                "credit": max(amount, 0.0),
                            }
                        ),
                    ],
                }
            )
        )
        move.action_post()
        return move

    def _chain_check_readable(self):
        """The caller sees this settlement (record rules: store, company)."""
        self.ensure_one()
        if not self.env.su:
            self.check_access("read")
