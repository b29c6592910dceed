from odoo import api, fields, models


class ChainMemberTier(models.Model):
    """Points in the tiers: a tier may ask for a points balance to enter (alone, or with the
    spend), and multiplies the points its members earn. A tier's discount is applied at the
    till by a promotion program of Odoo's loyalty (members of this tier only, a percentage on
    the order), created and kept in step here."""

    _name = "chain.member.tier"
    _inherit = ["chain.member.tier", "pos.load.mixin"]

    qualification = fields.Selection(
        selection_add=[
            ("points", "Points"),
            ("either", "Spend or points"),
            ("both", "Spend and points"),
        ],
        ondelete={"points": "set default", "either": "set default", "both": "set default"},
    )
    points_threshold = fields.Integer(help="Points balance needed to enter.")
    points_multiplier = fields.Float(
        default=1.0, digits=(5, 2), help="Multiplier applied by the points engine."
    )

    _sql_constraints = [
        (
            "multiplier_positive",
            "CHECK(points_multiplier >= 0)",
            "The points multiplier cannot be negative.",
        ),
    ]

    discount_program_id = fields.Many2one("loyalty.program", compute="_compute_discount_program_id")

    @api.model
    def _load_pos_data_fields(self, config_id):
        return ["name", "sequence", "discount_percent", "points_multiplier"]

    def _qualifies(self, spend, points):
        self.ensure_one()
        spend_ok = super()._qualifies(spend, points)
        points_ok = points >= self.points_threshold
        return {
            "spend": spend_ok,
            "points": points_ok,
            "either": spend_ok or points_ok,
            "both": spend_ok and points_ok,
        }[self.qualification]

    def _chain_counted_figures(self):
        return {
            "spend": {"spend"},
            "points": {"points"},
            "either": {"spend", "points"},
            "both": {"spend", "points"},
        }[self.qualification]

    def _chain_needs_every_figure(self):
        return self.qualification != "either"

    def _compute_discount_program_id(self):
        programs = (
            self.env["loyalty.program"]
            .sudo()
            .with_context(active_test=False)
            .search([("chain_tier_discount_id", "in", self.ids)])
        )
        by_tier = {program.chain_tier_discount_id.id: program for program in programs}
        for tier in self:
            tier.discount_program_id = by_tier.get(tier.id, False)

    @api.model_create_multi
    def create(self, vals_list):
        tiers = super().create(vals_list)
        tiers._chain_sync_discount_programs()
        return tiers

    def write(self, vals):
        result = super().write(vals)
        if {"discount_percent", "name", "active"} & set(vals):
            self._chain_sync_discount_programs()
        return result

    def _chain_sync_discount_programs(self):
        """Create, update or archive each tier's discount program."""
        Program = self.env["loyalty.program"].sudo().with_context(active_test=False)
        for tier in self:
            program = tier.discount_program_id.sudo()
            values = Program._chain_tier_program_values(tier)
            if not program and not values["active"]:
                continue
            reward = {
                "reward_type": "discount",
                "discount": tier.discount_percent or 0.0,
                "discount_mode": "percent",
                "discount_applicability": "order",
                "required_points": 1,
            }
            if program:
                program.write(values)
                if values["active"]:
                    program.reward_ids[:1].write({"discount": tier.discount_percent})
            else:
                Program.create(
                    {
                        **values,
                        "rule_ids": [
                            fields.Command.create(
                                {
                                    "reward_point_amount": 1,
                                    "reward_point_mode": "order",
                                    "minimum_amount": 0,
                                    "minimum_qty": 0,
                                }
                            )
                        ],
                        "reward_ids": [fields.Command.create(reward)],
                    }
                )
                tier.invalidate_recordset(["discount_program_id"])  # computed before it existed

    @api.model
    def _chain_sync_all_discount_programs(self):
        self.with_context(active_test=False).search([])._chain_sync_discount_programs()
        return True
