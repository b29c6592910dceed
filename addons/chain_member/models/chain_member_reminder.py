import logging
from datetime import datetime, time, timedelta
from time import perf_counter

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from .chain_member_reminder_type import REMINDER_CODES

_logger = logging.getLogger(__name__)

REMINDER_STATES = [
    ("new", "To Do"),
    ("done", "Done"),
    ("called", "Called"),
    ("messaged", "Messaged"),
    ("lapsed", "Lapsed"),
]
# Nights the job did not run are caught up, at most this many days back (see _catch_up).
MAX_CATCH_UP_DAYS = 31
# An open reminder lapses this many days after both its due date and the day it was raised.
LAPSE_DAYS = 7
EVENT_BATCH = 5000
# The id of the last reminder whose member event was sent.
EVENTS_SENT_PARAM = "chain_member.reminder_events_sent_id"
# Re-analyse the reminder table after a type inserted more rows than this (and than a fifth of
# the table): after a catch-up of many nights, not after a night's few thousand new rows, which
# the index probes of the next types handle whatever the statistics say.
ANALYZE_AFTER = 10000


class ChainMemberReminder(models.Model):
    """A reminder about one member on one date: a birthday, an expiry, a low balance...

    The nightly job (:meth:`_cron_raise_reminders`) raises them set-based, one
    ``INSERT .. SELECT .. ON CONFLICT DO NOTHING`` per type; the unique key
    (type, member, due date) makes the job idempotent: a second run the same day raises nothing.
    The staff of the member's home store work through them (called, messaged, done); each new
    reminder is also a member event for the SMS addon, and the store managers get one activity
    a day.
    """

    _name = "chain.member.reminder"
    _description = "Member Reminder"
    _order = "due_date, id"
    # Thousands of rows a night: no create/write user columns, whose foreign keys would cost a
    # fifth of each insert. ``reminder_date`` and ``handled_uid``/``handled_date`` say who and
    # when.
    _log_access = False

    type_id = fields.Many2one(
        "chain.member.reminder.type",
        string="Reminder",
        required=True,
        readonly=True,
        ondelete="restrict",
    )
    code = fields.Selection(REMINDER_CODES, string="Kind", required=True, readonly=True)
    partner_id = fields.Many2one(
        "res.partner", string="Member", required=True, readonly=True, ondelete="cascade", index=True
    )
    mobile = fields.Char(related="partner_id.mobile")
    member_code = fields.Char(related="partner_id.member_code")
    store_id = fields.Many2one(
        "chain.store",
        string="Home Store",
        readonly=True,
        index="btree_not_null",
        help="The member's home store when the reminder was raised; its staff see it.",
    )
    due_date = fields.Date(
        required=True,
        readonly=True,
        help="The date of the event: the birthday, the expiry, the day the member became "
        "dormant or the balance went low.",
    )
    reminder_date = fields.Date(
        string="Raised On", required=True, readonly=True, index=True, help="The day it was raised."
    )
    state = fields.Selection(REMINDER_STATES, required=True, default="new", readonly=True)
    event_values = fields.Json(
        readonly=True, help="The values of the member event (member_name, date, card_tail...)."
    )
    summary = fields.Char(compute="_compute_summary")
    handled_uid = fields.Many2one("res.users", string="Handled By", readonly=True)
    handled_date = fields.Datetime(string="Handled On", readonly=True)
    is_my_store = fields.Boolean(
        compute="_compute_is_my_store", search="_search_is_my_store", string="In My Stores"
    )

    _sql_constraints = [
        (
            "type_partner_due_unique",
            "unique(type_id, partner_id, due_date)",
            "A member has one reminder of a kind per date.",
        ),
    ]

    def init(self):
        """Indexes the nightly job reads through, on the tables it reads (members, cards).
        Each covers the member id and the row's ``write_date`` (INCLUDE), so that the
        candidates of a night, by time and by data (see :meth:`_catch_up`), are found by
        index-only scans and only the new ones are read from the tables."""
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS chain_member_reminder_open_partner "
            "ON chain_member_reminder (partner_id, type_id) WHERE state = 'new'"
        )
        # solar birthdays by (month, day): an expression index (``birthday`` included, or
        # PostgreSQL will not scan it index-only)
        self._ensure_index(
            "res_partner_chain_solar_birthday",
            "res_partner ((EXTRACT(MONTH FROM birthday)), (EXTRACT(DAY FROM birthday)))",
            ["id", "birthday", "write_date"],
            "is_member AND active AND birthday IS NOT NULL "
            "AND COALESCE(birthday_calendar, 'solar') <> 'lunar'",
        )
        self._ensure_index(
            "res_partner_chain_lunar_birthday",
            "res_partner (birthday_lunar_month, birthday_lunar_day, birthday_lunar_leap)",
            ["id", "write_date"],
            "is_member AND active AND birthday_calendar = 'lunar'",
        )
        self._ensure_index(
            "res_partner_chain_tier_expiry",
            "res_partner (member_tier_expiry)",
            ["id", "write_date"],
            "is_member AND active AND member_tier_expiry IS NOT NULL",
        )
        self._ensure_index(
            "res_partner_chain_never_purchased",
            "res_partner (member_since)",
            ["id"],
            "is_member AND active AND member_last_purchase_date IS NULL",
        )
        self._ensure_index(
            "chain_member_card_active_expiry",
            "chain_member_card (expiry_date)",
            ["partner_id", "write_date"],
            "state = 'active' AND expiry_date IS NOT NULL",
        )

    def _ensure_index(self, name, on, include, where):
        """Create the partial covering index ``name`` (``on`` a table's columns, ``include``
        columns, ``where``); an index of that name covering other columns (an older version
        of the module) is dropped and created again."""
        cr = self.env.cr
        cr.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [name])
        row = cr.fetchone()
        if row and f"INCLUDE ({', '.join(include)})" not in row[0]:
            _logger.info("Index %s covers other columns: created again", name)
            cr.execute(SQL("DROP INDEX %s", SQL.identifier(name)))
        cr.execute(
            SQL(
                "CREATE INDEX IF NOT EXISTS %s ON %s INCLUDE (%s) WHERE %s",
                SQL.identifier(name),
                SQL(on),
                SQL(", ").join(SQL.identifier(column) for column in include),
                SQL(where),
            )
        )

    @api.depends("code", "event_values")
    def _compute_summary(self):
        for reminder in self:
            values = reminder.event_values or {}
            date = values.get("date", "")
            if reminder.code == "birthday":
                summary = (
                    _("Lunar birthday on %(date)s", date=date)
                    if values.get("lunar")
                    else _("Birthday on %(date)s", date=date)
                )
            elif reminder.code == "dormant":
                summary = _(
                    "No purchase since %(last)s", last=values.get("last_purchase") or _("ever")
                )
            elif reminder.code == "card_expiring":
                summary = _(
                    "Card ending %(tail)s expires on %(date)s",
                    tail=values.get("card_tail", ""),
                    date=date,
                )
            elif reminder.code == "tier_expiring":
                summary = _("Tier %(tier)s ends on %(date)s", tier=values.get("tier"), date=date)
            else:
                summary = False
            reminder.summary = summary

    def _compute_is_my_store(self):
        stores = self.env.user.chain_store_ids
        for reminder in self:
            reminder.is_my_store = reminder.store_id in stores

    def _search_is_my_store(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Unsupported search on 'In My Stores'."))
        positive = (operator == "=") == value
        return [("store_id", "in" if positive else "not in", self.env.user.chain_store_ids.ids)]

    @api.depends("type_id", "partner_id")
    def _compute_display_name(self):
        for reminder in self:
            reminder.display_name = f"{reminder.type_id.name} - {reminder.partner_id.name}"

    # ------------------------------------------------------------------------------------------
    # Staff actions
    # ------------------------------------------------------------------------------------------
    def write(self, vals):
        """A reminder is raised by the nightly job and handled with its buttons only (which
        check the caller's role and write under sudo): a client's write is refused."""
        if not self.env.su:
            raise UserError(
                _("A reminder is handled with its buttons (done, called, messaged, reopen) only.")
            )
        return super().write(vals)

    def action_mark_done(self):
        return self._mark("done")

    def action_mark_called(self):
        return self._mark("called")

    def action_mark_messaged(self):
        return self._mark("messaged")

    def action_reopen(self):
        if not self.env.user.has_group("chain_member.group_chain_store_manager"):
            raise AccessError(_("Only a store manager can reopen a reminder."))
        self.check_access("write")
        self.sudo().write({"state": "new", "handled_uid": False, "handled_date": False})
        return True

    # ------------------------------------------------------------------------------------------
    # The nightly job
    # ------------------------------------------------------------------------------------------
    @api.model
    def _cron_raise_reminders(self, today=None):
        """Raise the reminders of every enabled type, set-based, then send the member events
        and the store managers' activities. Idempotent; commits per type and per event batch
        (except in tests). Returns ``{code: number of new reminders}``."""
        today = today or self._reminder_today()
        return self.sudo()._raise_all(today)

    @api.model
    def _raise_all(self, today):
        self.env.flush_all()
        raised = {}
        self.env.cr.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE oid = 'chain_member_reminder'::regclass"
        )
        rows_known = max(self.env.cr.fetchone()[0], 0)
        for rtype in self.env["chain.member.reminder.type"].search([("enabled", "=", True)]):
            started = perf_counter()
            count = self._raise_type(rtype, today)
            rtype.write({"last_run_date": today, "last_raised_count": count})
            raised[rtype.code] = count
            if count > max(ANALYZE_AFTER, rows_known // 5):
                # fresh statistics, or the next types' NOT EXISTS get nested-loop plans
                self.env.cr.execute("ANALYZE chain_member_reminder")
                rows_known += count
            self._commit_batch()
            _logger.info(
                "Reminders %s: %s new for %s in %.3f s",
                rtype.code,
                count,
                today,
                perf_counter() - started,
            )
        started = perf_counter()
        self._lapse_stale(today)
        sent = self._send_member_events()
        _logger.info("Reminder events: %s sent in %.3f s", sent, perf_counter() - started)
        started = perf_counter()
        self._notify_store_managers(today)
        self._commit_batch()
        _logger.info("Reminder activities in %.3f s", perf_counter() - started)
        return raised

    @api.model
    def _raise_type(self, rtype, today):
        """Insert the new reminders of ``rtype`` for ``today``; return how many."""
        candidates = getattr(self, f"_candidates_{rtype.code}")(rtype, today)
        if candidates is None:
            return 0
        late_values = getattr(self, f"_late_values_{rtype.code}", None)
        late_values = late_values() if late_values else SQL("'{}'::jsonb")
        stores = rtype.store_ids.ids
        # These index-driven queries are estimated costly (nested loops over many rows): JIT
        # compilation would take longer (1-2 s) than running them.
        self.env.cr.execute("SET LOCAL jit = off")
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO chain_member_reminder
                    (type_id, code, partner_id, store_id, due_date, reminder_date, state,
                     event_values)
                SELECT %(type_id)s, %(code)s, c.partner_id, m.home_store_id, c.due_date,
                       %(today)s, 'new',
                       jsonb_build_object('member_name', m.name, 'store', m.store_name,
                                          'date', to_char(c.due_date, 'YYYY-MM-DD'))
                       || c.event_values || %(late_values)s
                  -- in member order: the member rows read below and the foreign-key checks
                  -- of the inserts then visit res_partner's pages in order, not at random
                  -- (half the time of a first night, when every window is new)
                  FROM (SELECT * FROM (%(candidates)s) AS c0 ORDER BY c0.partner_id) AS c
                  -- the member, by primary key (LIMIT 1 keeps it a per-row index lookup)
                  CROSS JOIN LATERAL (
                      SELECT p.name, p.home_store_id, s.name AS store_name, p.lang,
                             p.member_tier_id
                        FROM res_partner p
                        LEFT JOIN chain_store s ON s.id = p.home_store_id
                       WHERE p.id = c.partner_id AND p.is_member AND p.active
                         AND (%(all_stores)s OR p.home_store_id = ANY(%(store_ids)s))
                       LIMIT 1
                  ) AS m
                 -- skip the reminders raised before without reading their member
                 WHERE NOT EXISTS (
                     SELECT 1 FROM chain_member_reminder r
                      WHERE r.type_id = %(type_id)s AND r.partner_id = c.partner_id
                        AND r.due_date = c.due_date)
                ON CONFLICT (type_id, partner_id, due_date) DO NOTHING
                """,
                type_id=rtype.id,
                code=rtype.code,
                today=today,
                candidates=candidates,
                late_values=late_values,
                all_stores=not stores,
                store_ids=stores or [0],
            )
        )
        return self.env.cr.rowcount

    # Each _candidates_<code> returns a query of (partner_id, due_date, event_values jsonb), or
    # None when the data it reads does not exist in this database. It should read indexes only:
    # most candidates of a night were raised the nights before and are skipped before their
    # member is read. What needs more than the index goes in _late_values_<code>, a jsonb
    # expression computed for the new reminders only (from c.partner_id and the member m).

    @api.model
    def _last_run(self, rtype, today):
        """The day the type last ran, as the catch-up sees it: the day before ``today`` when it
        never ran (its first night costs a normal night), never more than
        ``MAX_CATCH_UP_DAYS`` back, never after ``today``."""
        last = rtype.last_run_date or today - timedelta(days=1)
        return min(max(last, today - timedelta(days=MAX_CATCH_UP_DAYS)), today)

    @api.model
    def _catch_up(self, rtype, today):
        """The catch-up window of a look-ahead type (birthday, card, tier, count card) with
        ``N`` lead days: what *entered* its window ``[today, today + N]`` since its last run
        ``L`` (:meth:`_last_run`). An item enters it

        * by time, on the day its date becomes ``today + N``: dates in ``(L + N, today + N]``
          (never before today: a missed night's birthday that has passed is not raised);
        * by data, on the day its record is created or changed with a date already inside the
          window (a one-week count card sold, a member joining two days before the birthday):
          dates in ``[today, L + N]`` whose record changed since the start (UTC) of the day
          before ``L`` (a day of overlap for time zones; the unique key makes it harmless).

        Returns ``(ranges, changed_since)``: ``ranges`` is a list of ``(date_from, date_to,
        by_data)``, at most one by time and one by data, each non-empty."""
        until = today + timedelta(days=rtype.lead_days)
        last = self._last_run(rtype, today)
        entered_from = max(last + timedelta(days=rtype.lead_days + 1), today)
        ranges = []
        if entered_from <= until:
            ranges.append((entered_from, until, False))
        if entered_from > today:
            ranges.append((today, min(entered_from - timedelta(days=1), until), True))
        return ranges, datetime.combine(last - timedelta(days=1), time.min)

    @api.model
    def _union_all(self, queries):
        queries = [query for query in queries if query is not None]
        return SQL(" UNION ALL ").join(queries) if queries else None

    @api.model
    def _candidates_birthday(self, rtype, today):
        """Birthdays (the one rule: ``res.partner._chain_birthday_query``) that entered the
        window."""
        ranges, changed_since = self._catch_up(rtype, today)
        Partner = self.env["res.partner"]
        return self._union_all(
            Partner._chain_birthday_query(date_from, date_to, changed_since if by_data else None)
            for date_from, date_to, by_data in ranges
        )

    @api.model
    def _candidates_dormant(self, rtype, today):
        """Members who became dormant (``lead_days`` after their last purchase, or after they
        joined when they never bought) since the type's last run (:meth:`_last_run`: only today
        on its first run, at most ``MAX_CATCH_UP_DAYS`` back). Long-dormant members are not
        raised when the type is first switched on: that is a campaign, not a reminder. (A
        member's dormancy date only moves forward, with a new purchase, so the days before the
        last run need no second look.)"""
        since = self._last_run(rtype, today) + timedelta(days=1)
        first = since - timedelta(days=rtype.lead_days)
        last = today - timedelta(days=rtype.lead_days)
        return SQL(
            """
            SELECT p.id AS partner_id,
                   (p.member_last_purchase_date::date + %(days)s) AS due_date,
                   jsonb_build_object('last_purchase',
                                      to_char(p.member_last_purchase_date, 'YYYY-MM-DD'))
                       AS event_values
              FROM res_partner p
             WHERE p.is_member AND p.active
               AND p.member_last_purchase_date >= %(first)s
               AND p.member_last_purchase_date < %(last)s
            UNION ALL
            SELECT p.id, p.member_since + %(days)s, '{}'::jsonb
              FROM res_partner p
             WHERE p.is_member AND p.active AND p.member_last_purchase_date IS NULL
               AND p.member_since >= %(first_date)s AND p.member_since <= %(last_date)s
            """,
            days=rtype.lead_days,
            first=datetime.combine(first, time.min),
            last=datetime.combine(last + timedelta(days=1), time.min),
            first_date=first,
            last_date=last,
        )

    @api.model
    def _late_values_dormant(self):
        """Extension hook: what a dormant member's reminder shows besides the last purchase
        (chain_wallet: the stored value left)."""
        return SQL("'{}'::jsonb")

    @api.model
    def _candidates_card_expiring(self, rtype, today):
        ranges, changed_since = self._catch_up(rtype, today)
        return self._union_all(
            SQL(
                """
                SELECT c.partner_id, c.expiry_date AS due_date, '{}'::jsonb AS event_values
                  FROM chain_member_card c
                 WHERE c.state = 'active' AND c.expiry_date IS NOT NULL
                   AND c.expiry_date BETWEEN %s AND %s %s
                """,
                date_from,
                date_to,
                SQL("AND c.write_date >= %s", changed_since) if by_data else SQL(),
            )
            for date_from, date_to, by_data in ranges
        )

    @api.model
    def _late_values_card_expiring(self):
        # the member's active card (one at most: partial unique index)
        return SQL(
            "jsonb_build_object('card_tail', (SELECT right(mc.number, 4) "
            "FROM chain_member_card mc WHERE mc.partner_id = c.partner_id "
            "AND mc.state = 'active' LIMIT 1))"
        )

    @api.model
    def _candidates_tier_expiring(self, rtype, today):
        ranges, changed_since = self._catch_up(rtype, today)
        return self._union_all(
            SQL(
                """
                SELECT p.id AS partner_id, p.member_tier_expiry AS due_date,
                       '{}'::jsonb AS event_values
                  FROM res_partner p
                 WHERE p.is_member AND p.active AND p.member_tier_expiry IS NOT NULL
                   AND p.member_tier_expiry BETWEEN %s AND %s %s
                """,
                date_from,
                date_to,
                SQL("AND p.write_date >= %s", changed_since) if by_data else SQL(),
            )
            for date_from, date_to, by_data in ranges
        )

    @api.model
    def _late_values_tier_expiring(self):
        return SQL(
            "jsonb_build_object('tier', (SELECT COALESCE(t.name ->> m.lang, t.name ->> 'en_US') "
            "FROM chain_member_tier t WHERE t.id = m.member_tier_id))"
        )

    @api.model
    def _lapse_stale(self, today):
        """Open reminders nobody handled lapse a week after their date (one SQL update)."""
        self.env.cr.execute(
            """
            UPDATE chain_member_reminder
               SET state = 'lapsed'
             WHERE state = 'new' AND GREATEST(due_date, reminder_date) < %s
            """,
            [today - timedelta(days=LAPSE_DAYS)],
        )
        self.invalidate_model(["state"])

    @api.model
    def _send_member_events(self):
        """Send the member event of every reminder raised since the last run (types that
        message the member), in batches of ``EVENT_BATCH``, each committed with the id it
        reached (``EVENTS_SENT_PARAM``): an interrupted job resumes where it stopped, and no
        reminder row is written twice. A failing batch is retried row by row; a failing row is
        logged and skipped, never blocking the others. Returns how many were sent."""
        cr = self.env.cr
        Param = self.env["ir.config_parameter"].sudo()
        last_id = int(Param.get_param(EVENTS_SENT_PARAM, 0))
        cr.execute("SELECT COALESCE(MAX(id), 0) FROM chain_member_reminder")
        upper = cr.fetchone()[0]
        sent = 0
        while last_id < upper:
            cr.execute(
                """
                SELECT r.id, r.partner_id, r.store_id, t.code, r.event_values
                  FROM chain_member_reminder r
                  JOIN chain_member_reminder_type t ON t.id = r.type_id
                 WHERE r.id > %s AND r.id <= %s AND t.notify_member
                 ORDER BY r.id
                 LIMIT %s
                """,
                [last_id, upper, EVENT_BATCH],
            )
            rows = cr.fetchall()
            if rows:
                self._send_events_safely(rows)
                sent += len(rows)
            last_id = rows[-1][0] if len(rows) == EVENT_BATCH else upper
            Param.set_param(EVENTS_SENT_PARAM, last_id)
            self._commit_batch()
        return sent

    @api.model
    def _send_events_safely(self, rows):
        cr = self.env.cr
        try:
            with cr.savepoint():
                self._send_events(rows)
        except Exception:  # one bad row must not stop the chain's events
            _logger.exception("Reminder events failed in a batch; sending one by one")
            for row in rows:
                try:
                    with cr.savepoint():
                        self._send_events([row])
                except Exception:
                    _logger.exception("Reminder %s: member event failed", row[0])

    @api.model
    def _send_events(self, rows):
        """Send the member events of ``rows`` (id, partner id, store id, code, values) through
        the batch hook ``res.partner._chain_member_events``, one call per kind: a notifier
        (chain_sms) can then act set-based (one create for the batch) rather than per row."""
        # one record per id, sharing the batch's prefetch
        partners = {p.id: p for p in self.env["res.partner"].browse({row[1] for row in rows})}
        Store = self.env["chain.store"]
        stores = {store.id: store for store in Store.browse({row[2] for row in rows if row[2]})}
        by_code = {}
        for _id, partner_id, store_id, code, values in rows:
            by_code.setdefault(code, []).append(
                (partners[partner_id], dict(values or {}), stores.get(store_id, Store))
            )
        for code, events in by_code.items():
            self.env["res.partner"]._chain_member_events(f"reminder_{code}", events)

    @api.model
    def _notify_store_managers(self, today):
        """One activity per store and manager per day, listing the store's reminders raised
        today (updated, not duplicated, when the job runs again)."""
        self.env.cr.execute(
            """
            SELECT r.store_id, r.type_id, COUNT(*)
              FROM chain_member_reminder r
              JOIN chain_member_reminder_type t ON t.id = r.type_id
             WHERE r.reminder_date = %s AND r.store_id IS NOT NULL AND t.notify_manager
             GROUP BY r.store_id, r.type_id
            """,
            [today],
        )
        counts = {}
        for store_id, type_id, count in self.env.cr.fetchall():
            counts.setdefault(store_id, {})[type_id] = count
        if not counts:
            return
        Activity = self.env["mail.activity"]
        activity_type = self.env.ref("chain_member.mail_activity_type_member_reminders")
        existing = {
            (activity.res_id, activity.user_id.id): activity
            for activity in Activity.search(
                [
                    ("res_model", "=", "chain.store"),
                    ("res_id", "in", list(counts)),
                    ("activity_type_id", "=", activity_type.id),
                    ("date_deadline", "=", today),
                ]
            )
        }
        model_id = self.env["ir.model"]._get_id("chain.store")
        vals_list = []
        for store in self.env["chain.store"].browse(list(counts)).filtered("manager_ids"):
            for manager in store.manager_ids:
                summary, note = self.with_context(lang=manager.lang)._store_activity_text(
                    store, counts[store.id]
                )
                activity = existing.get((store.id, manager.id))
                if activity and activity.summary != summary:
                    activity.write({"summary": summary, "note": note})
                elif not activity:
                    vals_list.append(
                        {
                            "res_model_id": model_id,
                            "res_id": store.id,
                            "user_id": manager.id,
                            "activity_type_id": activity_type.id,
                            "summary": summary,
                            "note": note,
                            "date_deadline": today,
                        }
                    )
        # one batched create (followers are subscribed per model and user); no e-mail: the
        # activity shows in the managers' activity menu
        Activity.with_context(mail_activity_quick_update=True).create(vals_list)

    @api.model
    def _store_activity_text(self, store, counts):
        """Summary and note of a store's daily activity, in the context's language."""
        types = self.env["chain.member.reminder.type"].browse(list(counts))
        summary = _("Member reminders today: %(count)s", count=sum(counts.values()))
        lines = Markup("").join(
            Markup("<li>%s: %s</li>") % (rtype.name, counts[rtype.id]) for rtype in types
        )
        note = Markup(
            "<p>%s</p><ul>%s</ul><p><a href='/odoo/action-chain_member."
            "chain_member_reminder_action_today'>%s</a></p>"
        ) % (
            _("New member reminders for %(store)s:", store=store.display_name),
            lines,
            _("Open today's reminders"),
        )
        return summary, note

    # ------------------------------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------------------------------
    def _mark(self, state):
        """Staff handled the reminder: set the state and leave a note on the member."""
        labels = dict(self._fields["state"]._description_selection(self.env))
        for reminder in self:
            if reminder.state != "new":
                raise UserError(
                    _(
                        "The reminder %(name)s is already %(state)s.",
                        name=reminder.display_name,
                        state=labels[reminder.state],
                    )
                )
        self.check_access("write")
        self.sudo().write(
            {"state": state, "handled_uid": self.env.uid, "handled_date": fields.Datetime.now()}
        )
        for reminder in self:
            reminder.partner_id.message_post(
                body=_(
                    "%(reminder)s (%(summary)s): %(state)s.",
                    reminder=reminder.type_id.name,
                    summary=reminder.summary,
                    state=labels[state],
                ),
                subtype_xmlid="mail.mt_note",
            )
        return True

    @api.model
    def _reminder_today(self):
        """Today in the chain's time zone (the cron runs without one): the context's, the
        user's, else the company's."""
        tz = self.env.context.get("tz") or self.env.user.tz or self.env.company.partner_id.tz
        return fields.Date.context_today(self.with_context(tz=tz or "UTC"))

    @api.model
    def _commit_batch(self):
        self.env["res.partner"]._chain_commit_batch()
