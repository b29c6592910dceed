import logging
import math

from psycopg2 import errors

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

_logger = logging.getLogger(__name__)

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

    def init(self):
        result = super().init()
        # one running clock per member and service: a second start (a double click, a second
        # till) is refused even when both starts race
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    """CREATE UNIQUE INDEX IF NOT EXISTS chain_timed_session_running_uniq
                           ON chain_timed_session (partner_id, product_id)
                        WHERE state = 'running'"""
                )
        except errors.UniqueViolation:
            _logger.warning("Timed services run twice for one member: no uniqueness index yet")
        return result

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise AccessError(_("A timed service is started at the till only."))
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            raise AccessError(_("A timed service is started and stopped at the till only."))
        return super().write(vals)

    def unlink(self):
        if not self.env.su:
            raise AccessError(_("A timed service cannot be deleted: cancel it at the till."))
        return super().unlink()

    # ------------------------------------------------------------------------------------------
    # The till (RPC): the cashier of the till's store
    # ------------------------------------------------------------------------------------------
    @api.model
    def chain_timer_start(self, partner_id, product_id, config_id):
        """Start ``product`` for the member at the till ``config_id``; return the session's
        values for the till. The caller must be a cashier of the till's store."""
        Partner = self.env["res.partner"]
        config = Partner._chain_wallet_as_record("pos.config", config_id).sudo()
        store = config.chain_store_id
        if not store:
            raise UserError(_("This point of sale belongs to no chain store."))
        Partner._chain_wallet_check_right("count_card", store)
        partner = Partner._chain_wallet_as_record("res.partner", partner_id).sudo()
        if not partner:
            raise UserError(_("Select the member first."))
        if not partner.is_member:
            raise UserError(
                _("%(name)s is not a member: timed services are for members.", name=partner.name)
            )
        product = Partner._chain_wallet_as_record("product.product", product_id).sudo()
        if not product.chain_timed_service:
            raise UserError(
                _(
                    "%(product)s is not a timed service.",
                    product=product.display_name or _("This product"),
                )
            )
        if product.company_id and product.company_id != store.company_id:
            raise UserError(
                _("%(product)s is not sold in this store.", product=product.display_name)
            )
        self._check_not_running(partner, product)
        try:
            with self.env.cr.savepoint():
                session = self.sudo().create(
                    {
                        "partner_id": partner.id,
                        "product_id": product.id,
                        "store_id": store.id,
                        "config_id": config.id,
                        "user_id": self.env.uid,
                    }
                )
        except errors.UniqueViolation as error:  # a parallel start won the race
            raise UserError(
                _(
                    "%(product)s was just started for %(member)s at another till: stop it "
                    "first.",
                    product=product.display_name,
                    member=partner.name,
                )
            ) from error
        return session._till_values()

    def chain_timer_stop(self):
        """Stop the clock and compute the units to charge; return the session's values."""
        session = self._till_session()
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
        session = self._till_session()
        if session.state not in ("running", "stopped"):
            raise UserError(_("A billed timed service cannot be cancelled."))
        session.state = "cancelled"
        return True

    def _till_session(self):
        """This one session, as sudo, once the caller is known as a cashier of its store."""
        if len(self) != 1:
            raise UserError(_("Choose one timed service."))
        session = self.sudo().exists()
        if not session:
            raise UserError(_("This timed service does not exist any more."))
        self.env["res.partner"]._chain_wallet_check_right("count_card", session.store_id)
        return session

    def _check_not_running(self, partner, product):
        running = self.sudo().search(
            [
                ("partner_id", "=", partner.id),
                ("product_id", "=", product.id),
                ("state", "=", "running"),
            ],
            limit=1,
        )
        if running:
            raise UserError(
                _(
                    "%(product)s is already running for %(member)s (since %(start)s, at "
                    "%(store)s): stop it first.",
                    product=product.display_name,
                    member=partner.name,
                    start=fields.Datetime.to_string(running.start),
                    store=running.store_id.name,
                )
            )

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
