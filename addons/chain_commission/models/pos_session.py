from odoo import api, models


class PosSession(models.Model):
    _inherit = "pos.session"

    @api.model
    def _load_pos_data_models(self, config_id):
        """A chain till loads the staff shares of the lines it loads (a till of no chain store
        loads no chain data)."""
        models_ = super()._load_pos_data_models(config_id)
        if self.env["pos.config"]._chain_commission_till(config_id):
            models_ = [*models_, "chain.pos.order.line.share"]
        return models_

    @api.model
    def _load_pos_data_relations(self, model, response):
        """Announce to the till only the fields its user may read (as chain_wallet does):
        ``pos.order.chain_commission_line_ids`` is the chain staff's, and stock Odoo would
        announce it to a plain POS user, whose till would then be refused the whole read."""
        result = super()._load_pos_data_relations(model, response)
        relations = response[model].get("relations") or {}
        Model = self.env[model]
        for name in list(relations):
            field = Model._fields.get(name)
            if field and not field.is_accessible(self.env):
                del relations[name]
        if model == "chain.pos.order.line.share" and "employee_id" in relations:
            # The till's ``hr.employee`` records are pos_hr's cashiers; the staff a line may
            # name are ``pos.config.chain_commission_staff``. A share names its employee by id.
            relations["employee_id"] = {
                "name": "employee_id",
                "type": "integer",
                "compute": False,
                "related": False,
            }
        return result
