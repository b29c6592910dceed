from odoo import _, api, fields, models
from odoo.exceptions import UserError


class PosOrder(models.Model):
    """Points in the POS order sync, decided by the server.

    When a paid order is saved (``_process_payment_lines``, in the transaction of the sync),
    the server pays the points tender, takes back and gives back the points of a refund,
    exchanges the reward lines and computes what the order earns from the saved lines and
    payments; nothing the browser says about points is trusted. Every movement carries a key
    derived from the order's uuid, so a re-sent order (offline queue, retry, two tabs) changes
    nothing; an order queued offline earns its points when it syncs.
    """

    _inherit = "pos.order"

    chain_points_earned = fields.Integer(
        string="Points Earned",
        readonly=True,
        copy=False,
        help="Points this order earned (bonuses included).",
    )
    chain_points_spent = fields.Integer(
        string="Points Spent",
        readonly=True,
        copy=False,
        help="Points this order paid with or exchanged, less the points a refund gave back.",
    )
    chain_points_clawed = fields.Integer(
        string="Points Taken Back", readonly=True, copy=False, help="Points a refund took back."
    )
    chain_points_balance = fields.Integer(string="Points Balance After", readonly=True, copy=False)
    chain_points_processed = fields.Boolean(readonly=True, copy=False)
    chain_wallet_balance_after = fields.Float(
        string="Stored Value After",
        readonly=True,
        copy=False,
        digits=0,
        help="The member's stored value when the order was saved (for the receipt).",
    )

    @api.model
    def _load_pos_data_fields(self, config_id):
        fields_list = super()._load_pos_data_fields(config_id)
        if not fields_list:
            return fields_list
        return fields_list + [
            "chain_points_earned",
            "chain_points_spent",
            "chain_points_clawed",
            "chain_points_balance",
            "chain_points_processed",
            "chain_wallet_balance_after",
        ]

    def _process_payment_lines(self, pos_order, order, pos_session, draft):
        result = super()._process_payment_lines(pos_order, order, pos_session, draft)
        if not draft:
            order._chain_check_member_rewards()
            order._chain_points_process()
        return result

    def _process_saved_order(self, draft):
        """At an alliance merchant's till, Odoo's last steps of the sync (paid, picking,
        invoice) and chain_member's member spend and tier review read the member, whom record
        rules hide from the merchant: they run as superuser once the order is saved. The points
        were moved before, in ``_process_payment_lines``, under the merchant's own rights."""
        if self.partner_id and self.env["res.partner"]._chain_merchant_till(self.config_id.id):
            return super(PosOrder, self.sudo())._process_saved_order(draft)
        return super()._process_saved_order(draft)

    def action_pos_order_paid(self):
        # Orders paid from the backend too; a no-op when the sync did it.
        self._chain_points_process()
        return super().action_pos_order_paid()

    def action_chain_points_moves(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "chain_loyalty.chain_points_move_action"
        )
        action["domain"] = [("pos_order_id", "=", self.id)]
        return action

    # ------------------------------------------------------------------------------------------
    def _chain_points_moves(self):
        """The points moves of this order (not a field: the till reads every field of its
        orders after each sync)."""
        return self.env["chain.points.move"].sudo().search([("pos_order_id", "in", self.ids)])

    def _chain_invoice_settling_methods(self):
        """Points settle their share of the invoice too: the redemption expense is booked once
        (payment move at the till, closing entry otherwise), the reversal of the closing entry
        of an order invoiced later credits the customer's receivable (see chain_member)."""
        return (
            super()._chain_invoice_settling_methods()
            | self.payment_ids.payment_method_id.filtered("chain_points")
        )

    def _chain_check_member_rewards(self):
        """Re-check on the server the member promotions the browser applied: the customer must
        qualify (member, tier, member day, birthday month), and a tier discount must not exceed
        the tier's percentage of what it may discount (never prepaid value: top-ups and count
        cards). Only the reward lines that refund an original reward line follow that order and
        are not re-checked; any other line of the order changes nothing to the check."""
        self.ensure_one()
        lines = self.lines.filtered(lambda line: line.reward_id and not line.refunded_orderline_id)
        if not lines:
            return
        day = fields.Date.context_today(self, self.date_order)
        for program, program_lines in lines.grouped(lambda line: line.reward_id.program_id).items():
            if not program._chain_has_member_conditions():
                continue
            if not program._chain_member_eligible(self.partner_id, day):
                raise UserError(
                    _(
                        "The promotion %(program)s does not apply to this customer today: remove "
                        "it or select the right member.",
                        program=program.name,
                    )
                )
            tier = program.chain_tier_discount_id
            if tier:
                discount = -sum(program_lines.mapped("price_subtotal_incl"))
                base = sum(
                    (self.lines - program_lines)
                    .filtered(
                        lambda line: not line.product_id.chain_wallet_topup
                        and not line.product_id.chain_count_card
                    )
                    .mapped("price_subtotal_incl")
                )
                allowed = base * tier.discount_percent / 100.0
                if (
                    self.currency_id.compare_amounts(discount, allowed + 0.01 * len(program_lines))
                    > 0
                ):
                    raise UserError(
                        _(
                            "The discount of tier %(tier)s is %(percent)s%% at most: %(allowed)s "
                            "on this order, not %(discount)s.",
                            tier=tier.name,
                            percent=format(tier.discount_percent, "g"),
                            allowed=self.currency_id.format(allowed),
                            discount=self.currency_id.format(discount),
                        )
                    )

    def _chain_points_process(self):
        for order in self:
            if not order.chain_points_processed:
                order._chain_points_apply()

    def _chain_points_apply(self):
        self.ensure_one()
        points_payments = self.payment_ids.filtered(lambda p: p.payment_method_id.chain_points)
        reward_lines = self.lines.filtered("chain_points_reward_id")
        partner = self.partner_id
        store = self.config_id.chain_store_id
        # sudo: an alliance merchant's till serves members it may not read (the services check
        # its rights on the points themselves)
        if not (partner and partner.sudo().is_member and store):
            if points_payments or reward_lines:
                raise UserError(
                    _("Select the member first: points belong to a member of the chain.")
                    if store
                    else _(
                        "This point of sale belongs to no chain store: points cannot be used here."
                    )
                )
            return
        program = self.env["chain.points.program"]._get_program()
        if not program:
            if points_payments or reward_lines:
                raise UserError(_("Points are switched off: there is no active points program."))
            return
        partner = partner.with_env(self.env)
        # points are earned on the order's total and limited by its share: the server's own
        # figures, never the till's (the same check as for stored value)
        self._chain_check_totals()
        key = f"pos:{self.uuid or self.id}"
        refunded = self.lines.refunded_orderline_id.order_id
        none = self.env["chain.points.move"]
        spent, paid = self._chain_points_pay(
            program, partner, store, key, points_payments, refunded
        )
        exchanged, exchanges = self._chain_points_exchange_rewards(
            partner, store, key, reward_lines
        )
        clawed, clawbacks = (
            self._chain_points_clawback(partner, store, key, refunded) if refunded else (0, none)
        )
        earned, earns = (
            self._chain_points_earn(program, partner, store, key) if not refunded else (0, none)
        )
        posted = paid | exchanges | clawbacks | earns
        # The balance after the order is the one of its last movement (known without a query),
        # unless a refund moved the points of another member (the refunded order's).
        if posted and not (refunded and refunded.partner_id != partner):
            balance = posted.sorted("id")[-1].balance_after
        else:
            balance = partner.sudo().points_balance
        values = {
            "chain_points_earned": earned,
            "chain_points_spent": spent + exchanged,
            "chain_points_clawed": clawed,
            "chain_points_balance": balance,
            "chain_points_processed": True,
            # for the receipt, also when the order did not touch the stored value (one indexed
            # read of the member's wallet account)
            "chain_wallet_balance_after": partner.sudo().wallet_balance,
        }
        self.write(values)

    @api.model
    def chain_points_refund_amount(self, refunded_order_id, refund_total):
        """What a refund of ``refund_total`` of the order ``refunded_order_id`` gives back in
        points, in proportion to the points that order paid with (less what earlier refunds gave
        back): {"points", "amount"} with a negative amount, for the till's points line."""
        origin = self.browse(refunded_order_id).exists()
        Move = self.env["chain.points.move"].sudo()
        spends = (
            Move.search([("pos_order_id", "=", origin.id), ("kind", "=", "spend")])
            if origin
            else Move
        )
        program = self.env["chain.points.program"]._get_program()
        if not spends or not program or origin.amount_total <= 0:
            return {"points": 0, "amount": 0.0}
        spent = -sum(spends.mapped("points"))
        returned = sum(
            Move.search([("origin_id", "in", spends.ids), ("kind", "=", "return")]).mapped("points")
        )
        ratio = min(abs(refund_total) / origin.amount_total, 1.0)
        points = max(min(int(round(spent * ratio + 1e-9)), spent - returned), 0)
        return {"points": points, "amount": -program._value_of(points)}

    def _chain_points_pay(self, program, partner, store, key, payments, refunded):
        """Pay the points tender lines (positive) and give back the points of a refund's
        negative points lines. Returns the net points spent."""
        moves = self.env["chain.points.move"]
        if not payments:
            return 0, moves
        paid = sum(p.amount for p in payments if p.amount > 0)
        if paid:
            program._check_redemption(partner, paid, self.amount_total, check_balance=False)
            self._chain_points_check_pin_token(partner, payments, paid)
        spent = 0
        for payment in payments:
            payment_key = f"{key}:points:{payment.uuid or payment.id}"
            points = program._points_for_amount(abs(payment.amount))
            if payment.amount > 0:
                moves |= partner._chain_points_account()._spend(
                    points,
                    store=store,
                    key=payment_key,
                    pos_order=self,
                    pos_payment=payment,
                    amount=payment.amount,
                )
                spent += points
            elif payment.amount < 0:
                origins = self._chain_points_refunded_spends(refunded)
                if not origins:
                    raise UserError(
                        _(
                            "Points can be given back only for a refunded order that was paid "
                            "with points."
                        )
                    )
                moves |= (
                    origins[:1]
                    .partner_id.with_env(self.env)
                    ._chain_points_account()
                    ._return(
                        points,
                        store,
                        payment_key,
                        origins,
                        pos_order=self,
                        pos_payment=payment,
                        amount=payment.amount,
                    )
                )
                spent -= points
        return spent, moves

    def _chain_points_check_pin_token(self, partner, payments, paid):
        """While the member has a card reported lost, the points paid on this order must be
        covered by a PIN token of ``chain_points_authorize`` for this member and order."""
        member = partner.sudo()
        if not member._chain_wallet_card_lost():
            return
        reference = f"points:{self.uuid}"
        if not any(
            token and member._chain_wallet_check_token(token, reference, paid)
            for token in payments.filtered(lambda p: p.amount > 0).mapped("transaction_id")
        ):
            raise UserError(
                _(
                    "The card of %(member)s was reported lost: paying with points needs the "
                    "member's payment PIN. The order was not saved.",
                    member=partner.display_name,
                )
            )

    def _chain_points_refunded_spends(self, refunded):
        if not refunded:
            return self.env["chain.points.move"]
        return (
            self.env["chain.points.move"]
            .sudo()
            .search([("pos_order_id", "in", refunded.ids), ("kind", "=", "spend")])
        )

    def _chain_points_exchange_rewards(self, partner, store, key, lines):
        """Gift products exchanged for points at the till: one exchange per reward line."""
        spent, moves = 0, self.env["chain.points.move"]
        for line in lines:
            if line.qty <= 0:
                raise UserError(_("A gift exchanged for points cannot be refunded at the till."))
            move = partner._chain_points_account()._exchange(
                line.chain_points_reward_id,
                store=store,
                qty=int(line.qty),
                key=f"{key}:reward:{line.uuid or line.id}",
                pos_order=self,
            )
            spent += -move.points
            moves |= move
        return spent, moves

    def _chain_points_clawback(self, partner, store, key, refunded):
        """Take back the points the refunded order earned, in proportion to the refunded
        amount (cumulated over its partial refunds; a full refund takes back everything)."""
        Move = self.env["chain.points.move"].sudo()
        earns = Move.search([("pos_order_id", "in", refunded.ids), ("kind", "=", "earn")])
        earned = sum(earns.mapped("points"))
        original = sum(refunded.mapped("amount_total"))
        refund_amount = -self.amount_total
        if not earned or original <= 0 or refund_amount <= 0:
            return 0, Move
        prior = Move.search([("origin_id", "in", earns.ids), ("kind", "=", "clawback")])
        prior_points = sum(-move.points + move.unrecovered for move in prior)
        ratio = min((sum(prior.mapped("amount")) + refund_amount) / original, 1.0)
        target = int(round(earned * ratio + 1e-9))
        points = target - prior_points
        if points <= 0:
            return 0, Move
        member = earns[:1].partner_id.with_env(self.env)
        move = member._chain_points_account()._clawback(
            points, store, f"{key}:clawback", earns, pos_order=self, amount=refund_amount
        )
        return -move.points, move

    def _chain_points_earn(self, program, partner, store, key):
        """What the paid order earns, and the member's first-order bonus."""
        points, details = program._points_for_order(self)
        moves = self.env["chain.points.move"]
        if points:
            moves |= partner._chain_points_account()._earn(
                points,
                store=store,
                rule="purchase",
                key=f"{key}:earn",
                pos_order=self,
                details=details,
            )
        if (
            program.first_order_bonus > 0
            and not partner.sudo().member_last_purchase_date
            and self.amount_total >= program.first_order_threshold
        ):
            moves |= partner._chain_points_account()._earn(
                program.first_order_bonus,
                store=store,
                rule="first_order",
                key=f"first_order:{partner.id}",
                pos_order=self,
            )
        return sum(moves.mapped("points")), moves
