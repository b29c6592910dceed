import logging

from psycopg2 import errors

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

UUID_INDEX = "pos_order_uuid_unique"
# What a till sends on an order that the server takes (the other chain_* fields are the
# server's results: see _chain_drop_server_fields).
TILL_ORDER_FIELDS = frozenset({"chain_card_number"})


class DuplicateOrderSync(errors.SerializationFailure):
    """Two requests synced the same order at once: the loser is retried (Odoo retries
    serialization failures) and then finds the order already saved."""

    pgcode = "40001"


class PosOrder(models.Model):
    """The member on a POS order: the order sync's safeguards (one save per uuid, the ids and
    the server's own fields of a payload never trusted), the member's spend and tier upgrades
    bought at the till, the re-totalling every member order goes through, and the invoice of
    an order paid with a method that takes the customer's value (stored value, points: the
    addons that add them extend ``_chain_invoice_settling_methods``)."""

    _inherit = "pos.order"

    chain_card_number = fields.Char(
        string="Member Card",
        readonly=True,
        copy=False,
        help="The card the member presented at the till (empty when the member was found by "
        "mobile or name). The order sync refuses stored value and count-card uses when that "
        "card is no longer usable (reported lost, replaced, expired, cancelled).",
    )

    chain_member_spend = fields.Monetary(
        string="Member Spend",
        compute="_compute_chain_member_spend",
        store=True,
        currency_field="currency_id",
        help="What this order adds to the member's spend (lifetime spend, tier thresholds): "
        "the order total without stored-value top-ups. Money loaded into the balance is "
        "counted when it is spent from the balance; a count card counts when it is bought, "
        "its uses are free.",
    )

    chain_member_spend_recorded = fields.Boolean(
        string="Spend Counted",
        readonly=True,
        copy=False,
        help="The order's spend was added to the member's lifetime spend (once).",
    )

    def init(self):
        """A unique index on the order uuid (stock Odoo has none): an order synced twice at
        the same moment is saved once. Duplicates already in the table are left alone (the
        index then covers the orders after them) and reported in the log."""
        cr = self.env.cr
        cr.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", (UUID_INDEX,))
        if cr.fetchone():
            return
        cr.execute(
            "SELECT max(id), count(*) FROM pos_order WHERE uuid IN "
            "(SELECT uuid FROM pos_order WHERE uuid IS NOT NULL GROUP BY uuid HAVING count(*) > 1)"
        )
        last_duplicate, count = cr.fetchone()
        if last_duplicate:
            _logger.warning(
                "%s POS orders share a uuid; the uniqueness of order uuids is enforced after order "
                "id %s only. Clean them up and drop index %s to enforce it everywhere.",
                count,
                last_duplicate,
                UUID_INDEX,
            )
            cr.execute(
                SQL(
                    "CREATE UNIQUE INDEX %s ON pos_order (uuid) WHERE uuid IS NOT NULL AND id > %s",
                    SQL.identifier(UUID_INDEX),
                    last_duplicate,
                )
            )
        else:
            cr.execute(
                SQL(
                    "CREATE UNIQUE INDEX %s ON pos_order (uuid) WHERE uuid IS NOT NULL",
                    SQL.identifier(UUID_INDEX),
                )
            )

    @api.model
    def sync_from_ui(self, orders):
        """Save the orders the tills send. The members of these orders get their turn first
        (``res.partner._chain_wait_balance_turn``): two tills changing one member's balances
        at the same moment are served one after the other instead of failing and retrying."""
        self._chain_order_members(orders)._chain_wait_balance_turn()
        self._chain_pin_existing_ids(orders)
        self._chain_drop_server_fields(orders)
        try:
            return super().sync_from_ui(orders)
        except errors.UniqueViolation as error:
            if error.diag.constraint_name == UUID_INDEX:
                raise DuplicateOrderSync(str(error)) from error
            raise

    @api.model
    def _chain_pin_existing_ids(self, orders):
        """Stock updates a draft order found by its uuid but writes to the record of the
        payload's ``id``: a forged ``id`` would rewrite another order. The id is the one of the
        order found by its uuid (or none)."""
        for order in orders:
            if not isinstance(order, dict) or not order.get("uuid"):
                continue
            existing = self.search([("uuid", "=", order["uuid"])], limit=1)
            if existing:
                order["id"] = existing.id
            else:
                order.pop("id", None)

    @api.model
    def _chain_drop_server_fields(self, orders):
        """The till sends back every field it loaded, the server's own results included
        (points earned and spent, "points processed", the member spend, the balance after):
        those the server writes are never taken from a payload (a forged "processed" would
        skip the points debit, a forged spend would buy a tier). Only the card the member
        presented (``chain_card_number``) comes from the till."""
        for order in orders:
            if not isinstance(order, dict):
                continue
            for name in [key for key in order if key.startswith("chain_")]:
                if name not in TILL_ORDER_FIELDS:
                    order.pop(name)

    @api.model
    def _chain_order_members(self, orders):
        """The customers of the orders a till sends (their balances may change)."""
        return self.env["res.partner"].browse(
            {order["partner_id"] for order in orders if order.get("partner_id")}
        )

    @api.depends("amount_total", "lines.price_subtotal_incl", "lines.product_id")
    def _compute_chain_member_spend(self):
        for order in self:
            not_spend = order.lines.filtered(lambda line: line._chain_not_member_spend())
            order.chain_member_spend = order.currency_id.round(
                order.amount_total - sum(not_spend.mapped("price_subtotal_incl"))
            )

    def action_pos_order_paid(self):
        result = super().action_pos_order_paid()
        # a till of no chain store keeps stock Odoo's behaviour: no member spend, no tiers
        members_orders = self.filtered(
            lambda o: o.config_id.chain_store_id and o.partner_id.is_member
        )
        # the method is public: called again on a paid order, its spend counts once
        members_orders = members_orders._chain_record_member_spend()
        for order in members_orders.filtered(lambda o: o.amount_total > 0):
            store = order.config_id.chain_store_id
            bought = order._chain_bought_tier()
            member = order.partner_id
            if bought and (
                not member.member_tier_id or bought.sequence > member.member_tier_id.sequence
            ):
                member._chain_set_tier(bought, "purchase", store=store, pos_order=order)
            member._chain_evaluate_tier(store=store, pos_order=order)
        return result

    def _prepare_aml_values_list_per_nature(self):
        """Invoicing an order after its session closed reverses the order's part of the closing
        entry. The share paid with a settling method (``_chain_invoice_settling_methods``) is not
        reversed on the method's account (stored value was spent, points were redeemed: the
        closing entry booked that once and for all): it credits the customer's receivable
        instead, which settles that share of the invoice (see ``_create_misc_reversal_move``).
        The amounts are positive here; stock Odoo negates them all for the reversal."""
        values = super()._prepare_aml_values_list_per_nature()
        for method in self._chain_invoice_settling_methods():
            self._chain_invoice_settle_terms(values["payment_terms"], method)
        return values

    def _create_misc_reversal_move(self, payment_moves):
        result = super()._create_misc_reversal_move(payment_moves)
        if self._chain_invoice_settling_methods():
            self._chain_invoice_reconcile_reversal()
        return result

    # ------------------------------------------------------------------------------------------
    def _chain_invoice_settling_methods(self):
        """The payment methods of this order whose share an invoice must settle by itself:
        methods without a journal that take the customer's value (stock Odoo would leave
        their share open on the invoice). Their payment moves (session open) credit the
        customer's receivable; after the session closed, the reversal of the closing entry
        does. None here: chain_wallet adds the stored-value method, chain_loyalty points."""
        return self.env["pos.payment.method"]

    def _chain_invoice_settle_terms(self, terms, method):
        """Move ``method``'s share of the reversal's payment terms (``terms``: values of
        ``_prepare_aml_values_list_per_nature``) from the method's account to a line on the
        customer's receivable."""
        payments = self.payment_ids.filtered(lambda p: p.payment_method_id == method)
        amount = sum(payments.mapped("amount"))
        if self.currency_id.is_zero(amount):
            return
        balance = self.session_id._amount_converter(amount, self.date_order, False)
        account = (
            method.receivable_account_id
            or self.company_id.account_default_pos_receivable_account_id
        )
        found = [
            vals
            for vals in terms
            if vals["account_id"] == account.id and not vals.get("partner_id")
        ]
        if found:
            # stock Odoo merges the payments booked on one account: take this method's part
            merged = found[0]
            merged["amount_currency"] -= amount
            merged["balance"] -= balance
            company_currency = self.company_id.currency_id
            if self.currency_id.is_zero(merged["amount_currency"]) and company_currency.is_zero(
                merged["balance"]
            ):
                terms.remove(merged)
        partner = self.partner_id.commercial_partner_id
        receivable = partner.with_company(self.company_id).property_account_receivable_id
        terms.append(
            {
                "partner_id": partner.id,
                "name": _("%(order)s paid with %(method)s", order=self.name, method=method.name),
                "account_id": receivable.id,
                "currency_id": self.currency_id.id,
                "amount_currency": amount,
                "balance": balance,
            }
        )

    def _chain_invoice_reconcile_reversal(self):
        """Reconcile the invoice's open receivable with the settled shares of the closing
        entry's reversal (see ``_prepare_aml_values_list_per_nature``)."""
        self.ensure_one()
        partner = self.partner_id.commercial_partner_id
        receivable = partner.with_company(self.company_id).property_account_receivable_id
        if not receivable.reconcile:
            return
        reversals = (
            self.env["account.move"].sudo().search([("reversed_pos_order_id", "=", self.id)])
        )
        lines = (self.account_move.sudo() | reversals).line_ids.filtered(
            lambda line: line.account_id == receivable
            and line.partner_id.commercial_partner_id == partner
            and not line.reconciled
        )
        if lines.filtered(lambda line: line.move_id in reversals):
            lines.with_company(self.company_id).reconcile()

    def _chain_check_totals(self):
        """Recompute every line (price, quantity, discount, taxes) and the order total; the
        payments must add up to it."""
        currency = self.currency_id
        for line in self.lines:
            amounts = line._compute_amount_line_all()
            if currency.compare_amounts(
                amounts["price_subtotal_incl"], line.price_subtotal_incl
            ) or currency.compare_amounts(amounts["price_subtotal"], line.price_subtotal):
                raise UserError(
                    _(
                        "The total of the line %(product)s does not match its price, quantity, "
                        "discount and taxes: the order was not saved.",
                        product=line.full_product_name or line.product_id.display_name,
                    )
                )
        total = sum(self.lines.mapped("price_subtotal_incl"))
        # stock rounds taxes per order or per line: allow that rounding, nothing more
        tolerance = currency.rounding * max(len(self.lines), 1)
        if abs(total - self.amount_total) > tolerance + 1e-9:
            raise UserError(
                _(
                    "The order total %(sent)s does not match its lines (%(total)s): the order "
                    "was not saved.",
                    sent=currency.format(self.amount_total),
                    total=currency.format(total),
                )
            )
        paid = sum(self.payment_ids.mapped("amount"))
        expected = self._get_rounded_amount(self.amount_total)
        if currency.compare_amounts(paid, expected):
            raise UserError(
                _(
                    "The order is not fully paid (%(paid)s paid for %(total)s): stored value and "
                    "count cards are applied only to paid orders.",
                    paid=currency.format(paid),
                    total=currency.format(expected),
                )
            )

    def _chain_record_member_spend(self):
        """Keep the member's last purchase and lifetime spend, once per order (one SQL
        statement per order that marks the order and updates the member together, no chatter,
        no lock beyond the two rows); return the orders recorded now. The spend is
        ``chain_member_spend``: a top-up is not spend (paying from the balance is)."""
        self.flush_recordset(["chain_member_spend"])
        recorded = self.browse()
        for order in self:
            self.env.cr.execute(
                """
                WITH marked AS (
                    UPDATE pos_order SET chain_member_spend_recorded = TRUE
                     WHERE id = %s AND chain_member_spend_recorded IS NOT TRUE
                 RETURNING id
                )
                UPDATE res_partner
                   SET member_total_spend = COALESCE(member_total_spend, 0) + %s,
                       member_last_purchase_date = GREATEST(member_last_purchase_date, %s)
                 WHERE id = %s AND EXISTS (SELECT 1 FROM marked)
                """,
                [order.id, order.chain_member_spend, order.date_order, order.partner_id.id],
            )
            if self.env.cr.rowcount:
                recorded |= order
        self.invalidate_recordset(["chain_member_spend_recorded"])
        self.partner_id.invalidate_recordset(["member_total_spend", "member_last_purchase_date"])
        return recorded

    def _chain_bought_tier(self):
        """The highest tier whose upgrade product is on this order."""
        products = self.lines.filtered(lambda line: line.qty > 0).product_id
        if not products:
            return self.env["chain.member.tier"]
        tiers = self.env["chain.member.tier"].search([("upgrade_product_id", "in", products.ids)])
        return tiers.sorted("sequence")[-1:]

    def _chain_card_number(self):
        """The card the member presented at the till, when the order records it."""
        return self.chain_card_number or False
