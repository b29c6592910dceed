from collections import defaultdict

from odoo import _, api, models


class PosSession(models.Model):
    """Closing a session books what its orders did to stored value and count cards.

    Payments from the balance reduce the liability through the stored-value payment method
    (its intermediary account is the liability, see pos.payment.method); top-ups and count-card
    sales are credited to the liability / deferred revenue by their order lines. What the
    session's sale lines cannot carry is added here, in the same closing entry: the bonus of
    the session's top-ups (promotion expense against the liability) and the value of the
    count-card uses (deferred revenue to the services' income).
    """

    _inherit = "pos.session"

    @api.model
    def _load_pos_data_models(self, config_id):
        models_ = super()._load_pos_data_models(config_id)
        if not self.env["pos.config"].browse(config_id).chain_store_id:
            return models_  # a till of no chain store: stock Odoo's data only
        return models_ + ["chain.count.card.package", "chain.timed.session"]

    @api.model
    def _load_pos_data_relations(self, model, response):
        """Stock Odoo announces every field of a model to the till, also those its user may not
        read (``groups``); the till then asks for them and the server refuses the whole read
        (a plain POS user's order never reaches the receipt screen). Announce only the fields
        the user can read."""
        result = super()._load_pos_data_relations(model, response)
        relations = response[model].get("relations") or {}
        Model = self.env[model]
        for name in list(relations):
            field = Model._fields.get(name)
            if field and not field.is_accessible(self.env):
                del relations[name]
        return result

    def _create_account_move(
        self, balancing_account=False, amount_to_balance=0, bank_payment_method_diffs=None
    ):
        data = super()._create_account_move(
            balancing_account, amount_to_balance, bank_payment_method_diffs
        )
        self._chain_create_closing_lines(data)
        return data

    def _get_combine_receivable_vals(self, payment_method, amount, amount_converted):
        vals = super()._get_combine_receivable_vals(payment_method, amount, amount_converted)
        if payment_method.chain_wallet:
            # a liability, not a receivable: an ordinary line, not a payment term
            vals.pop("display_type", None)
            vals["name"] = _("%(session)s - payments from stored value", session=self.name)
        return vals

    def _chain_create_closing_lines(self, data):
        MoveLine = data.get("MoveLine")
        vals = self._chain_bonus_closing_vals() + self._chain_count_card_closing_vals()
        if vals:
            MoveLine.create(vals)

    def _chain_bonus_closing_vals(self):
        self.env.cr.execute(
            """SELECT coalesce(sum(bonus), 0) FROM chain_wallet_transaction
                WHERE pos_session_id = %s AND kind = 'topup'""",
            (self.id,),
        )
        bonus = self.env.cr.fetchone()[0]
        if self.currency_id.is_zero(bonus):
            return []
        accounts = self.company_id._chain_wallet_accounts()
        label = _("%(session)s - top-up bonus", session=self.name)
        return [
            self._debit_amounts(
                {"account_id": accounts["bonus"].id, "move_id": self.move_id.id, "name": label},
                bonus,
                bonus,
            ),
            self._credit_amounts(
                {"account_id": accounts["liability"].id, "move_id": self.move_id.id, "name": label},
                bonus,
                bonus,
            ),
        ]

    def _chain_count_card_closing_vals(self):
        """Closing lines of the session's count-card uses. A use of a card sold by another
        company is recognised in that company's books (its own entry): it holds the deferred
        revenue; the cross-store settlement report shows what it owes this store."""
        moves = (
            self.env["chain.count.card.move"]
            .sudo()
            .search([("pos_session_id", "=", self.id), ("kind", "in", ("use", "return"))])
        )
        by_income = defaultdict(float)
        for move in moves:
            package = move.package_id
            if package.company_id == self.company_id:
                by_income[package._income_account(move.service_id)] += move.amount
            else:
                package._recognition_factory(move.store_id, move.service_id)(move.uses, move.amount)
        if not by_income:
            return []
        deferred = self.company_id._chain_wallet_accounts()["deferred"]
        label = _("%(session)s - count-card uses", session=self.name)
        vals = []
        for income, value in by_income.items():
            if self.currency_id.is_zero(value):
                continue
            # value < 0: uses recognised (debit deferred revenue, credit income); > 0: given back
            deferred_vals = {"account_id": deferred.id, "move_id": self.move_id.id, "name": label}
            income_vals = {"account_id": income.id, "move_id": self.move_id.id, "name": label}
            debit, credit = (
                (deferred_vals, income_vals) if value < 0 else (income_vals, deferred_vals)
            )
            vals += [
                self._debit_amounts(debit, abs(value), abs(value)),
                self._credit_amounts(credit, abs(value), abs(value)),
            ]
        return vals
