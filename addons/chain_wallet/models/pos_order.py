from odoo import _, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.chain_member.tools.amounts import check_amount


class PosOrder(models.Model):
    """Stored value and count cards in the POS order sync.

    The wallet debits and credits of an order happen in the transaction that saves the order
    (``_process_payment_lines``), so the order and its money are saved together or not at all.
    Each movement carries an idempotency key derived from the order's uuid: re-sending the same
    order (offline queue, network retry, two tabs) changes nothing.
    """

    _inherit = "pos.order"

    chain_wallet_transaction_ids = fields.One2many(
        "chain.wallet.transaction",
        "pos_order_id",
        string="Stored-Value Lines",
        readonly=True,
        # the POS loads every field of its orders: keep this one to the chain's staff
        groups="chain_member.group_chain_cashier",
    )
    chain_count_card_move_ids = fields.One2many(
        "chain.count.card.move",
        "pos_order_id",
        string="Count-Card Lines",
        readonly=True,
        groups="chain_member.group_chain_cashier",
    )

    def _process_payment_lines(self, pos_order, order, pos_session, draft):
        result = super()._process_payment_lines(pos_order, order, pos_session, draft)
        if not draft:
            order._chain_wallet_process()
        return result

    def action_pos_order_paid(self):
        # Orders paid from the backend (payment wizard) too; a no-op when the sync did it.
        self._chain_wallet_process()
        return super().action_pos_order_paid()

    @api.model
    def _get_invoice_lines_values(self, line_values, pos_order_line):
        values = super()._get_invoice_lines_values(line_values, pos_order_line)
        if pos_order_line._chain_special_account():
            values["account_id"] = line_values["account_id"].id
        return values

    def _chain_invoice_settling_methods(self):
        """The stored-value method's share of an invoice is settled by the order itself."""
        return (
            super()._chain_invoice_settling_methods()
            | self.payment_ids.payment_method_id.filtered("chain_wallet")
        )

    def _chain_wallet_process(self):
        for order in self:
            if order._chain_wallet_relevant() and not order._chain_wallet_done():
                order._chain_wallet_apply()

    def _chain_wallet_relevant(self):
        self.ensure_one()
        return any(self.payment_ids.payment_method_id.mapped("chain_wallet")) or any(
            line.chain_count_card_package_id
            or line.chain_timed_session_id
            or line.product_id.chain_wallet_topup
            or line.product_id.chain_count_card
            for line in self.lines
        )

    def _chain_wallet_done(self):
        """Whether this order's stored-value/count-card effects are already saved (they are all
        saved in one transaction, so one line is proof of all)."""
        self.env.cr.execute(
            """SELECT 1 FROM chain_wallet_transaction WHERE pos_order_id = %(id)s
               UNION ALL SELECT 1 FROM chain_count_card_move WHERE pos_order_id = %(id)s LIMIT 1""",
            {"id": self.id},
        )
        return bool(self.env.cr.fetchone())

    def _chain_wallet_apply(self):
        self.ensure_one()
        store = self.config_id.chain_store_id
        partner = self.partner_id
        if not store:
            raise UserError(
                _(
                    "This point of sale belongs to no chain store: stored value and count "
                    "cards cannot be used here."
                )
            )
        if not partner:
            raise UserError(
                _("Select the member first: stored value and count cards belong to a member.")
            )
        if self.currency_id != self.company_id.currency_id:
            raise UserError(
                _("Stored value and count cards are kept in the company's currency only.")
            )
        self._chain_check_order_sync(partner, store)
        self._chain_check_presented_card(partner)
        key = f"pos:{self.uuid or self.id}"
        self._chain_apply_topups(partner, store, key)
        self._chain_apply_count_cards(partner, store, key)
        self._chain_apply_wallet_payments(partner, store, key)
        self._chain_bill_timed_services()

    # ------------------------------------------------------------------------------------------
    # The sync is the authority: what the till sent is checked before anything is applied
    # ------------------------------------------------------------------------------------------
    def _chain_check_order_sync(self, partner, store):
        """Refuse (UserError, the whole sync rolls back) an order touching stored value or
        count cards unless the server's own figures agree with it: the caller works in the
        store, the totals are what the lines give, the order is fully paid with the till's own
        methods, prepaid lines are undiscounted and paid with money, refunds follow a real
        origin."""
        self._chain_check_caller_rights(partner, store)
        self._chain_check_payment_methods()
        self._chain_check_totals()
        self._chain_check_prepaid_lines()
        self._chain_check_refunds(partner)

    def _chain_check_caller_rights(self, partner, store):
        payments = self._chain_wallet_payments()
        operations = set()
        if any(p.amount > 0 for p in payments):
            operations.add("pay")
        if any(p.amount < 0 for p in payments):
            operations.add("refund")
        for line in self.lines:
            if line.product_id.chain_wallet_topup:
                operations.add("topup")
            elif (
                line.product_id.chain_count_card
                or line.chain_count_card_package_id
                or line.chain_timed_session_id
            ):
                operations.add("count_card")
        for operation in sorted(operations):
            partner._chain_wallet_check_right(operation, store)

    def _chain_check_payment_methods(self):
        methods = self.payment_ids.payment_method_id
        allowed = self.config_id.payment_method_ids
        if methods - allowed or methods.filtered(
            lambda m: m.company_id and m.company_id != self.company_id
        ):
            raise UserError(
                _(
                    "The order %(order)s is paid with a payment method this point of sale "
                    "does not accept.",
                    order=self.pos_reference or self.name,
                )
            )
        for payment in self._chain_wallet_payments():
            check_amount(self.env, payment.amount, self.env._("The stored-value payment"))

    def _chain_check_prepaid_lines(self):
        """Top-ups and count-card sales: no discount, a count card at its list price at least,
        and paid with money (never from the stored value or with points)."""
        prepaid = self.lines.filtered(
            lambda line: line.product_id.chain_wallet_topup or line.product_id.chain_count_card
        )
        if not prepaid:
            return
        # (a refunded prepaid line itself gets its own refusal when it is applied)
        others = self.lines - prepaid
        if others.filtered(lambda line: line.qty < 0 or line.refunded_orderline_id) or (
            others.filtered(lambda line: line.price_subtotal_incl < 0)
            and self.currency_id.compare_amounts(sum(others.mapped("price_subtotal_incl")), 0) < 0
        ):
            # a refund line, or discount and reward lines worth more than the goods they
            # discount, would pay part of the prepaid value
            raise UserError(
                _(
                    "A top-up or a count card is sold on an order of its own lines and sales: "
                    "no refund, discount or reward line may pay part of it."
                )
            )
        for line in prepaid:
            product = line.product_id
            if line.discount > 0 or (
                product.chain_count_card
                and self.currency_id.compare_amounts(line.price_unit, product.lst_price) < 0
            ):
                raise UserError(
                    _(
                        "%(product)s is prepaid value: it is sold at its full price, without "
                        "discount.",
                        product=product.display_name,
                    )
                )
        methods = self.payment_ids.filtered(lambda p: p.amount > 0).payment_method_id
        points = methods._fields.get("chain_points") and methods.filtered("chain_points")
        if methods.filtered("chain_wallet") or points:
            raise UserError(
                _(
                    "A top-up or a count card is paid with money: not from the stored value and "
                    "not with points."
                )
            )

    def _chain_check_refunds(self, partner):
        """Negative lines of an order that touches stored value or count cards, and negative
        stored-value payments, follow a real line of an earlier order of the same member and
        company, for no more than is still refundable on it."""
        payments = self._chain_wallet_payments()
        touches_wallet = bool(payments)
        currency = self.currency_id
        for line in self.lines.filtered(lambda line: line.qty < 0):
            if not (
                touches_wallet
                or line.chain_count_card_package_id
                or self.lines.filtered("chain_timed_session_id")
            ):
                continue
            origin = line.refunded_orderline_id.sudo()
            if (
                not origin
                or origin.order_id == self
                or origin.order_id.partner_id != partner
                or origin.order_id.company_id != self.company_id
                or origin.product_id != line.product_id
                or origin.chain_count_card_package_id != line.chain_count_card_package_id
            ):
                raise UserError(
                    _(
                        "%(product)s is refunded without its original sale to %(member)s in "
                        "this company: the refund was not saved.",
                        product=line.product_id.display_name,
                        member=partner.display_name,
                    )
                )
            origin.invalidate_recordset(["refund_orderline_ids", "refunded_qty"])
            if origin.refunded_qty > origin.qty + 1e-6:
                raise UserError(
                    _(
                        "%(product)s: only %(qty)s is left to refund on the original order.",
                        product=line.product_id.display_name,
                        qty=origin.qty - origin.refunded_qty - line.qty,
                    )
                )
            unit = origin.price_subtotal_incl / origin.qty if origin.qty else 0.0
            if currency.compare_amounts(abs(line.price_subtotal_incl), unit * -line.qty) > 0:
                raise UserError(
                    _(
                        "%(product)s is refunded for more than it was sold for.",
                        product=line.product_id.display_name,
                    )
                )
        refunded = -sum(payments.filtered(lambda p: p.amount < 0).mapped("amount"))
        if refunded > 0:
            check_amount(self.env, refunded, self.env._("The stored-value refund"))
            self._chain_check_wallet_refund_share(partner, refunded)

    def _chain_check_wallet_refund_share(self, partner, refunded):
        """What goes back to the balance: at most the share of the refunded value that the
        original order took from the balance, less what earlier refunds already returned."""
        currency = self.currency_id
        origin = self._chain_refunded_wallet_payments()
        origin_orders = self.lines.refunded_orderline_id.order_id.sudo()
        if not origin or origin.partner_id != partner or len(origin_orders) != 1:
            raise UserError(
                _(
                    "A refund to the stored value needs the original order, paid from the "
                    "balance of %(member)s.",
                    member=partner.display_name,
                )
            )
        paid_from_balance = -sum(origin.mapped("amount"))
        original_total = origin_orders.amount_total
        share = paid_from_balance / original_total if original_total > 0 else 0.0
        refund_value = -sum(
            self.lines.filtered("refunded_orderline_id").mapped("price_subtotal_incl")
        )
        earlier = (
            self.env["chain.wallet.transaction"]
            .sudo()
            .search([("origin_id", "in", origin.ids), ("kind", "=", "refund")])
        )
        already = sum(earlier.mapped("principal")) + sum(earlier.mapped("bonus"))
        allowed = min(share * refund_value, paid_from_balance - already)
        if currency.compare_amounts(refunded, allowed) > 0:
            raise UserError(
                _(
                    "At most %(allowed)s of this refund can go back to the stored value (the "
                    "share the original order took from the balance); the rest is paid back "
                    "with the original methods.",
                    allowed=currency.format(max(allowed, 0.0)),
                )
            )

    def _chain_bill_timed_services(self):
        for line in self.lines.filtered("chain_timed_session_id"):
            session = line.chain_timed_session_id.sudo()
            if (
                not session.exists()
                or session.partner_id != self.partner_id
                or session.product_id != line.product_id
                or session.store_id != self.config_id.chain_store_id
            ):
                raise UserError(
                    _("The timed service on this order belongs to another member or service.")
                )
            if line.qty != session.units:
                raise UserError(
                    _(
                        "The timed service was stopped at %(units)s units; the order charges "
                        "%(qty)s.",
                        units=session.units,
                        qty=line.qty,
                    )
                )
        self.lines.chain_timed_session_id._mark_billed()

    def _chain_apply_topups(self, partner, store, key):
        lines = self.lines.filtered(lambda line: line.product_id.chain_wallet_topup)
        if not lines:
            return
        if any(line.qty < 0 or line.price_subtotal_incl < 0 for line in lines):
            raise UserError(
                _(
                    "A top-up cannot be refunded at the till: a store manager withdraws it "
                    "in the backend."
                )
            )
        amount = check_amount(
            self.env, sum(lines.mapped("price_subtotal_incl")), self.env._("The top-up")
        )
        if amount > 0:
            partner._chain_wallet_account(store)._topup(
                amount, store=store, key=f"{key}:topup", pos_order=self
            )

    def _chain_apply_count_cards(self, partner, store, key):
        for line in self.lines:
            product = line.product_id
            if product.chain_count_card:
                self._chain_sell_count_card(
                    line, partner, store, f"{key}:card:{line.uuid or line.id}"
                )
            elif line.chain_count_card_package_id:
                self._chain_use_count_card(line, store, f"{key}:use:{line.uuid or line.id}")

    def _chain_sell_count_card(self, line, partner, store, key):
        if line.qty <= 0:
            raise UserError(
                _(
                    "A count card is refunded in the backend (unused uses, pro rata), not "
                    "at the till."
                )
            )
        product = line.product_id
        active = partner._chain_count_card_active(product)
        if active:
            uses = product.chain_count_card_uses * int(line.qty)
            active[0]._chain_count_card_renew(
                uses, line.price_subtotal_incl, store=store, key=key, pos_order_line=line
            )
        else:
            partner.env["chain.count.card.package"]._sell(
                partner,
                product,
                store=store,
                qty=line.qty,
                price=line.price_subtotal_incl,
                key=key,
                pos_order_line=line,
            )

    def _chain_use_count_card(self, line, store, key):
        package = line.chain_count_card_package_id.sudo()
        if not package.exists() or package.partner_id != self.partner_id:
            raise UserError(_("%(card)s belongs to another member.", card=package.name))
        if not line.currency_id.is_zero(line.price_subtotal_incl):
            raise UserError(_("A count-card use is a zero-priced line."))
        if line.qty != int(line.qty):
            raise UserError(_("A count card is used a whole number of times."))
        if line.qty > 0:
            package._chain_count_card_use(
                store=store,
                uses=int(line.qty),
                service=line.product_id,
                key=key,
                pos_order_line=line,
            )
        elif line.qty < 0:
            origin = (
                self.env["chain.count.card.move"]
                .sudo()
                .search(
                    [
                        ("pos_order_line_id", "=", line.refunded_orderline_id.id),
                        ("kind", "=", "use"),
                    ],
                    limit=1,
                )
            )
            if not origin or origin.package_id != package:
                raise UserError(_("The use given back was not found on the refunded order."))
            package._chain_count_card_return_use(origin, store=store, key=key, pos_order_line=line)

    def _chain_apply_wallet_payments(self, partner, store, key):
        self._chain_check_pin_token(partner)
        account = None
        for payment in self._chain_wallet_payments():
            payment_key = f"{key}:pay:{payment.uuid or payment.id}"
            account = account or partner._chain_wallet_account(store)
            if payment.amount > 0:
                account._pay(
                    payment.amount,
                    store=store,
                    key=payment_key,
                    pos_order=self,
                    pos_payment=payment,
                    card_number=self._chain_card_number(),
                )
            elif payment.amount < 0:
                origin = self._chain_refunded_wallet_payments()
                account._refund(
                    -payment.amount,
                    store=store,
                    key=payment_key,
                    origin=origin,
                    pos_order=self,
                    pos_payment=payment,
                )

    def _chain_refunded_wallet_payments(self):
        refunded = self.lines.refunded_orderline_id.order_id
        if not refunded:
            return self.env["chain.wallet.transaction"]
        return (
            self.env["chain.wallet.transaction"]
            .sudo()
            .search([("pos_order_id", "in", refunded.ids), ("kind", "=", "payment")])
        )

    def _chain_check_pin_token(self, partner):
        """One PIN (or SMS code) token covers the order's payments from the balance together:
        their sum may not exceed the largest valid token they carry (bound to member, order
        uuid and amount). Required when the chain asks for PINs, and always while the member
        has a card reported lost."""
        payments = self._chain_wallet_payments().filtered(lambda p: p.amount > 0)
        if not payments or not self._chain_wallet_token_required(partner):
            return
        total = sum(payments.mapped("amount"))
        covered = [
            int(token.split(":")[1])
            for token in set(payments.mapped("transaction_id"))
            if token
            and partner._chain_wallet_check_token(token, self.uuid, 0.0)
            and token.count(":") == 2
        ]
        if not covered or round(total * 100) > max(covered):
            raise UserError(
                _(
                    "The payment from the stored value of %(member)s was not confirmed with "
                    "the member's PIN.",
                    member=partner.display_name,
                )
            )

    def _chain_wallet_token_required(self, partner):
        """A PIN/SMS token is needed when the chain requires PINs or the member has a card in
        state lost (a lost card protects the balance): res.partner's rule."""
        return partner._chain_wallet_pin_required()

    def _chain_check_presented_card(self, partner):
        """Refuse the order's stored-value payments and count-card uses when the member was
        identified by a card that is not usable now (blocked after the till saw it, e.g. an
        order queued offline): a UserError with the card's own refusal message, before
        anything is written. Top-ups and count-card sales credit the member and are not
        refused; refunds give money back and are not refused either."""
        number = self._chain_card_number()
        if not number:
            return
        card = partner.sudo()._chain_find_card(number)
        if not card or card.partner_id != partner:
            raise UserError(
                _("Card %(number)s is not a card of %(name)s.", number=number, name=partner.name)
            )
        spends = any(payment.amount > 0 for payment in self._chain_wallet_payments()) or any(
            line.chain_count_card_package_id and line.qty > 0 for line in self.lines
        )
        if spends:
            partner._chain_check_card_usable(number)

    def _chain_wallet_payments(self):
        return self.payment_ids.filtered(lambda p: p.payment_method_id.chain_wallet)
