import calendar
from datetime import date as Date

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models, tools
from odoo.exceptions import UserError, ValidationError

ROUNDINGS = [
    ("down", "Round down"),
    ("half_up", "Round half up"),
    ("up", "Round up"),
]
EXPIRY_MODES = [
    ("none", "Never"),
    ("months", "N months after earning"),
    ("period_end", "At the end of a period"),
]
EXPIRY_PERIODS = [("month", "Month"), ("quarter", "Quarter"), ("year", "Year")]
BIRTHDAY_SCOPES = [("day", "On the birthday"), ("month", "In the birthday month")]
MEMBER_DAY_KINDS = [
    ("none", "No member day"),
    ("weekday", "A day of the week"),
    ("monthday", "A day of the month"),
]
WEEKDAYS = [
    ("0", "Monday"),
    ("1", "Tuesday"),
    ("2", "Wednesday"),
    ("3", "Thursday"),
    ("4", "Friday"),
    ("5", "Saturday"),
    ("6", "Sunday"),
]
COMBINATIONS = [
    ("multiply", "Multiply them"),
    ("highest", "Only the highest applies"),
]


class ChainPointsProgram(models.Model):
    """The chain's points rules: one active record for the whole chain (every store and company
    of the chain earns and redeems by the same rules), kept by headquarters.

    It decides how many points a POS order earns (:meth:`_points_for_order`), when a lot expires
    (:meth:`_expiry_date`), what a point is worth at the till, and the member day that the
    member promotions share.
    """

    _name = "chain.points.program"
    _description = "Chain Points Program"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True, default=lambda self: _("Member points"))
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    currency_id = fields.Many2one(
        "res.currency", required=True, default=lambda self: self.env.company.currency_id
    )
    # Earning
    earn_rate = fields.Float(
        string="Points per Currency Unit",
        default=1.0,
        digits=(12, 4),
        help="Points earned per unit of currency paid (before multipliers).",
    )
    earn_rounding = fields.Selection(ROUNDINGS, required=True, default="down")
    earn_on_points_payment = fields.Boolean(
        string="Earn on the Part Paid with Points",
        help="When unchecked, the amount paid with points earns nothing.",
    )
    earn_on_wallet_payment = fields.Boolean(
        string="Earn on the Part Paid with Stored Value",
        default=True,
        help="When unchecked, the amount paid from the stored value earns nothing (the top-up "
        "earned its own bonus points).",
    )
    use_tier_multiplier = fields.Boolean(
        string="Apply the Tier Multiplier",
        default=True,
        help="Multiply the points by the points multiplier of the member's tier.",
    )
    birthday_multiplier = fields.Float(default=1.0, digits=(5, 2))
    birthday_scope = fields.Selection(BIRTHDAY_SCOPES, required=True, default="day")
    member_day_kind = fields.Selection(MEMBER_DAY_KINDS, required=True, default="none")
    member_day_weekday = fields.Selection(WEEKDAYS, default="2")
    member_day_monthday = fields.Integer(default=18)
    member_day_multiplier = fields.Float(default=1.0, digits=(5, 2))
    multiplier_combination = fields.Selection(COMBINATIONS, required=True, default="multiply")
    product_rule_ids = fields.One2many(
        "chain.points.product.rule", "program_id", string="Product Multipliers"
    )
    registration_bonus = fields.Integer(help="Points given once when a member registers.")
    first_order_bonus = fields.Integer(help="Points given once, on the member's first order.")
    first_order_threshold = fields.Monetary(
        help="The first order earns the bonus from this amount on."
    )
    checkin_points = fields.Integer(
        string="Daily Check-in Points",
        help="Points for checking in on the member portal, once a day.",
    )
    # Expiry
    expiry_mode = fields.Selection(EXPIRY_MODES, required=True, default="months")
    expiry_months = fields.Integer(default=12)
    expiry_period = fields.Selection(EXPIRY_PERIODS, default="year")
    expiry_periods_after = fields.Integer(
        string="Periods After",
        default=1,
        help="0: points expire at the end of the period they were earned in; 1: at the end of "
        "the next period; and so on.",
    )
    expiry_reminder_days = fields.Integer(
        default=30, help="Members are told this many days before their points expire."
    )
    # Redemption
    point_value = fields.Monetary(
        string="Value of a Point",
        default=0.01,
        currency_field="currency_id",
        help="What one point pays at the till (also the value of the outstanding points).",
    )
    redeem_min_points = fields.Integer(
        string="Minimum Points per Order", help="An order redeems at least this many points."
    )
    redeem_max_points = fields.Integer(string="Maximum Points per Order", help="0: no maximum.")
    redeem_max_percent = fields.Float(
        string="Maximum Share of the Order (%)",
        default=100.0,
        digits=(5, 2),
        help="Points pay at most this share of an order's total.",
    )
    # Adjustments
    adjust_approval_threshold = fields.Integer(
        string="Approval Above",
        default=1000,
        help="A manual adjustment of more points than this waits for a headquarters manager.",
    )

    _sql_constraints = [
        ("earn_rate_positive", "CHECK(earn_rate >= 0)", "The earn rate cannot be negative."),
        ("point_value_positive", "CHECK(point_value > 0)", "A point must be worth something."),
        (
            "redeem_percent_range",
            "CHECK(redeem_max_percent > 0 AND redeem_max_percent <= 100)",
            "The share of an order paid with points is between 0 and 100%.",
        ),
    ]

    @api.constrains(
        "birthday_multiplier", "member_day_multiplier", "expiry_months", "member_day_monthday"
    )
    def _check_values(self):
        for program in self:
            if min(program.birthday_multiplier, program.member_day_multiplier) < 0:
                raise ValidationError(_("A multiplier cannot be negative."))
            if program.expiry_mode == "months" and program.expiry_months <= 0:
                raise ValidationError(_("Points must last at least one month."))
            if program.member_day_kind == "monthday" and not 1 <= program.member_day_monthday <= 31:
                raise ValidationError(_("The member day is a day of the month from 1 to 31."))

    @api.model_create_multi
    def create(self, vals_list):
        programs = super().create(vals_list)
        self.env.registry.clear_cache()
        return programs

    def write(self, vals):
        logged = [name for name in vals if name in self._fields and name != "product_rule_ids"]
        before = {program.id: program._log_values(logged) for program in self}
        result = super().write(vals)
        self.env.registry.clear_cache()
        for program in self:
            after = program._log_values(logged)
            if after != before[program.id]:
                self.env["chain.operation.log"]._log_operation(
                    "points_program", program, before=before[program.id], after=after
                )
        return result

    def unlink(self):
        result = super().unlink()
        self.env.registry.clear_cache()
        return result

    def _log_values(self, names):
        self.ensure_one()
        return {name: self._fields[name].convert_to_export(self[name], self) for name in names}

    # ------------------------------------------------------------------------------------------
    # The program in force
    # ------------------------------------------------------------------------------------------
    @api.model
    def _get_program(self):
        """The chain's active program (empty when points are switched off)."""
        return self.browse(self._get_program_id()).sudo()

    @api.model
    @tools.ormcache()
    def _get_program_id(self):
        return self.sudo().search([], limit=1).ids

    @api.model
    @tools.ormcache()
    def _till_info(self):
        """What the till's member panel shows of the program in force, cached in the registry
        (cleared when a program is created, changed or deleted): the till's lookup then reads
        nothing of it. (point value, currency rounding, minimum and maximum points per order,
        maximum percent of an order)."""
        program = self._get_program()
        if not program:
            return (0.0, 0.01, 0, 0, 0.0)
        return (
            program.point_value,
            program.currency_id.rounding,
            program.redeem_min_points,
            program.redeem_max_points,
            program.redeem_max_percent,
        )

    # ------------------------------------------------------------------------------------------
    # Earning
    # ------------------------------------------------------------------------------------------
    def _round_points(self, value):
        self.ensure_one()
        value = round(value, 6)  # float noise (e.g. 99.99999999) is not a rounding decision
        if self.earn_rounding == "up":
            return int(-(-value // 1))
        if self.earn_rounding == "half_up":
            return int(tools.float_round(value, precision_digits=0, rounding_method="HALF-UP"))
        return int(value // 1)

    def _multiplier_for(self, partner, day):
        """The combined multiplier of the member's tier, birthday and the member day on ``day``,
        with the factors that applied (for the ledger's description)."""
        self.ensure_one()
        factors = {}
        tier = partner.member_tier_id
        if self.use_tier_multiplier and tier and tier.points_multiplier != 1:
            factors["tier"] = tier.points_multiplier
        if self.birthday_multiplier != 1 and partner._chain_birthday_in_scope(
            day, self.birthday_scope
        ):
            factors["birthday"] = self.birthday_multiplier
        if self.member_day_multiplier != 1 and self._is_member_day(day):
            factors["member_day"] = self.member_day_multiplier
        if not factors:
            return 1.0, factors
        if self.multiplier_combination == "highest":
            return max(factors.values()), factors
        multiplier = 1.0
        for factor in factors.values():
            multiplier *= factor
        return multiplier, factors

    def _is_member_day(self, day):
        self.ensure_one()
        if self.member_day_kind == "weekday":
            return day.weekday() == int(self.member_day_weekday or 0)
        if self.member_day_kind == "monthday":
            last = calendar.monthrange(day.year, day.month)[1]
            return day.day == min(self.member_day_monthday, last)
        return False

    def _points_for_order(self, order):
        """Points a paid POS order earns, computed from the saved order (never from the browser):
        ``(points, details)``. The base is what the order's lines cost after discounts, less the
        top-ups (they earn their own bonus) and, by the policy, less what was paid with points or
        stored value; each line counts with its product multiplier (0 excludes it); the result
        is multiplied by the tier, birthday and member-day factors and rounded."""
        self.ensure_one()
        lines = order.lines
        paid_lines = [
            line
            for line in lines
            if not line.product_id.chain_wallet_topup and not line.chain_points_reward_id
        ]
        net = sum(line.price_subtotal_incl for line in paid_lines)
        if net <= 0 or not self.earn_rate:
            return 0, {}
        excluded = 0.0
        for payment in order.payment_ids:
            method = payment.payment_method_id
            if method.chain_points and not self.earn_on_points_payment:
                excluded += payment.amount
            elif method.chain_wallet and not self.earn_on_wallet_payment:
                excluded += payment.amount
        earnable = max(net - excluded, 0.0)
        positive = [line for line in paid_lines if line.price_subtotal_incl > 0]
        gross = sum(line.price_subtotal_incl for line in positive)
        if not earnable or not gross:
            return 0, {}
        multipliers = self._product_multipliers(line.product_id for line in positive)
        weighted = sum(
            line.price_subtotal_incl * multipliers.get(line.product_id.id, 1.0) for line in positive
        )
        base = weighted * earnable / gross
        day = fields.Date.context_today(order, order.date_order)
        multiplier, factors = self._multiplier_for(order.partner_id.sudo(), day)
        points = self._round_points(base * self.earn_rate * multiplier)
        return max(points, 0), {"base": round(base, 2), "multiplier": multiplier, **factors}

    def _product_multipliers(self, products):
        """{product id: multiplier} for the products a product rule or category rule covers
        (a product rule wins over a category rule, a closer category over a farther one)."""
        self.ensure_one()
        by_product, by_category = self._rule_maps()
        if not by_product and not by_category:
            return {}
        result = {}
        for product in products:
            if product.id in by_product:
                result[product.id] = by_product[product.id]
                continue
            if by_category:
                path = [int(cid) for cid in (product.categ_id.parent_path or "").split("/") if cid]
                for categ_id in reversed(path):
                    if categ_id in by_category:
                        result[product.id] = by_category[categ_id]
                        break
        return result

    @tools.ormcache("self.id")
    def _rule_maps(self):
        by_product, by_category = {}, {}
        for rule in self.product_rule_ids:
            if rule.product_id:
                by_product[rule.product_id.id] = rule.multiplier
            elif rule.categ_id:
                by_category[rule.categ_id.id] = rule.multiplier
        return by_product, by_category

    # ------------------------------------------------------------------------------------------
    # Expiry
    # ------------------------------------------------------------------------------------------
    def _expiry_date(self, earned_on):
        """The last day a lot earned on ``earned_on`` can be spent (False: never expires)."""
        self.ensure_one()
        if self.expiry_mode == "months":
            return earned_on + relativedelta(months=self.expiry_months, days=-1)
        if self.expiry_mode == "period_end":
            months = {"month": 1, "quarter": 3, "year": 12}[self.expiry_period or "year"]
            first_month = (earned_on.month - 1) // months * months + 1
            start = Date(earned_on.year, first_month, 1)
            return start + relativedelta(months=months * (1 + self.expiry_periods_after), days=-1)
        return False

    # ------------------------------------------------------------------------------------------
    # Redemption
    # ------------------------------------------------------------------------------------------
    def _points_for_amount(self, amount):
        """Points that pay ``amount`` at the till (a part of a point counts as a whole point)."""
        self.ensure_one()
        return int(-(-round(amount / self.point_value, 6) // 1))

    def _value_of(self, points):
        self.ensure_one()
        return self.currency_id.round(points * self.point_value)

    def _check_redemption(self, partner, amount, order_total, check_balance=True):
        """Check that ``partner`` may pay ``amount`` of an order of ``order_total`` with points;
        return the points it takes, or raise a UserError saying why not."""
        if not self:
            raise UserError(_("Points are switched off: there is no active points program."))
        self.ensure_one()
        points = self._points_for_amount(amount)
        if points <= 0:
            raise UserError(_("Pay a positive amount with points."))
        if points < self.redeem_min_points:
            raise UserError(
                _("Pay at least %(points)s points per order.", points=self.redeem_min_points)
            )
        if self.redeem_max_points and points > self.redeem_max_points:
            raise UserError(
                _("Pay at most %(points)s points per order.", points=self.redeem_max_points)
            )
        limit = self.currency_id.round(max(order_total, 0.0) * self.redeem_max_percent / 100.0)
        if self.currency_id.compare_amounts(amount, limit) > 0:
            raise UserError(
                _(
                    "Points pay at most %(percent)s%% of an order: %(limit)s here.",
                    percent=format(self.redeem_max_percent, "g"),
                    limit=self.currency_id.format(limit),
                )
            )
        if check_balance:
            balance = partner.sudo().points_balance
            if points > balance:
                raise UserError(
                    _(
                        "Insufficient points: %(member)s has %(available)s points, "
                        "%(points)s are needed.",
                        member=partner.sudo().display_name,
                        available=balance,
                        points=points,
                    )
                )
        return points
