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

    def _chain_refuse_client(self):
        if not self.env.su:
            raise UserError(
                _("Staff shares are given with the order at the till; they cannot be changed.")
            )
