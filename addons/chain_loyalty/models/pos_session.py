from odoo import _, api, models


class PosSession(models.Model):
    _inherit = "pos.session"

    @api.model
    def _load_pos_data_models(self, config_id):
        return super()._load_pos_data_models(config_id) + [
            "chain.member.tier",
            "chain.points.reward",
        ]

    def _get_combine_receivable_vals(self, payment_method, amount, amount_converted):
        vals = super()._get_combine_receivable_vals(payment_method, amount, amount_converted)
        if payment_method.chain_points:
            # an expense, not a receivable: an ordinary line, not a payment term
            vals.pop("display_type", None)
            vals["name"] = _("%(session)s - paid with points", session=self.name)
        return vals
