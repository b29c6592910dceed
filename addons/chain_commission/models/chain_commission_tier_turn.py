from odoo import api, fields, models


class ChainCommissionTierTurn(models.Model):
    """The turn on one employee's period total under one tiered rule.

    A tiered rule pays a line at the rate of the employee's total of the month so far. Two tills
    posting lines of the same employee at the same moment would each read the total without the
    other's line (Odoo runs every transaction at REPEATABLE READ) and both pay the lower rate.
    So each posting that reads such a total first bumps this row (``_take``): the second of two
    concurrent postings then waits for the first to end, and fails with a serialization error if
    the first committed, which Odoo answers by replaying the whole request on a fresh snapshot,
    where the first line is counted. Postings of different employees, rules or months never
    wait for each other. Rows are written in SQL by the server only."""

    _name = "chain.commission.tier.turn"
    _description = "Commission Tier Turn"
    _log_access = False

    employee_id = fields.Many2one("hr.employee", required=True, readonly=True, ondelete="cascade")
    rule_id = fields.Many2one(
        "chain.commission.rule", required=True, readonly=True, ondelete="cascade"
    )
    period = fields.Date(required=True, readonly=True)
    turns = fields.Integer(readonly=True, help="How many postings read this total.")

    _sql_constraints = [
        (
            "turn_unique",
            "unique(employee_id, rule_id, period)",
            "One turn per employee, rule and period.",
        ),
    ]

    @api.model
    def _take(self, employee_id, rule_id, period):
        """Take the turn on (employee, rule, period) for the current transaction."""
        self.env.cr.execute(
            """INSERT INTO chain_commission_tier_turn (employee_id, rule_id, period, turns)
               VALUES (%s, %s, %s, 1)
               ON CONFLICT (employee_id, rule_id, period)
               DO UPDATE SET turns = chain_commission_tier_turn.turns + 1""",
            (employee_id, rule_id, period),
        )
