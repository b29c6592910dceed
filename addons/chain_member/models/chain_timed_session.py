import math

from odoo import _, api, fields, models
from odoo.exceptions import UserError

TIMER_STATES = [
    ("running", "Running"),
    ("stopped", "Stopped"),
    ("billed", "Billed"),
    ("cancelled", "Cancelled"),
]


class ChainTimedSession(models.Model):
    """A timed service (计时消费) running for a member: started and stopped at the till; the
    charge is the number of time units elapsed, rounded as the product says. The server keeps
    the clock; the till only asks it to start and stop and then sells ``units`` × the product.
    """

    _name = "chain.timed.session"
    _description = "Timed Service Session"
    _inherit = ["pos.load.mixin"]
    _order = "id desc"

    partner_id = fields.Many2one(
        "res.partner", string="Member", required=True, readonly=True, index=True
    )
    product_id = fields.Many2one("product.product", string="Service", required=True, readonly=True)
    store_id = fields.Many2one("chain.store", required=True, readonly=True, index=True)
    config_id = fields.Many2one("pos.config", string="Point of Sale", readonly=True)
    user_id = fields.Many2one(
        "res.users", string="Started By", readonly=True, default=lambda self: self.env.user
    )
    start = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
    stop = fields.Datetime(readonly=True)
    minutes = fields.Float(readonly=True, digits=(16, 1))
    units = fields.Integer(string="Units Charged", readonly=True)
    state = fields.Selection(
        TIMER_STATES, required=True, readonly=True, default="running", index=True
    )

    @api.model
    def _load_pos_data_domain(self, data):
        config = self.env["pos.config"].browse(data["pos.config"]["data"][0]["id"])
        user = self.env.user
        if not config.chain_store_id or not user.has_group("chain_member.group_chain_cashier"):
            return False  # a till outside the chain, or a user who is no chain cashier: nothing
        return [
            ("store_id", "=", config.chain_store_id.id),
            ("state", "in", ("running", "stopped")),
        ]

    @api.model
    def _load_pos_data_fields(self, config_id):
        return ["partner_id", "product_id", "start", "stop", "units", "state"]

    @api.model
    def chain_timer_start(self, partner_id, product_id, config_id):
        """Start ``product`` for the member at the till ``config_id``; return the session's
        values for the till."""
        partner = self.env["res.partner"].browse(partner_id).exists()
        product = self.env["product.product"].browse(product_id).exists()
        config = self.env["pos.config"].browse(config_id).exists()
        if not partner:
            raise UserError(_("Select the member first."))
        if not product.chain_timed_service:
            raise UserError(_("%(product)s is not a timed service.", product=product.display_name))
        store = partner._chain_wallet_store(config.chain_store_id)
        partner._chain_wallet_check_right("count_card", store)
        session = self.sudo().create(
            {
                "partner_id": partner.id,
                "product_id": product.id,
                "store_id": store.id,
                "config_id": config.id,
            }
        )
        return session._till_values()

    def chain_timer_stop(self):
        """Stop the clock and compute the units to charge; return the session's values."""
        self.ensure_one()
        session = self.sudo()
        session.partner_id._chain_wallet_check_right("count_card", session.store_id)
        if session.state != "running":
            raise UserError(_("This timed service is not running."))
        stop = fields.Datetime.now()
        minutes = (stop - session.start).total_seconds() / 60.0
        session.write(
            {
                "stop": stop,
                "minutes": minutes,
                "units": session._units_for(minutes),
                "state": "stopped",
            }
        )
        return session._till_values()

    def chain_timer_cancel(self):
        self.ensure_one()
        self.sudo().partner_id._chain_wallet_check_right("count_card", self.sudo().store_id)
        if self.state not in ("running", "stopped"):
            raise UserError(_("A billed timed service cannot be cancelled."))
        self.sudo().state = "cancelled"
        return True

    def _units_for(self, minutes):
        """Units charged for ``minutes``: the free minutes first, then the product's time unit
        with its rounding, at least the minimum number of units once anything is charged."""
        self.ensure_one()
        template = self.product_id.product_tmpl_id
        chargeable = max(minutes - template.chain_time_grace_minutes, 0.0)
        if chargeable <= 0:
            return 0
        raw = chargeable / template.chain_time_unit_minutes
        rounding = {"up": math.ceil, "down": math.floor, "half_up": lambda x: math.floor(x + 0.5)}
        units = int(rounding[template.chain_time_rounding or "up"](round(raw, 6)))
        return max(units, template.chain_time_min_units)

    def _till_values(self):
        self.ensure_one()
        return {
            "id": self.id,
            "partner_id": self.partner_id.id,
            "product_id": self.product_id.id,
            "start": fields.Datetime.to_string(self.start),
            "stop": fields.Datetime.to_string(self.stop) if self.stop else False,
            "minutes": self.minutes,
            "units": self.units,
            "state": self.state,
        }

    def _mark_billed(self):
        """Called by the order sync: the stopped sessions billed by the order's lines."""
        for session in self.sudo():
            if session.state == "billed":
                continue
            if session.state != "stopped":
                raise UserError(_("Stop the timed service before charging it."))
            session.state = "billed"
