from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import UserError


class ChainPosOrderLineShare(models.Model):
    """Who sold or performed a till line, and their share of it (percent; the shares of a
    line add up to 100).

    A share comes from the till's order payload (``pos.order.line.chain_staff_share_ids``,
    validated by ``pos.order.line._chain_set_staff_shares``) or, when the till names nobody,
    from the order's employee (the server's default). No client creates, changes or deletes
    one directly: a share decides who is paid."""

    _name = "chain.pos.order.line.share"
    _inherit = ["pos.load.mixin"]
    _description = "Staff Share of a POS Order Line"
    _order = "line_id, id"

    line_id = fields.Many2one(
        "pos.order.line", string="Order Line", required=True, ondelete="cascade", index=True
    )
    order_id = fields.Many2one(related="line_id.order_id", string="Order")
    employee_id = fields.Many2one("hr.employee", required=True, ondelete="restrict", index=True)
    share = fields.Float(string="Share (%)", required=True, digits=(6, 2))

    _sql_constraints = [
        (
            "share_positive",
            "CHECK(share > 0 AND share <= 100)",
            "A share is above 0 and at most 100.",
        ),
        ("employee_unique", "unique(line_id, employee_id)", "An employee has one share of a line."),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        self._chain_refuse_client()
        return super().create(vals_list)

    def write(self, vals):
        self._chain_refuse_client()
        return super().write(vals)

    def unlink(self):
        self._chain_refuse_client()
        return super().unlink()

    @api.model
    def _load_pos_data_domain(self, data):
        return [("line_id", "in", [line["id"] for line in data["pos.order.line"]["data"]])]

    @api.model
    def _load_pos_data_fields(self, config_id):
        return ["line_id", "employee_id", "share"]

    @api.model
    def _chain_insert(self, rows):
        """Save the checked shares ``rows`` [(line id, employee id, share)] in one statement
        (the order sync writes them on every line; the ORM's create costs a few ms an order).
        The lines named have no other share (new lines, or their old shares deleted); the SQL
        constraints still hold. The new shares are put in the cache, and the lines' shares
        are exactly them, so that the sync's answer reads them without a query."""
        if not rows:
            return self.browse()
        now = fields.Datetime.now()
        uid = self.env.uid
        values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(rows))
        params = [
            value
            for line_id, employee_id, share in rows
            for value in (line_id, employee_id, share, uid, now, uid, now)
        ]
        self.env.cr.execute(
            "INSERT INTO chain_pos_order_line_share "  # noqa: S608
            "(line_id, employee_id, share, create_uid, create_date, write_uid, write_date) "
            f"VALUES {values} RETURNING id",
            params,
        )
        shares = self.browse([row[0] for row in self.env.cr.fetchall()])
        cache = self.env.cache
        for index, name in enumerate(("line_id", "employee_id", "share")):
            cache.update(shares, self._fields[name], [row[index] for row in rows])
        by_line = defaultdict(list)
        for share, row in zip(shares, rows, strict=True):
            by_line[row[0]].append(share.id)
        Line = self.env["pos.order.line"]
        cache.update(
            Line.browse(list(by_line)),
            Line._fields["chain_staff_share_ids"],
            [tuple(ids) for ids in by_line.values()],
        )
        return shares

    def _chain_refuse_client(self):
        if not self.env.su:
            raise UserError(
                _("Staff shares are given with the order at the till; they cannot be changed.")
            )
