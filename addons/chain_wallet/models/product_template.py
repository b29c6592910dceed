from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

TIME_ROUNDINGS = [
    ("up", "Round up (every started unit is charged)"),
    ("half_up", "Round to the nearest unit"),
    ("down", "Round down (only complete units are charged)"),
]


class ProductTemplate(models.Model):
    _inherit = "product.template"

    chain_wallet_topup = fields.Boolean(
        string="Stored-Value Top-up",
        help="Selling this product to a member credits its price to the member's stored value "
        "(the bonus rules apply). Its sale is booked to the member-deposit liability, not income.",
    )
    chain_count_card = fields.Boolean(
        string="Count Card",
        help="Selling this product gives the member a count card (计次卡) with a number of uses "
        "of the services below; its revenue is deferred and recognised per use.",
    )
    chain_count_card_service_ids = fields.Many2many(
        "product.product",
        "chain_count_card_product_service_rel",
        "template_id",
        "product_id",
        string="Covered Services",
        help="The services one use covers (empty: the count-card product itself).",
    )
    chain_count_card_uses = fields.Integer(string="Number of Uses", default=10)
    chain_count_card_validity_days = fields.Integer(
        string="Validity (days)", default=365, help="0: the card never expires."
    )
    chain_timed_service = fields.Boolean(
        string="Timed Service",
        help="Priced per time unit (计时消费): started and stopped at the till, the charge is "
        "computed from the elapsed time.",
    )
    chain_time_unit_minutes = fields.Integer(string="Time Unit (minutes)", default=60)
    chain_time_rounding = fields.Selection(TIME_ROUNDINGS, string="Time Rounding", default="up")
    chain_time_grace_minutes = fields.Integer(
        string="Free Minutes", help="Minutes not charged at the start (grace period)."
    )
    chain_time_min_units = fields.Integer(string="Minimum Units", default=1)

    @api.constrains("chain_wallet_topup", "chain_count_card", "chain_timed_service")
    def _check_chain_kind(self):
        for template in self:
            if (
                sum(
                    [
                        template.chain_wallet_topup,
                        template.chain_count_card,
                        template.chain_timed_service,
                    ]
                )
                > 1
            ):
                raise ValidationError(
                    _("A product is a top-up, a count card or a timed service, not several.")
                )

    @api.constrains("chain_count_card", "chain_count_card_uses", "chain_count_card_validity_days")
    def _check_count_card(self):
        for template in self.filtered("chain_count_card"):
            if template.chain_count_card_uses <= 0 or template.chain_count_card_validity_days < 0:
                raise ValidationError(
                    _("A count card needs at least one use and a validity of 0 days or more.")
                )

    @api.constrains("chain_timed_service", "chain_time_unit_minutes")
    def _check_timed_service(self):
        for template in self.filtered("chain_timed_service"):
            if template.chain_time_unit_minutes <= 0:
                raise ValidationError(
                    _("A timed service needs a time unit of at least one minute.")
                )

    @api.onchange("chain_wallet_topup", "chain_count_card")
    def _onchange_chain_stored_value(self):
        if self.chain_wallet_topup or self.chain_count_card:
            self.type = "service"
            self.taxes_id = False
