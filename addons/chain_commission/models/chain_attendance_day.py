import datetime
import io
import math
from collections import defaultdict

import pytz
import xlsxwriter

from odoo import _, api, fields, models

DAY_STATES = [
    ("normal", "Normal"),
    ("late", "Late"),
    ("early", "Left Early"),
    ("late_early", "Late and Left Early"),
    ("missing", "Missing Punch"),
    ("absent", "Absent"),
    ("rest_work", "Worked on a Rest Day"),
]
# the state a day shows when several hold (its flags keep all of them)
STATE_ORDER = ("absent", "missing", "late_early", "late", "early", "rest_work", "normal")


class ChainAttendanceDay(models.Model):
    """One employee's day in one store: the roster's hours against the punches of that store
    (考勤日报). Derived data: rebuilt for a store and a range of past days by
    ``_chain_compute`` (the nightly job for the last days, an approved make-up request for its
    day, the monthly sheet for its month), never edited."""

    _name = "chain.attendance.day"
    _description = "Attendance Day"
    _order = "date desc, store_id, employee_id"
    _rec_name = "employee_id"

    employee_id = fields.Many2one("hr.employee", required=True, readonly=True, index=True)
    store_id = fields.Many2one("chain.store", required=True, readonly=True, index=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    date = fields.Date(required=True, readonly=True, index=True)
    planned_start = fields.Datetime(readonly=True)
    planned_end = fields.Datetime(readonly=True)
    planned_hours = fields.Float(readonly=True, digits=(16, 2))
    check_in = fields.Datetime(string="First Check In", readonly=True)
    check_out = fields.Datetime(string="Last Check Out", readonly=True)
    worked_hours = fields.Float(readonly=True, digits=(16, 2))
    late_minutes = fields.Integer(readonly=True)
    early_minutes = fields.Integer(string="Early Leave Minutes", readonly=True)
    missing_punch = fields.Boolean(readonly=True, help="A check-in without its check-out.")
    absent = fields.Boolean(readonly=True, help="Planned to work, no punch in this store.")
    makeup_count = fields.Integer(string="Make-up Punches", readonly=True)
    state = fields.Selection(DAY_STATES, required=True, readonly=True, index=True)

    _sql_constraints = [
        (
            "employee_store_date_unique",
            "unique(employee_id, store_id, date)",
            "One attendance day per employee, store and date.",
        ),
    ]

    @api.model
    def _chain_compute(self, stores, date_from, date_to):
        """Rebuild the days of ``stores`` from ``date_from`` to ``date_to`` (both included; days
        from today on are left alone: they are not over). Returns the days written."""
        self = self.sudo()
        yesterday = fields.Date.context_today(self) - datetime.timedelta(days=1)
        date_to = min(date_to, yesterday)
        if not stores or date_from > date_to:
            return self.browse()
        rows = {}
        self._chain_planned(rows, stores, date_from, date_to)
        self._chain_punched(rows, stores, date_from, date_to)
        self._chain_made_up(rows, stores, date_from, date_to)
        self.search(
            [("store_id", "in", stores.ids), ("date", ">=", date_from), ("date", "<=", date_to)]
        ).unlink()
        return self.create([self._chain_day_values(key, row) for key, row in rows.items()])

    @staticmethod
    def _chain_new_row():
        return {
            "planned_start": None,
            "planned_end": None,
            "planned_hours": 0.0,
            "check_in": None,
            "check_out": None,
            "open": False,
            "punched": False,
            "worked_hours": 0.0,
            "makeup_count": 0,
        }

    @staticmethod
    def _chain_utc(value):
        return value.astimezone(pytz.utc).replace(tzinfo=None)

    def _chain_planned(self, rows, stores, date_from, date_to):
        rosters = (
            self.env["chain.attendance.roster"]
            .sudo()
            .search(
                [
                    ("store_id", "in", stores.ids),
                    ("date_from", "<=", date_to),
                    "|",
                    ("date_to", "=", False),
                    ("date_to", ">=", date_from),
                    ("employee_id.active", "=", True),
                ]
            )
        )
        for roster in rosters:
            employee = roster.employee_id
            calendar = roster.resource_calendar_id
            tz = pytz.timezone(employee.tz or calendar.tz or "UTC")
            start = max(roster.date_from, date_from)
            end = min(roster.date_to or date_to, date_to)
            start_dt = tz.localize(datetime.datetime.combine(start, datetime.time.min))
            end_dt = tz.localize(
                datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min)
            )
            intervals = calendar._work_intervals_batch(
                start_dt, end_dt, resources=employee.resource_id, tz=tz
            )[employee.resource_id.id]
            for begin, stop, _records in intervals:
                key = (employee.id, roster.store_id.id, begin.date())
                row = rows.setdefault(key, self._chain_new_row())
                begin, stop = self._chain_utc(begin), self._chain_utc(stop)
                row["planned_start"] = min(filter(None, (row["planned_start"], begin)))
                row["planned_end"] = max(filter(None, (row["planned_end"], stop)))
                row["planned_hours"] += (stop - begin).total_seconds() / 3600

    def _chain_punched(self, rows, stores, date_from, date_to):
        """The punches of each store, on the day (in the employee's time zone) they began."""
        attendances = (
            self.env["hr.attendance"]
            .sudo()
            .search(
                [
                    ("chain_store_id", "in", stores.ids),
                    (
                        "check_in",
                        ">=",
                        datetime.datetime.combine(date_from, datetime.time.min)
                        - datetime.timedelta(days=1),
                    ),
                    (
                        "check_in",
                        "<",
                        datetime.datetime.combine(date_to, datetime.time.min)
                        + datetime.timedelta(days=2),
                    ),
                ],
                order="check_in",
            )
        )
        for attendance in attendances:
            employee = attendance.employee_id
            tz = pytz.timezone(employee.tz or "UTC")
            day = pytz.utc.localize(attendance.check_in).astimezone(tz).date()
            if not date_from <= day <= date_to:
                continue
            key = (employee.id, attendance.chain_store_id.id, day)
            row = rows.setdefault(key, self._chain_new_row())
            row["punched"] = True
            row["check_in"] = min(filter(None, (row["check_in"], attendance.check_in)))
            if attendance.check_out:
                row["check_out"] = max(filter(None, (row["check_out"], attendance.check_out)))
                row["worked_hours"] += attendance.worked_hours
            else:
                row["open"] = True

    def _chain_made_up(self, rows, stores, date_from, date_to):
        makeups = (
            self.env["chain.attendance.makeup"]
            .sudo()
            .search(
                [
                    ("store_id", "in", stores.ids),
                    ("state", "=", "approved"),
                    ("date", ">=", date_from),
                    ("date", "<=", date_to),
                ]
            )
        )
        for makeup in makeups:
            key = (makeup.employee_id.id, makeup.store_id.id, makeup.date)
            if key in rows:
                rows[key]["makeup_count"] += 1

    def _chain_day_values(self, key, row):
        employee_id, store_id, day = key
        store = self.env["chain.store"].browse(store_id)
        grace = datetime.timedelta(minutes=store.company_id.chain_attendance_grace_minutes)
        planned = bool(row["planned_start"])
        late = early = 0
        if planned and row["punched"]:
            if row["check_in"] > row["planned_start"] + grace:
                late = math.ceil((row["check_in"] - row["planned_start"]).total_seconds() / 60)
            if (
                row["check_out"]
                and not row["open"]
                and (row["check_out"] < row["planned_end"] - grace)
            ):
                early = math.ceil((row["planned_end"] - row["check_out"]).total_seconds() / 60)
        flags = {
            "absent": planned and not row["punched"],
            "missing": row["open"],
            "late_early": bool(late and early),
            "late": bool(late),
            "early": bool(early),
            "rest_work": not planned and row["punched"],
            "normal": True,
        }
        return {
            "employee_id": employee_id,
            "store_id": store_id,
            "company_id": store.company_id.id,
            "date": day,
            "planned_start": row["planned_start"],
            "planned_end": row["planned_end"],
            "planned_hours": row["planned_hours"],
            "check_in": row["check_in"],
            "check_out": row["check_out"],
            "worked_hours": row["worked_hours"],
            "late_minutes": late,
            "early_minutes": early,
            "missing_punch": row["open"],
            "absent": flags["absent"],
            "makeup_count": row["makeup_count"],
            "state": next(state for state in STATE_ORDER if flags[state]),
        }

    @api.model
    def _cron_compute_days(self, days=3, batch=20):
        """Nightly: the last ``days`` days of every store (make-ups approved since change them),
        ``batch`` stores per transaction."""
        today = fields.Date.context_today(self)
        date_from = today - datetime.timedelta(days=days)
        stores = self.env["chain.store"].sudo().search([("kind", "!=", "alliance")])
        partner = self.env["res.partner"]
        for start in range(0, len(stores), batch):
            self._chain_compute(stores[start : start + batch], date_from, today)
            partner._chain_commit_batch()

    def action_view_attendances(self):
        """The punches of this day (who may read the day)."""
        self.ensure_one()
        self.check_access("read")
        tz = pytz.timezone(self.sudo().employee_id.tz or "UTC")
        start = tz.localize(datetime.datetime.combine(self.date, datetime.time.min))
        return {
            "type": "ir.actions.act_window",
            "name": _("Attendances"),
            "res_model": "hr.attendance",
            "views": [(False, "list"), (False, "form")],
            "domain": [
                ("employee_id", "=", self.employee_id.id),
                ("chain_store_id", "=", self.store_id.id),
                ("check_in", ">=", self._chain_utc(start)),
                ("check_in", "<", self._chain_utc(start + datetime.timedelta(days=1))),
            ],
        }

    # ------------------------------------------------------------------------------------------
    # The monthly sheet (Excel)
    # ------------------------------------------------------------------------------------------
    def _chain_sheet_codes(self):
        return {
            "normal": _("√"),
            "late": _("Late"),
            "early": _("Early"),
            "late_early": _("Late/Early"),
            "missing": _("Missing"),
            "absent": _("Absent"),
            "rest_work": _("Extra"),
        }

    @api.model
    def _chain_sheet_xlsx(self, store, date_from, date_to):
        """The sheet's bytes: one row per employee of the store (rostered or punched in the
        month), a column per day with its mark, then the month's totals."""
        days = self.sudo().search(
            [("store_id", "=", store.id), ("date", ">=", date_from), ("date", "<=", date_to)]
        )
        by_employee = defaultdict(dict)
        for day in days:
            by_employee[day.employee_id][day.date] = day
        employees = self.env["hr.employee"].sudo().search(
            [("chain_store_ids", "in", store.ids), ("company_id", "=", store.company_id.id)]
        ) | self.env["hr.employee"].sudo().browse([e.id for e in by_employee])
        dates = [
            date_from + datetime.timedelta(days=n) for n in range((date_to - date_from).days + 1)
        ]
        codes = self._chain_sheet_codes()
        output = io.BytesIO()
        workbook = xlsxwriter.Workbook(output, {"in_memory": True})
        sheet = workbook.add_worksheet(_("Attendance"))
        bold = workbook.add_format({"bold": True})
        title = workbook.add_format({"bold": True, "font_size": 14})
        head = workbook.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1})
        cell = workbook.add_format({"border": 1, "align": "center"})
        warn = workbook.add_format({"border": 1, "align": "center", "font_color": "#C00000"})
        sheet.write(
            0,
            0,
            _(
                "%(store)s attendance %(month)s",
                store=store.name,
                month=date_from.strftime("%Y-%m"),
            ),
            title,
        )
        sheet.write(
            1,
            0,
            _(
                "Marks: %(marks)s",
                marks=", ".join(
                    f"{codes[key]} = {label}"
                    for key, label in self._fields["state"]._description_selection(self.env)
                ),
            ),
        )
        totals = [
            _("Planned Days"),
            _("Days Worked"),
            _("Late"),
            _("Late Minutes"),
            _("Left Early"),
            _("Early Leave Minutes"),
            _("Missing Punches"),
            _("Absences"),
            _("Make-up Punches"),
            _("Hours Worked"),
        ]
        header = [_("Employee"), _("Badge ID"), _("Staff Level")]
        header += [str(day.day) for day in dates] + totals
        for col, label in enumerate(header):
            sheet.write(3, col, label, head)
        sheet.set_column(0, 0, 16)
        sheet.set_column(1, 2, 10)
        sheet.set_column(3, 2 + len(dates), 6)
        sheet.set_column(3 + len(dates), 2 + len(dates) + len(totals), 12)
        sheet.freeze_panes(4, 3)
        row = 4
        for employee in employees.sorted(lambda e: (e.name or "", e.id)):
            marks = by_employee.get(employee, {})
            sheet.write(row, 0, employee.name, bold)
            sheet.write(row, 1, employee.barcode or "")
            sheet.write(row, 2, employee.chain_staff_level_id.name or "")
            for col, date in enumerate(dates, start=3):
                day = marks.get(date)
                if day:
                    sheet.write(row, col, codes[day.state], cell if day.state == "normal" else warn)
                else:
                    sheet.write_blank(row, col, None, cell)
            values = list(marks.values())
            figures = [
                sum(1 for d in values if d.planned_start),
                sum(1 for d in values if d.check_in),
                sum(1 for d in values if d.late_minutes),
                sum(d.late_minutes for d in values),
                sum(1 for d in values if d.early_minutes),
                sum(d.early_minutes for d in values),
                sum(1 for d in values if d.missing_punch),
                sum(1 for d in values if d.absent),
                sum(d.makeup_count for d in values),
                round(sum(d.worked_hours for d in values), 2),
            ]
            for col, value in enumerate(figures, start=3 + len(dates)):
                sheet.write_number(row, col, value)
            row += 1
        workbook.close()
        return output.getvalue()

    # ------------------------------------------------------------------------------------------
    # Demo data
    # ------------------------------------------------------------------------------------------
    @api.model
    def _demo_punch_last_week(self):
        """Demo: the punches of the last seven days against the rosters of 南京路店 (SH01) and
        徐家汇店 (SH02), 张伟 in each on his days; 李娜 (SH01) has a late arrival, an early
        leave, an absence and a missing check-out with its make-up request waiting for the
        store manager; the days are marked."""
        ref = self.env.ref
        stores = ref("chain_member.store_direct_1") | ref("chain_member.store_direct_2")
        senior = ref("chain_commission.employee_sh01_senior")
        tz = pytz.timezone("Asia/Shanghai")
        today = fields.Date.context_today(self)
        days = [today - datetime.timedelta(days=offset) for offset in range(7, 0, -1)]

        def at(day, hour, minute=0):
            local = tz.localize(datetime.datetime.combine(day, datetime.time(hour, minute)))
            return self._chain_utc(local)

        # 李娜's exceptions, on her first working days of the week
        exceptions = ["late", "early", "absent", "missing"]
        open_punch = None
        rosters = self.env["chain.attendance.roster"].search([("store_id", "in", stores.ids)])
        for day in days:
            for roster in rosters.sorted("id"):
                employee = roster.employee_id
                weekdays = set(roster.resource_calendar_id.attendance_ids.mapped("dayofweek"))
                if str(day.weekday()) not in weekdays:
                    continue
                start, end = (9, 52 + employee.id % 7), (19, 3 + employee.id % 5)
                mark = exceptions.pop(0) if employee == senior and exceptions else "normal"
                if mark == "absent":
                    continue
                if mark == "late":
                    start = (10, 18)
                elif mark == "early":
                    end = (17, 30)
                values = {
                    "employee_id": employee.id,
                    "chain_store_id": roster.store_id.id,
                    "check_in": at(day, *start),
                    "check_out": at(day, *end),
                    "in_mode": "kiosk",
                    "out_mode": "kiosk",
                }
                if mark == "missing":
                    open_punch = (roster.store_id, day, values)
                    continue
                self.env["hr.attendance"].create(values)
        if open_punch:
            store, day, values = open_punch
            values.update(check_out=False, out_mode=False)
            missing = self.env["hr.attendance"].create(values)
            self.env["chain.attendance.makeup"].create(
                {
                    "employee_id": senior.id,
                    "store_id": store.id,
                    "attendance_id": missing.id,
                    "check_in": values["check_in"],
                    "check_out": at(day, 19, 0),
                    "reason": "下班忘记打卡，19:00 离店（有监控和同事为证）",
                }
            )
        self._chain_compute(stores, days[0], today)
