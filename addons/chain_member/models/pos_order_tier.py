from odoo import models


class PosOrder(models.Model):
    """Tier upgrades driven by what a member buys at the till: an upgrade product moves the
    member to its tier; any paid order re-evaluates the spend thresholds at once."""

    _inherit = "pos.order"

    def action_pos_order_paid(self):
        result = super().action_pos_order_paid()
        members_orders = self.filtered(lambda o: o.partner_id.is_member)
        members_orders._chain_record_member_spend()
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
        """Keep the member's last purchase and lifetime spend (one SQL update per order, no
        chatter, no lock beyond the member row)."""
        for order in self:
            self.env.cr.execute(
                """
                UPDATE res_partner
                   SET member_total_spend = COALESCE(member_total_spend, 0) + %s,
                       member_last_purchase_date = GREATEST(member_last_purchase_date, %s)
                 WHERE id = %s
                """,
                [order.amount_total, order.date_order, order.partner_id.id],
            )
        self.partner_id.invalidate_recordset(["member_total_spend", "member_last_purchase_date"])

    def _chain_bought_tier(self):
        """The highest tier whose upgrade product is on this order."""
        products = self.lines.filtered(lambda line: line.qty > 0).product_id
        if not products:
            return self.env["chain.member.tier"]
        tiers = self.env["chain.member.tier"].search([("upgrade_product_id", "in", products.ids)])
        return tiers.sorted("sequence")[-1:]
