from odoo import fields, models, tools


class ChainPointsLiabilityReport(models.Model):
    """Outstanding points and their value (the liability estimate): the remaining points of the
    open lots, valued at the program's point value, by the store that issued them, their
    member and their expiry."""

    _name = "chain.points.liability.report"
    _description = "Outstanding Points"
    _auto = False
    _order = "expiry_date"

    store_id = fields.Many2one("chain.store", string="Issued By", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Member", readonly=True)
    date = fields.Date(string="Earned On", readonly=True)
    expiry_date = fields.Date(readonly=True)
    remaining = fields.Integer(string="Outstanding Points", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    value = fields.Monetary(readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            f"""
            CREATE OR REPLACE VIEW {self._table} AS (
                SELECT l.id, l.store_id, l.company_id, l.partner_id, l.date, l.expiry_date,
                       l.remaining, p.currency_id,
                       ROUND(l.remaining * COALESCE(p.point_value, 0), 2) AS value
                  FROM chain_points_lot l
                  LEFT JOIN LATERAL (
                      SELECT currency_id, point_value FROM chain_points_program
                       WHERE active ORDER BY sequence, id LIMIT 1
                  ) p ON TRUE
                 WHERE l.remaining > 0
            )
            """  # noqa: S608
        )
