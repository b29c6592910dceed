from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .chain_sms_template import PLACEHOLDERS, format_value


class ChainSmsTemplateCode(models.Model):
    """How one gateway sends one template: the template code the provider approved and the
    order of its parameters.

    ``param_names`` lists the template's placeholders in the provider's order, comma separated.
    Alibaba Cloud names its variables: write ``variable=placeholder`` where they differ (e.g.
    ``name=member_name, amount``). Tencent Cloud numbers them ({1}, {2}...): the order is all
    that counts.
    """

    _name = "chain.sms.template.code"
    _description = "SMS Provider Template Code"

    template_id = fields.Many2one(
        "chain.sms.template", required=True, ondelete="cascade", index=True
    )
    gateway_id = fields.Many2one("chain.sms.gateway", required=True, ondelete="cascade")
    provider = fields.Selection(related="gateway_id.provider")
    code = fields.Char(string="Template Code", required=True)
    param_names = fields.Char(
        string="Parameters",
        help="Placeholders in the provider's order, comma separated; 'variable=placeholder' "
        "where the provider's variable has another name.",
    )

    _sql_constraints = [
        (
            "template_gateway_unique",
            "unique(template_id, gateway_id)",
            "A template has one code per gateway.",
        ),
    ]

    @api.constrains("param_names")
    def _check_param_names(self):
        for code in self:
            unknown = {name for _var, name in code._param_pairs()} - set(PLACEHOLDERS)
            if unknown:
                raise ValidationError(
                    _(
                        "Unknown placeholders in the parameters of %(code)s: %(unknown)s.",
                        code=code.code,
                        unknown=", ".join(sorted(unknown)),
                    )
                )

    def _param_pairs(self):
        """[(provider variable, placeholder)] in the provider's order."""
        self.ensure_one()
        pairs = []
        for item in (self.param_names or "").split(","):
            item = item.strip()
            if not item:
                continue
            variable, _sep, placeholder = item.partition("=")
            pairs.append((variable.strip(), (placeholder or variable).strip()))
        return pairs

    def _params(self, values):
        """[(provider variable, rendered value)] for the values of one message."""
        return [(var, format_value(values.get(name))) for var, name in self._param_pairs()]
