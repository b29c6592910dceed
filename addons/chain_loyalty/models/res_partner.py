import logging
import uuid
from datetime import date as Date

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, float_round

from odoo.addons.chain_member.tools.amounts import check_amount
from odoo.addons.chain_member.tools.lunar_birthday import till_birthday_month

_logger = logging.getLogger(__name__)

# Who may do what with points (any of the groups; HQ managers may do everything).
POINTS_RIGHTS = {
    "earn": ("chain_member.group_chain_cashier", "chain_member.group_chain_partner_merchant"),
    "spend": ("chain_member.group_chain_cashier", "chain_member.group_chain_partner_merchant"),
    "refund": ("chain_member.group_chain_cashier", "chain_member.group_chain_partner_merchant"),
    "exchange": ("chain_member.group_chain_cashier",),
    "adjust": ("chain_member.group_chain_store_manager",),
    "approve": ("chain_member.group_chain_hq_manager",),
}
# Below this many points the till's low-balance alert stays quiet (per stored value).
LOW_WALLET_ALERT = 20.0


class ResPartner(models.Model):
    """The points service of a member: the one door for points.

    The backend, the POS order sync, the portal, imports and tests all go through the
    ``chain_points_*`` methods below (see the README); views and controllers never write ledger
    lines themselves.
    """

    _inherit = "res.partner"

    points_balance = fields.Integer(
        string="Points",
        compute="_compute_points_balance",
        search="_search_points_balance",
        help="The member's points, in every store of the chain: the sum of their points ledger.",
    )
    points_value = fields.Monetary(
        compute="_compute_points_balance",
        currency_field="member_currency_id",
        help="What the points pay at the till.",
    )
    points_move_ids = fields.One2many("chain.points.move", "partner_id", readonly=True)
    points_lot_ids = fields.One2many("chain.points.lot", "partner_id", readonly=True)
    chain_birthday_month_now = fields.Integer(
        string="Birthday Month This Year",
        compute="_compute_chain_birthday_month_now",
        help="The solar month of this year's birthday (a lunar birthday converted): this month "
        "when the member celebrates the birthday in it, else the next birthday month of the "
        "year. The till compares it with the current month (birthday-month promotions).",
    )

    @api.depends_context("uid", "tz")
    def _compute_chain_birthday_month_now(self):
        today = fields.Date.context_today(self)
        for partner in self:
            birthday = partner._chain_birthday() if partner.is_member else None
            partner.chain_birthday_month_now = till_birthday_month(birthday, today)

    @api.model
    def _load_pos_data_fields(self, config_id):
        return super()._load_pos_data_fields(config_id) + [
            "member_tier_id",
            "points_balance",
            "chain_birthday_month_now",
        ]

    def _compute_points_balance(self):
        balances = self.env["chain.points.account"].sudo()._balance_of(self.ids)
        program = self.env["chain.points.program"]._get_program()
        for partner in self:
            partner.points_balance = balances.get(partner.id, 0)
            partner.points_value = program._value_of(partner.points_balance) if program else 0.0

    def _search_points_balance(self, operator, value):
        if operator not in ("=", "!=", "<", "<=", ">", ">="):
            raise UserError(_("Unsupported search on the points balance."))
        self.env.cr.execute(
            f"SELECT partner_id FROM chain_points_account WHERE balance {operator} %s",  # noqa: S608
            (value or 0,),
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        value = value or 0
        zero_matches = {
            "=": value == 0,
            "!=": value != 0,
            "<": 0 < value,
            "<=": 0 <= value,
            ">": 0 > value,
            ">=": 0 >= value,
        }[operator]
        if zero_matches:
            self.env.cr.execute("SELECT partner_id FROM chain_points_account WHERE balance <> 0")
            nonzero = [row[0] for row in self.env.cr.fetchall()]
            return ["|", ("id", "in", ids), ("id", "not in", nonzero)]
        return [("id", "in", ids)]

    # ------------------------------------------------------------------------------------------
    # Buttons
    # ------------------------------------------------------------------------------------------
    def action_chain_points_moves(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "chain_loyalty.chain_points_move_action"
        )
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {"search_default_partner_id": self.id}
        return action

    def action_chain_points_adjust(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "chain.points.adjustment",
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_id": self.id},
        }

    # ------------------------------------------------------------------------------------------
    # The member's points account (the services run on it: chain.points.account)
    # ------------------------------------------------------------------------------------------
    def _chain_points_account(self):
        """The member's points account (chain-wide: one per member), in the caller's
        environment: the record the points services run on,
        ``member._chain_points_account()._earn(10, store=store, ...)``.

        The lookup is the first statement of the member's turn (the services post under it;
        see ``chain.points.account._find``). A member who has no account yet gets an unsaved
        one (the member only): a credit opens the saved account when it posts, a debit is
        refused as short of points, as for an empty account.
        """
        self.ensure_one()
        Account = self.env["chain.points.account"]
        account = Account.sudo()._find(self, turn=True)
        if not account:
            return Account.new({"partner_id": self.id})
        account = account.with_env(self.env)
        # what the services read of their account, known without a query or a read right
        self.env.cache.update(account, Account._fields["partner_id"], [self.id])
        return account

    def chain_points_adjust(self, points, reason, store=None):
        """Request a manual adjustment of ``points`` (positive or negative) with a reason. It is
        applied at once up to the program's approval threshold (or by a headquarters manager);
        above it, it waits for a headquarters manager's approval. Returns the adjustment."""
        self.ensure_one()
        store = self._chain_points_prepare("adjust", store)
        adjustment = (
            self.env["chain.points.adjustment"]
            .sudo()
            .create(
                {"partner_id": self.id, "points": points, "reason": reason, "store_id": store.id}
            )
        )
        adjustment.with_env(self.env).action_submit()
        return adjustment

    def chain_points_checkin(self, store=None):
        """The member's daily check-in on the portal: the program's check-in points, once a day.
        Returns the move (an existing one when the member already checked in today)."""
        self.ensure_one()
        if not self.env.su and self.env.user.partner_id != self:
            raise AccessError(_("Members check in for themselves."))
        program = self.env["chain.points.program"]._get_program()
        if not self.is_member or not program or program.checkin_points <= 0:
            raise UserError(_("There are no check-in points to earn."))
        store = store or self.home_store_id or self.env["chain.store"].sudo().get_headquarters()
        today = fields.Date.context_today(self)
        return (
            self.sudo()
            ._chain_points_account()
            ._earn(
                program.checkin_points,
                store=store,
                rule="checkin",
                key=f"checkin:{self.id}:{today}",
            )
        )

    @api.model
    def _chain_points_expire(self, today=None, batch_size=1000):
        """Expire the points of every lot past its expiry date (the nightly job), in batches
        committed one by one. Returns the number of members whose points expired."""
        today = today or fields.Date.context_today(self)
        Move = self.env["chain.points.move"].sudo()
        done = 0
        while True:
            self.env.flush_all()
            count = Move._expire_due(today, batch_size)
            self.env.invalidate_all()
            done += count
            self._chain_commit_batch()
            if count < batch_size:
                return done

    @api.model
    def _chain_points_remind_expiring(self, today=None):
        """Tell the members whose points expire in ``expiry_reminder_days`` days (the nightly
        job; the SMS addon turns the events into messages)."""
        program = self.env["chain.points.program"]._get_program()
        if not program or not program.expiry_reminder_days:
            return 0
        today = today or fields.Date.context_today(self)
        day = today + relativedelta(days=program.expiry_reminder_days)
        self.env.cr.execute(
            """SELECT partner_id, SUM(remaining) FROM chain_points_lot
                WHERE expiry_date = %s AND remaining > 0 GROUP BY partner_id""",
            (day,),
        )
        rows = self.env.cr.fetchall()
        for partner_id, points in rows:
            partner = self.sudo().browse(partner_id)
            partner._chain_member_event(
                "points_expiring",
                {
                    "member_name": partner.name,
                    "points": points,
                    "date": fields.Date.to_string(day),
                    "balance": partner.points_balance,
                },
                store=partner.home_store_id,
            )
        return len(rows)

    @api.model
    def _cron_chain_points_nightly(self):
        expired = self._chain_points_expire()
        reminded = self._chain_points_remind_expiring()
        _logger.info("Points: %s members' points expired, %s members reminded", expired, reminded)

    # ------------------------------------------------------------------------------------------
    # Statement and projection (portal, backend)
    # ------------------------------------------------------------------------------------------
    def _chain_points_statement(self, limit=50):
        """The member's points statement: balance, its value, the points expiring soonest, the
        last moves, and the projection at the member's pace to the end of the year."""
        self.ensure_one()
        partner = self.sudo()
        program = self.env["chain.points.program"]._get_program()
        today = fields.Date.context_today(self)
        moves = (
            self.env["chain.points.move"]
            .sudo()
            .search([("partner_id", "=", partner.id)], limit=limit)
        )
        lots = (
            self.env["chain.points.lot"]
            .sudo()
            .search(
                [("partner_id", "=", partner.id), ("remaining", ">", 0)], order="expiry_date, id"
            )
        )
        expiring = [lot for lot in lots if lot.expiry_date][:3]
        return {
            "balance": partner.points_balance,
            "value": partner.points_value,
            "currency": program.currency_id if program else self.env.company.currency_id,
            "moves": moves,
            "expiring": expiring,
            "projection": partner._chain_points_projection(today),
            "checked_in_today": bool(
                self.env["chain.points.move"].sudo()._find_by_key(f"checkin:{partner.id}:{today}")
            ),
            "checkin_points": program.checkin_points if program else 0,
        }

    def _chain_points_projection(self, today):
        """ "At your pace": the points earned over the last 12 months (or since joining), per
        day, carried to the end of the year, less what expires before then. Returns
        {points, value, date, daily} (points at year end and their value)."""
        self.ensure_one()
        program = self.env["chain.points.program"]._get_program()
        since = max(
            today - relativedelta(years=1), self.member_since or today - relativedelta(years=1)
        )
        self.env.cr.execute(
            """SELECT COALESCE(SUM(points), 0) FROM chain_points_move
                WHERE partner_id = %s AND kind = 'earn' AND date >= %s""",
            (self.id, since),
        )
        earned = self.env.cr.fetchone()[0]
        days = max((today - since).days, 30)
        daily = earned / days
        year_end = Date(today.year, 12, 31)
        self.env.cr.execute(
            """SELECT COALESCE(SUM(remaining), 0) FROM chain_points_lot
                WHERE partner_id = %s AND remaining > 0 AND expiry_date < %s""",
            (self.id, year_end),
        )
        expiring = self.env.cr.fetchone()[0]
        points = max(int(self.points_balance + daily * (year_end - today).days - expiring), 0)
        return {
            "points": points,
            "value": program._value_of(points) if program else 0.0,
            "date": year_end,
            "daily": round(daily, 2),
        }

    def _chain_portal_balances(self):
        balances = super()._chain_portal_balances()
        balances.append(
            {"key": "points", "label": _("Points"), "value": str(self.sudo().points_balance)}
        )
        return balances

    # ------------------------------------------------------------------------------------------
    # At the till
    # ------------------------------------------------------------------------------------------
    @api.model
    def _chain_till_columns(self, partner):
        """The points balance comes with the member in the lookup's statement (the account's
        cached balance, which moves only with its ledger)."""
        columns = super()._chain_till_columns(partner)
        columns["points_balance"] = SQL(
            "COALESCE((SELECT a.balance FROM chain_points_account a WHERE a.partner_id = %s), 0)",
            partner,
        )
        return columns

    @api.model
    def _chain_flush_till(self):
        result = super()._chain_flush_till()
        self.env["chain.points.account"].flush_model()
        return result

    def _chain_till_summary(self, card):
        summary = super()._chain_till_summary(card)
        point_value, rounding, redeem_min, redeem_max, redeem_percent = self.env[
            "chain.points.program"
        ]._till_info()
        balance = summary["points_balance"]
        summary.update(
            points_value=float_round(balance * point_value, precision_rounding=rounding),
            point_value=point_value,
            redeem_min_points=redeem_min,
            redeem_max_points=redeem_max,
            redeem_max_percent=redeem_percent,
            birthday_month=self._chain_birthday_in_scope(fields.Date.context_today(self), "month"),
            card_lost=self.sudo()._chain_wallet_card_lost(),
        )
        summary["alerts"] = self._chain_till_alerts(card, summary)
        return summary

    def _chain_till_alerts(self, card, summary):
        alerts = []
        if summary.get("card_lost"):
            alerts.append(
                _(
                    "A card of this member was reported lost: paying from the stored value or "
                    "with points needs the member's payment PIN."
                )
            )
        if card and card.state in ("expired", "cancelled", "replaced"):
            states = dict(card._fields["state"]._description_selection(self.env))
            alerts.append(
                _("Card %(number)s is %(state)s.", number=card.number, state=states[card.state])
            )
        elif (
            card
            and card.expiry_date
            and card.expiry_date < fields.Date.context_today(self) + relativedelta(days=30)
        ):
            alerts.append(
                _("The card expires on %(date)s.", date=fields.Date.to_string(card.expiry_date))
            )
        wallet = summary.get("wallet_balance")
        if wallet is not None and 0 < wallet < LOW_WALLET_ALERT:
            alerts.append(_("Low stored value."))
        return alerts

    @api.model
    def chain_pos_exchange_coupon(self, partner_id, reward_id, config_id):
        """Exchange points for a coupon reward at the till: {"codes", "summary"} or
        {"error"}."""
        partner = self.browse(partner_id).exists()
        reward = self.env["chain.points.reward"].browse(reward_id).exists()
        store = self.env["pos.config"].browse(config_id).chain_store_id
        try:
            if not partner or not reward or not store:
                raise UserError(_("Select the member and the reward first."))
            move = partner._chain_points_account()._exchange(reward, store=store)
        except (UserError, AccessError) as error:
            return {"error": str(error.args[0] if error.args else error)}
        return {
            "codes": (move.details or {}).get("coupons", []),
            "summary": partner._chain_till_summary(partner.member_card_id),
        }

    @api.model
    def chain_points_authorize(
        self,
        partner_id,
        amount,
        order_total,
        config_id,
        card_number=False,
        order_uuid=None,
        pin=None,
    ):
        """Called by the till before it accepts points as a tender: check the caller (a cashier
        or merchant of the till's store), the member, the card and the program's limits for
        paying ``amount`` of an order of ``order_total``. Returns {"ok": True, "points",
        "balance", "token"} or {"ok": False, "message"}. The authoritative debit happens in
        the order sync.

        While the member has a card reported lost, paying with points needs the member's
        payment PIN (``pin``): the answer is then ``pin_required`` and ``card_lost`` until the
        PIN is given, and ``token`` binds the member, ``order_uuid`` and ``amount`` (the order
        sync refuses a points payment of such a member without it)."""
        card_lost = False
        try:
            config = self._chain_wallet_as_record("pos.config", config_id)
            store = config.sudo().chain_store_id
            if not store:
                raise UserError(_("This point of sale belongs to no chain store."))
            merchant = self._chain_merchant_till(config.id)
            partner = self._chain_wallet_as_record("res.partner", partner_id)
            partner = (partner.sudo() if merchant else partner).exists()
            if not partner or not partner.is_member:
                raise UserError(_("Select the member first: points belong to a member."))
            amount = check_amount(self.env, amount, _("The payment with points"))
            order_total = check_amount(self.env, order_total, _("The order total"))
            if amount <= 0:
                raise UserError(_("A payment with points needs a positive amount."))
            partner._chain_points_check_right("spend", store)
            partner._chain_check_card_usable(card_number)
            program = self.env["chain.points.program"]._get_program()
            if not program:
                raise UserError(_("Points are switched off: there is no active points program."))
            points = program._check_redemption(partner, amount, order_total)
            token = ""
            card_lost = partner.sudo()._chain_wallet_card_lost()
            if card_lost:
                reference = self._chain_wallet_order_reference(order_uuid)
                account = (
                    self.env["chain.wallet.account"]
                    .sudo()
                    ._find(partner, store.company_id.currency_id)
                )
                if not (account and account.pin_hash):
                    return {
                        "ok": False,
                        "card_lost": True,
                        "pin_missing": True,
                        "message": _(
                            "This member's card was reported lost and the member has no "
                            "payment PIN: the member sets one at the service desk before "
                            "paying with points."
                        ),
                    }
                if pin in (None, False, ""):
                    return {
                        "ok": False,
                        "pin_required": True,
                        "card_lost": True,
                        "message": _(
                            "This member's card was reported lost: the member confirms paying "
                            "with points with the payment PIN."
                        ),
                    }
                account._verify_pin(pin)
                token = partner.sudo()._chain_wallet_token(f"points:{reference}", amount)
        except (UserError, AccessError) as error:
            answer = {"ok": False, "message": str(error.args[0] if error.args else error)}
            if card_lost:
                answer.update(pin_required=True, card_lost=True)
            return answer
        return {
            "ok": True,
            "points": points,
            "balance": partner.sudo().points_balance,
            "token": token,
            "card_lost": card_lost,
        }

    # ------------------------------------------------------------------------------------------
    # Hooks of chain_member
    # ------------------------------------------------------------------------------------------
    def _chain_tier_points(self):
        """Tiers that qualify on points count the member's balance."""
        return self.sudo().points_balance

    def _chain_award_topup_points(self, points, transaction):
        """A stored-value top-up earned bonus points: credit a lot (once per top-up)."""
        result = super()._chain_award_topup_points(points, transaction)
        if points and points > 0:
            self.sudo()._chain_points_account()._earn(
                int(points),
                store=transaction.store_id,
                rule="topup",
                key=f"topup:{transaction.id}",
                pos_order=transaction.pos_order_id or None,
            )
            return True
        return result

    def _chain_member_event(self, event, values=None, store=None):
        result = super()._chain_member_event(event, values, store)
        if event == "registration":
            self._chain_points_registration_bonus(store)
        return result

    def _chain_points_registration_bonus(self, store):
        program = self.env["chain.points.program"]._get_program()
        if not program or program.registration_bonus <= 0:
            return
        for partner in self.filtered("is_member"):
            partner.sudo()._chain_points_account()._earn(
                program.registration_bonus,
                store=store
                or partner.home_store_id
                or self.env["chain.store"].sudo().get_headquarters(),
                rule="registration",
                key=f"registration:{partner.id}",
            )

    # ------------------------------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------------------------------
    def _chain_served_in(self, stores):
        """A points movement in one of ``stores`` counts as being served there too."""
        return super()._chain_served_in(stores) or bool(
            self.env["chain.points.move"]
            .sudo()
            .search_count([("partner_id", "=", self.id), ("store_id", "in", stores.ids)], limit=1)
        )

    @api.model
    def _chain_merchant_summary(self, summary):
        """No rewards for an alliance merchant: exchanging points for rewards is kept to the
        chain's cashiers."""
        return dict(super()._chain_merchant_summary(summary), can_exchange=False)

    def _chain_points_prepare(self, operation, store):
        store = store or self.env.user._chain_default_store()
        if not store:
            raise UserError(_("Say in which store the points operation happens."))
        store = store.sudo()
        self._chain_points_check_right(operation, store)
        # the right is checked: the member may be one the user cannot read (alliance merchant)
        if not self.sudo().is_member:
            raise UserError(
                _(
                    "%(name)s is not a member: points are for members.",
                    name=self.sudo().display_name,
                )
            )
        return store

    def _chain_points_check_right(self, operation, store):
        if self.env.su:
            return True
        user = self.env.user
        if user.has_group("chain_member.group_chain_hq_manager"):
            return True
        if not any(user.has_group(group) for group in POINTS_RIGHTS[operation]):
            raise AccessError(
                {
                    "adjust": _("Only a store manager can adjust points."),
                    "approve": _("Only a headquarters manager can approve a points adjustment."),
                }.get(operation, _("You are not allowed to operate points."))
            )
        if store not in user.sudo().chain_store_ids:
            raise AccessError(
                _(
                    "You do not work in %(store)s: ask a colleague of that store.",
                    store=store.display_name,
                )
            )
        return True

    @staticmethod
    def _chain_points_new_key(prefix):
        return f"{prefix}:{uuid.uuid4()}"

    def _chain_points_event(self, event, move, store):
        if not move:
            return
        self._chain_member_event(
            event,
            values={
                "member_name": self.name,
                "points": abs(move.points),
                "balance": move.balance_after,
                "store": store.name,
                "date": fields.Date.to_string(fields.Date.context_today(self)),
            },
            store=store,
        )

    # ------------------------------------------------------------------------------------------
    # Member portal: the points the next tier counts
    # ------------------------------------------------------------------------------------------
    def _chain_portal_tier_progress_more(self, next_tier, counted, progress, percents):
        super()._chain_portal_tier_progress_more(next_tier, counted, progress, percents)
        if "points" not in counted:
            return
        points = self._chain_tier_points()
        needed = max(next_tier.points_threshold - points, 0)
        progress.update(
            points=points,
            points_needed=needed,
            points_text=_("You have %(points)s points.", points=points),
            points_needed_text=needed
            and _("%(points)s more points to reach %(tier)s.", points=needed, tier=next_tier.name),
        )
        percents.append(self._chain_portal_percent(points, next_tier.points_threshold))
