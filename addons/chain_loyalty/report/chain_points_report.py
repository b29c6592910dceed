from odoo import fields, models, tools

from ..models.chain_points_lot import EARN_RULES
from ..models.chain_points_move import MOVE_KINDS


class ChainPointsReport(models.Model):
    """Points issued, redeemed, expired and reversed, per store and period (one row per ledger
    move, for the pivot and graph views)."""

    _name = "chain.points.report"
    _description = "Points Issued, Redeemed and Expired"
    _auto = False
    _order = "date desc"

    date = fields.Datetime(readonly=True)
    store_id = fields.Many2one("chain.store", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Member", readonly=True)
    kind = fields.Selection(MOVE_KINDS, readonly=True)
    rule = fields.Selection(EARN_RULES, string="Earned Through", readonly=True)
    issued = fields.Integer(string="Points Issued", readonly=True)
    redeemed = fields.Integer(string="Points Redeemed", readonly=True)
    expired = fields.Integer(string="Points Expired", readonly=True)
    reversed = fields.Integer(
        string="Points Reversed",
        readonly=True,
        help="Taken back by refunds, less those given back.",
    )
    unrecovered = fields.Integer(string="Points Not Recovered", readonly=True)
    points = fields.Integer(string="Net Points", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    redeemed_value = fields.Monetary(readonly=True, help="What the redeemed points paid.")

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            f"""
            CREATE OR REPLACE VIEW {self._table} AS (
                SELECT m.id, m.date, m.store_id, m.company_id, m.partner_id, m.kind, m.rule,
                       CASE WHEN m.kind = 'earn' OR (m.kind = 'adjust' AND m.points > 0)
                            THEN m.points ELSE 0 END AS issued,
                       CASE WHEN m.kind IN ('spend', 'exchange') THEN -m.points ELSE 0 END
                           AS redeemed,
                       CASE WHEN m.kind = 'expire' OR (m.kind = 'adjust' AND m.points < 0)
                            THEN -m.points ELSE 0 END AS expired,
                       CASE WHEN m.kind = 'clawback' THEN -m.points
                            WHEN m.kind = 'return' THEN -m.points ELSE 0 END AS reversed,
                       COALESCE(m.unrecovered, 0) AS unrecovered,
                       m.points,
                       c.currency_id,
                       CASE WHEN m.kind IN ('spend', 'exchange') THEN m.amount ELSE 0 END
                           AS redeemed_value
                  FROM chain_points_move m
                  JOIN res_company c ON c.id = m.company_id
            )
            """  # noqa: S608
        )
