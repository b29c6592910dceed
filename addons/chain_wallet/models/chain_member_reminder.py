from datetime import datetime, time, timedelta

from odoo import _, api, fields, models
from odoo.tools import SQL

WALLET_REMINDER_CODES = [
    ("low_balance", "Low stored-value balance"),
    ("count_card_expiring", "Count card expiring"),
]


class ChainMemberReminder(models.Model):
    """The reminders about the stored value and the count cards: a low balance, count cards
    about to expire (and the balance a dormant member still holds)."""

    _inherit = "chain.member.reminder"

    code = fields.Selection(
        selection_add=WALLET_REMINDER_CODES,
        ondelete={"low_balance": "cascade", "count_card_expiring": "cascade"},
    )

    @api.depends("code", "event_values")
    def _compute_summary(self):
        result = super()._compute_summary()
        for reminder in self:
            values = reminder.event_values or {}
            if reminder.code == "low_balance":
                reminder.summary = _(
                    "Balance %(balance)s, below %(amount)s",
                    balance=values.get("balance"),
                    amount=values.get("amount"),
                )
            elif reminder.code == "count_card_expiring":
                reminder.summary = _(
                    "Count card with %(uses)s uses left expires on %(date)s",
                    uses=values.get("balance"),
                    date=values.get("date", ""),
                )
        return result

    @api.model
    def _late_values_dormant(self):
        return SQL(
            "jsonb_build_object('balance', (SELECT COALESCE(SUM(a.principal + a.bonus), 0) "
            "FROM chain_wallet_account a WHERE a.partner_id = c.partner_id))"
        )

    @api.model
    def _candidates_count_card_expiring(self, rtype, today):
        """A member's active count cards with uses left expiring on one day make one
        candidate; by data, when one of them changed (sold, used) since the last run."""
        ranges, changed_since = self._catch_up(rtype, today)
        return self._union_all(
            SQL(
                """
                SELECT k.partner_id, k.date_expiry AS due_date,
                       jsonb_build_object('balance', SUM(k.uses_remaining),
                                          'count_cards', COUNT(*)) AS event_values
                  FROM chain_count_card_package k
                 WHERE k.state = 'active' AND k.uses_remaining > 0
                   AND k.date_expiry BETWEEN %s AND %s
                 GROUP BY k.partner_id, k.date_expiry %s
                """,
                date_from,
                date_to,
                SQL("HAVING MAX(k.write_date) >= %s", changed_since) if by_data else SQL(),
            )
            for date_from, date_to, by_data in ranges
        )

    @api.model
    def _candidates_low_balance(self, rtype, today):
        """Accounts under the threshold whose last movement was since the type's last run
        (edge-triggered: from the start, UTC, of the day before it; at most
        ``MAX_CATCH_UP_DAYS`` back) and not after ``today`` (a run for a past day sees that
        day's movements only), unless the member still has an open low-balance reminder.
        The due date is the day of that movement, so one movement raises at most one
        reminder."""
        since = self._last_run(rtype, today) - timedelta(days=1)
        return SQL(
            """
            SELECT a.partner_id, (a.write_date::date) AS due_date,
                   jsonb_build_object('balance', a.principal + a.bonus, 'amount', %(threshold)s)
                       AS event_values
              FROM chain_wallet_account a
             WHERE a.currency_id = %(currency)s
               AND a.principal + a.bonus < %(threshold)s
               AND a.write_date >= %(since)s AND a.write_date < %(until)s
               AND NOT EXISTS (
                   SELECT 1 FROM chain_member_reminder r
                    WHERE r.type_id = %(type_id)s AND r.partner_id = a.partner_id
                      AND r.state = 'new')
            """,
            threshold=rtype.threshold,
            currency=rtype.currency_id.id,
            since=datetime.combine(since, time.min),
            until=datetime.combine(today + timedelta(days=1), time.min),
            type_id=rtype.id,
        )

    @api.model
    def _late_values_low_balance(self):
        return self._late_values_card_expiring()
