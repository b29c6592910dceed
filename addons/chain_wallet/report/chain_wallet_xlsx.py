"""Excel exports of stored value and count cards (xlsxwriter, constant memory).

Rows are read with a server-side cursor and written one by one to a temporary file
(``constant_memory`` keeps a million rows at about 20 MiB; it is silently off with
``in_memory``, so the workbook is never built in memory). A sheet holds at most 1,048,576 rows:
longer exports continue on a new sheet.
"""

import datetime
import os
import tempfile

import xlsxwriter

from odoo import _, api, models
from odoo.exceptions import AccessError

MAX_ROWS = 1_048_576
REPORTS = [
    ("deposits", "Deposit detail"),
    ("payments", "Balance payment detail"),
    ("withdrawals", "Withdrawals"),
    ("count_cards", "Count-card sales, renewals and uses"),
    ("liability", "Liability reconciliation"),
    ("settlement", "Cross-store settlement"),
]
# Reports an alliance merchant may export (its own store's lines, without member names).
MERCHANT_REPORTS = ("payments", "settlement")


class ChainWalletXlsx(models.AbstractModel):
    _name = "chain.wallet.xlsx"
    _description = "Stored-Value Excel Exports"

    @api.model
    def _export(self, report, date_from, date_to, stores):
        """Write ``report`` for ``stores`` (empty: every store the user may see) over
        [date_from, date_to] to a temporary .xlsx file; return its path (the caller removes it)."""
        stores = self._visible_stores(report, stores)
        options = {
            "start": datetime.datetime.combine(date_from, datetime.time.min),
            "end": datetime.datetime.combine(date_to, datetime.time.min)
            + datetime.timedelta(days=1),
            "date_to": date_to,
            "store_ids": tuple(stores.ids),
            "company_ids": tuple(stores.company_id.ids),
            "mask": self._masks_members(),
            "lang": self.env.lang or "en_US",
        }
        fd, path = tempfile.mkstemp(suffix=".xlsx", prefix="chain_wallet_")
        os.close(fd)
        workbook = xlsxwriter.Workbook(
            path, {"constant_memory": True, "default_date_format": "yyyy-mm-dd hh:mm"}
        )
        try:
            getattr(self, f"_sheet_{report}")(workbook, options)
        finally:
            workbook.close()
        return path

    def _visible_stores(self, report, stores):
        user = self.env.user
        Store = self.env["chain.store"].sudo()
        if user.has_group("chain_member.group_chain_hq_manager"):
            return stores.sudo() or Store.with_context(active_test=False).search([])
        allowed = user.sudo().chain_store_ids
        if user.has_group("chain_member.group_chain_partner_merchant") and not user.has_group(
            "chain_member.group_chain_store_manager"
        ):
            if report not in MERCHANT_REPORTS:
                raise AccessError(
                    _("An alliance merchant exports only its own payments and settlement.")
                )
        elif not user.has_group("chain_member.group_chain_store_manager"):
            raise AccessError(_("Only store managers export stored-value reports."))
        stores = (stores.sudo() & allowed) if stores else allowed
        if not stores:
            raise AccessError(_("You work in none of these stores."))
        return stores

    def _masks_members(self):
        user = self.env.user
        return user.has_group("chain_member.group_chain_partner_merchant") and not user.has_group(
            "chain_member.group_chain_store_manager"
        )

    # ------------------------------------------------------------------------------------------
    # Writing
    # ------------------------------------------------------------------------------------------
    def _write_table(self, workbook, title, headers, rows, options, formats=None):
        """Write ``rows`` (an iterator of tuples) under ``headers``, continuing on new sheets
        past Excel's row limit."""
        bold = workbook.add_format({"bold": True})
        money = workbook.add_format({"num_format": "#,##0.00"})
        date = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        formats = formats or []
        sheet_no, sheet, row_no = 0, None, MAX_ROWS
        for row in rows:
            if row_no >= MAX_ROWS:
                sheet_no += 1
                name = title[:28] if sheet_no == 1 else f"{title[:24]} ({sheet_no})"
                sheet = workbook.add_worksheet(name)
                sheet.write_row(0, 0, headers, bold)
                sheet.set_column(0, len(headers) - 1, 16)
                row_no = 1
            for col, value in enumerate(row):
                kind = formats[col] if col < len(formats) else None
                if kind == "money":
                    sheet.write_number(row_no, col, float(value or 0.0), money)
                elif kind == "date" and value:
                    sheet.write_datetime(row_no, col, value, date)
                elif value is None or value is False:
                    sheet.write_blank(row_no, col, None)
                else:
                    sheet.write(row_no, col, value)
            row_no += 1
        if sheet is None:
            sheet = workbook.add_worksheet(title[:28])
            sheet.write_row(0, 0, headers, bold)
            sheet.write(1, 0, _("Nothing in this period."))

    def _stream(self, query, params, size=5000):
        """Iterate over the rows of ``query`` with a server-side cursor on this transaction's
        connection (so that a ten-million-line ledger is never loaded at once)."""
        self.env.flush_all()
        cursor = self.env.cr._cnx.cursor(name=f"chain_wallet_xlsx_{id(query)}")
        cursor.itersize = size
        try:
            cursor.execute(query, params)
            yield from cursor
        finally:
            cursor.close()

    def _member_columns(self, options):
        if options["mask"]:
            return "p.member_code, NULL"
        return "p.member_code, p.name"

    # ------------------------------------------------------------------------------------------
    # The reports
    # ------------------------------------------------------------------------------------------
    def _ledger_sheet(self, workbook, options, title, kinds):
        headers = [
            _("Date"),
            _("Store"),
            _("Member Code"),
            _("Member"),
            _("Kind"),
            _("Principal"),
            _("Bonus"),
            _("Amount"),
            _("Balance After"),
            _("Bonus Points"),
            _("Operator"),
            _("POS Order"),
            _("Reference"),
            _("Reason"),
        ]
        query = f"""
            SELECT t.date, s.code || ' ' || s.name, {self._member_columns(options)}, t.kind,
                   t.principal, t.bonus, t.amount, t.balance_after, t.bonus_points, u.login,
                   o.name, t.idempotency_key, t.reason
              FROM chain_wallet_transaction t
              JOIN chain_store s ON s.id = t.store_id
              JOIN res_partner p ON p.id = t.partner_id
              JOIN res_users u ON u.id = t.user_id
              LEFT JOIN pos_order o ON o.id = t.pos_order_id
             WHERE t.kind IN %(kinds)s AND t.store_id IN %(store_ids)s
               AND t.date >= %(start)s AND t.date < %(end)s
             ORDER BY t.store_id, t.date, t.id
        """  # noqa: S608 (constant fragments only)
        rows = self._stream(query, dict(options, kinds=kinds))
        formats = ["date", None, None, None, None, "money", "money", "money", "money"]
        self._write_table(workbook, title, headers, rows, options, formats)

    def _sheet_deposits(self, workbook, options):
        self._ledger_sheet(workbook, options, _("Deposits"), ("topup", "bonus"))

    def _sheet_payments(self, workbook, options):
        self._ledger_sheet(workbook, options, _("Balance payments"), ("payment", "refund"))

    def _sheet_withdrawals(self, workbook, options):
        self._ledger_sheet(workbook, options, _("Withdrawals"), ("withdrawal",))

    def _sheet_count_cards(self, workbook, options):
        headers = [
            _("Date"),
            _("Store"),
            _("Member Code"),
            _("Member"),
            _("Count Card"),
            _("Kind"),
            _("Service"),
            _("Uses"),
            _("Value"),
            _("Uses Left"),
            _("Value Left"),
            _("Operator"),
            _("POS Order"),
        ]
        query = f"""
            SELECT m.date, s.code || ' ' || s.name, {self._member_columns(options)}, k.name, m.kind,
                   coalesce(pt.name->>%(lang)s, pt.name->>'en_US', ''),
                   m.uses, m.amount, m.uses_after, m.value_after,
                   u.login, o.name
              FROM chain_count_card_move m
              JOIN chain_count_card_package k ON k.id = m.package_id
              JOIN chain_store s ON s.id = m.store_id
              JOIN res_partner p ON p.id = m.partner_id
              JOIN res_users u ON u.id = m.user_id
              LEFT JOIN product_product pp ON pp.id = m.service_id
              LEFT JOIN product_template pt ON pt.id = pp.product_tmpl_id
              LEFT JOIN pos_order o ON o.id = m.pos_order_id
             WHERE m.store_id IN %(store_ids)s AND m.date >= %(start)s AND m.date < %(end)s
             ORDER BY m.store_id, m.date, m.id
        """  # noqa: S608
        formats = ["date", None, None, None, None, None, None, None, "money", None, "money"]
        self._write_table(
            workbook, _("Count cards"), headers, self._stream(query, options), options, formats
        )

    def _sheet_liability(self, workbook, options):
        headers = [
            _("Company"),
            _("Ledger"),
            _("Principal"),
            _("Bonus"),
            _("Account"),
            _("Account Balance"),
            _("Not Yet Booked (Open Sessions)"),
            _("Difference"),
        ]
        rows = [row[:8] for row in self._liability_rows(options["company_ids"], options["date_to"])]
        formats = [None, None, "money", "money", None, "money", "money", "money"]
        self._write_table(workbook, _("Liability"), headers, iter(rows), options, formats)

    @api.model
    def _liability_rows(self, company_ids, date_to):
        """Per company: the stored-value ledger (sum of balances attributed to the company's
        stores) against the member-deposit account, and the count-card ledger against the
        deferred-revenue account, as of ``date_to``. What open POS sessions have not booked yet
        is shown apart; the difference must be zero."""
        end = datetime.datetime.combine(date_to, datetime.time.min) + datetime.timedelta(days=1)
        rows = []
        for company in self.env["res.company"].sudo().browse(company_ids):
            if not company.chart_template:
                continue
            accounts = company._chain_wallet_accounts()
            principal, bonus, pending = self._wallet_ledger_totals(company, end)
            account_balance = self._account_balance(accounts["liability"], company, date_to)
            ledger = principal + bonus
            rows.append(
                (
                    f"{company.name} - " + _("stored value"),
                    ledger,
                    principal,
                    bonus,
                    accounts["liability"].display_name,
                    account_balance,
                    pending,
                    company.currency_id.round(ledger - account_balance - pending),
                    company.id,
                )
            )
            value, pending = self._count_card_ledger_totals(company, end)
            account_balance = self._account_balance(accounts["deferred"], company, date_to)
            rows.append(
                (
                    f"{company.name} - " + _("count cards"),
                    value,
                    value,
                    0.0,
                    accounts["deferred"].display_name,
                    account_balance,
                    pending,
                    company.currency_id.round(value - account_balance - pending),
                    company.id,
                )
            )
        return rows

    def _wallet_ledger_totals(self, company, end):
        self.env.flush_all()
        self.env.cr.execute(
            """
            SELECT coalesce(sum(t.principal), 0), coalesce(sum(t.bonus), 0),
                   coalesce(sum(CASE WHEN ps.id IS NULL OR ps.move_id IS NOT NULL THEN 0
                                     WHEN o.account_move IS NOT NULL AND t.kind = 'topup'
                                          THEN t.bonus
                                     WHEN o.account_move IS NOT NULL THEN 0
                                     ELSE t.amount END), 0)
              FROM chain_wallet_transaction t
              LEFT JOIN pos_session ps ON ps.id = t.pos_session_id
              LEFT JOIN pos_order o ON o.id = t.pos_order_id
             WHERE t.company_id = %s AND t.date < %s
            """,
            (company.id, end),
        )
        return self.env.cr.fetchone()

    def _count_card_ledger_totals(self, company, end):
        self.env.cr.execute(
            """
            SELECT coalesce(sum(m.amount), 0),
                   coalesce(sum(CASE WHEN ps.id IS NULL OR ps.move_id IS NOT NULL THEN 0
                                     WHEN o.account_move IS NOT NULL
                                          AND m.kind IN ('sale', 'renewal') THEN 0
                                     ELSE m.amount END), 0)
              FROM chain_count_card_move m
              LEFT JOIN pos_session ps ON ps.id = m.pos_session_id
              LEFT JOIN pos_order o ON o.id = m.pos_order_id
             WHERE m.company_id = %s AND m.date < %s
            """,
            (company.id, end),
        )
        return self.env.cr.fetchone()

    def _account_balance(self, account, company, date_to):
        """Credit balance of ``account`` in ``company`` (posted entries up to ``date_to``)."""
        self.env.cr.execute(
            """
            SELECT coalesce(sum(l.credit - l.debit), 0)
              FROM account_move_line l
             WHERE l.account_id = %s AND l.company_id = %s AND l.parent_state = 'posted'
               AND l.date <= %s
            """,
            (account.id, company.id, date_to),
        )
        return self.env.cr.fetchone()[0]

    def _sheet_settlement(self, workbook, options):
        headers = [_("Issued By"), _("Spent At"), _("What"), _("Amount")]
        rows = [
            (issuer, spender, what, amount)
            for issuer, spender, what, amount in self._settlement_rows(options)
        ]
        self._write_table(
            workbook, _("Settlement"), headers, iter(rows), options, [None, None, None, "money"]
        )

    @api.model
    def _settlement_rows(self, options):
        """Per pair of companies: stored value issued by one and spent at another in the
        period, and count-card uses served by one company's store on cards sold by another.

        A member's balance is attributed first-in first-out: each credit (top-up, bonus, refund,
        transfer in) is a lot issued by the company of its store; each debit consumes the
        oldest lots. Only pairs involving the selected stores' companies are shown."""
        self.env.flush_all()
        self.env.cr.execute(
            """
            WITH lines AS (
                SELECT id, partner_id, company_id, kind, amount, date
                  FROM chain_wallet_transaction
                 WHERE date < %(end)s AND amount <> 0
                   AND partner_id IN (SELECT partner_id FROM chain_wallet_transaction
                                       WHERE kind = 'payment'
                                         AND date >= %(start)s AND date < %(end)s)
            ), credits AS (
                SELECT partner_id, company_id,
                       sum(amount) OVER w - amount AS c_start, sum(amount) OVER w AS c_end
                  FROM lines WHERE amount > 0
                WINDOW w AS (PARTITION BY partner_id ORDER BY id)
            ), debits AS (
                SELECT partner_id, company_id, kind, date,
                       sum(-amount) OVER w + amount AS d_start, sum(-amount) OVER w AS d_end
                  FROM lines WHERE amount < 0
                WINDOW w AS (PARTITION BY partner_id ORDER BY id)
            )
            SELECT ic.name, sc.name, 'stored_value',
                   sum(LEAST(c.c_end, d.d_end) - GREATEST(c.c_start, d.d_start))
              FROM debits d
              JOIN credits c ON c.partner_id = d.partner_id
                            AND c.c_start < d.d_end AND d.d_start < c.c_end
              JOIN res_company ic ON ic.id = c.company_id
              JOIN res_company sc ON sc.id = d.company_id
             WHERE d.kind = 'payment' AND d.date >= %(start)s AND c.company_id <> d.company_id
               AND (c.company_id IN %(company_ids)s OR d.company_id IN %(company_ids)s)
             GROUP BY ic.name, sc.name
            UNION ALL
            SELECT ic.name, sc.name, 'count_card', sum(-m.amount)
              FROM chain_count_card_move m
              JOIN chain_store s ON s.id = m.store_id
              JOIN res_company ic ON ic.id = m.company_id
              JOIN res_company sc ON sc.id = s.company_id
             WHERE m.kind IN ('use', 'return') AND m.date >= %(start)s AND m.date < %(end)s
               AND m.company_id <> s.company_id
               AND (m.company_id IN %(company_ids)s OR s.company_id IN %(company_ids)s)
             GROUP BY ic.name, sc.name
             ORDER BY 3, 1, 2
            """,
            options,
        )
        labels = {"stored_value": _("Stored value"), "count_card": _("Count-card uses")}
        return [
            (issuer, spender, labels[what], amount)
            for issuer, spender, what, amount in self.env.cr.fetchall()
        ]
