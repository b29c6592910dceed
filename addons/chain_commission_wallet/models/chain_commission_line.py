from odoo import api, fields, models

WALLET_FIELDS = ("wallet_transaction_id", "count_card_move_id")


class ChainCommissionLine(models.Model):
    """Commission lines of the backend's stored-value and count-card operations: what they
    link to, and the posting of a backend operation with its shares."""

    _inherit = "chain.commission.line"

    wallet_transaction_id = fields.Many2one(
        "chain.wallet.transaction",
        string="Stored-Value Line",
        readonly=True,
        index="btree_not_null",
        ondelete="restrict",
    )
    count_card_move_id = fields.Many2one(
        "chain.count.card.move",
        string="Count-Card Line",
        readonly=True,
        index="btree_not_null",
        ondelete="restrict",
    )

    @api.model
    def _chain_insert_fields(self):
        return (*super()._chain_insert_fields(), *WALLET_FIELDS)

    @api.model
    def _chain_post_operation(self, source, shares, store, event_type, product, qty, base):
        """Credit the backend operation ``source`` (its link fields, ``key`` and ``date``) to
        ``shares`` [(employee, share)] under the plan of ``store``'s company in force on its
        day. ``base(rule)``: the operation's whole base under a rule. Returns the lines."""
        day = self._chain_local_date(source["date"])
        plan = self.env["chain.commission.plan"]._chain_in_force(store.company_id, day)
        if not plan or not shares:
            return self.browse()
        context = {"store": store, "plan": plan, "totals": {}, "periods": {}}
        vals_list = self._chain_earned_vals(
            shares,
            context,
            source,
            event_type=event_type,
            product=product,
            day=day,
            qty=qty,
            base=base,
        )
        return self.sudo()._insert(vals_list)

    @api.model
    def _chain_give_back(self, origins, source):
        """Claw back ``origins`` [(sale line, ratio of what it earned)] for the operation
        ``source``, each at most what is still left of it. Returns the lines."""
        origins = [(origin, ratio) for origin, ratio in origins if ratio > 0]
        if not origins:
            return self.browse()
        left = self._chain_left_to_give_back(self.browse([origin.id for origin, _r in origins]))
        capped = [
            (origin, min(ratio, left[origin.id])) for origin, ratio in origins if left[origin.id]
        ]
        context = {"periods": {}}
        vals_list = self._chain_given_back_vals(
            [pair for pair in capped if pair[1] > 0],
            context,
            source,
            self._chain_local_date(source["date"]),
            per_origin=True,
        )
        return self.sudo()._insert(vals_list)
