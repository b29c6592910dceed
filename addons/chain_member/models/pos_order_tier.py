from odoo import api, fields, models


class PosOrder(models.Model):
    """Tier upgrades driven by what a member buys at the till: an upgrade product moves the
    member to its tier; any paid order re-evaluates the spend thresholds at once."""

    _inherit = "pos.order"

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

    @api.depends("amount_total", "lines.price_subtotal_incl", "lines.product_id")
    def _compute_chain_member_spend(self):
        for order in self:
            topups = order.lines.filtered(lambda line: line.product_id.chain_wallet_topup)
            order.chain_member_spend = order.currency_id.round(
                order.amount_total - sum(topups.mapped("price_subtotal_incl"))
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
