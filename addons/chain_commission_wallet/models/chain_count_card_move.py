from odoo import fields, models


class ChainCountCardMove(models.Model):
    """A backend count-card sale, renewal or use earns its staff commission; a refund of the
    unused uses claws back the commission of the card's sales and renewals, pro rata."""

    _inherit = "chain.count.card.move"

    chain_staff_share_ids = fields.One2many(
        "chain.wallet.staff.share", "count_card_move_id", string="Staff Shares", readonly=True
    )
    chain_commission_line_ids = fields.One2many(
        "chain.commission.line",
        "count_card_move_id",
        string="Commission Lines",
        readonly=True,
        groups="chain_member.group_chain_store_manager",
    )

    def _chain_commission_source(self, product=None):
        self.ensure_one()
        return {
            "key": f"count.card.move:{self.id}",
            "date": self.date,
            "count_card_move_id": self.id,
            "product_id": (product or self.package_id.product_id).id,
        }

    def _chain_commission_post(self, shares):
        """Record ``shares`` [(employee, share)] (checked by the caller) of this backend
        operation and credit their commission:

        - a sale or renewal: event *count-card sale or renewal*, the card's product, the number
          of cards (uses / the product's uses) as the quantity, the price paid as the base
          received and the product's list price × cards as the list price;
        - a use: event *count-card use*, the service, the uses as the quantity, the service's
          list price × uses as the list price and nothing received (the money was counted at
          the card's sale), as for a use at the till.

        Posting twice (a replayed wizard) does nothing."""
        self.ensure_one()
        move = self.sudo()
        Commission = self.env["chain.commission.line"]
        if (
            move.pos_order_id
            or move.chain_staff_share_ids
            or move.kind
            not in (
                "sale",
                "renewal",
                "use",
            )
        ):
            return Commission
        self.env["chain.wallet.staff.share"].sudo().create(
            [
                {
                    "count_card_move_id": move.id,
                    "store_id": move.store_id.id,
                    "company_id": move.company_id.id,
                    "partner_id": move.partner_id.id,
                    "employee_id": employee.id,
                    "share": share,
                }
                for employee, share in shares
            ]
        )
        if move.kind == "use":
            service = move.service_id
            uses = -move.uses
            return Commission._chain_post_operation(
                move._chain_commission_source(service),
                shares,
                move.store_id,
                "count_card_use",
                service,
                float(uses),
                lambda rule: service.lst_price * uses if rule.base_type == "list_price" else 0.0,
            )
        product = move.package_id.product_id
        per_card = product.chain_count_card_uses or move.uses or 1
        cards = move.uses / per_card
        return Commission._chain_post_operation(
            move._chain_commission_source(),
            shares,
            move.store_id,
            "count_card_sale",
            product,
            cards,
            lambda rule: product.lst_price * cards
            if rule.base_type == "list_price"
            else move.amount,
        )

    def _chain_commission_claw_back(self):
        """A refund of the unused uses gives back the part of the card's value it pays out
        (the value refunded over the value bought, sales and renewals, at the till or in the
        backend) of the commission each sale and renewal earned, from the same employees with
        the same shares, in the refund's period; what was already clawed back is not again."""
        self.ensure_one()
        move = self.sudo()
        Commission = self.env["chain.commission.line"].sudo()
        package = move.package_id
        if move.kind != "refund":
            return Commission
        bought = package.move_ids.filtered(lambda m: m.kind in ("sale", "renewal"))
        value_bought = sum(bought.mapped("amount"))
        if value_bought > 0:
            ratio = abs(move.amount) / value_bought
        else:
            uses_bought = sum(bought.mapped("uses"))
            ratio = abs(move.uses) / uses_bought if uses_bought else 0.0
        pos_lines = bought.mapped("pos_order_line_id")
        domain = [("kind", "=", "sale"), ("count_card_move_id", "in", bought.ids)]
        if pos_lines:
            domain = [
                ("kind", "=", "sale"),
                "|",
                ("count_card_move_id", "in", bought.ids),
                ("pos_order_line_id", "in", pos_lines.ids),
            ]
        sales = Commission.search(domain, order="id")
        return Commission._chain_give_back(
            [(sale, min(1.0, ratio)) for sale in sales], move._chain_commission_source()
        )
