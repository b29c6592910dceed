from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

STORE_KINDS = [
    ("headquarters", "Headquarters"),
    ("direct", "Direct store"),
    ("franchise", "Franchise store"),
    ("alliance", "Alliance merchant"),
]

# Fields whose change is a sensitive operation, recorded in the operation log.
LOGGED_FIELDS = ("code", "kind", "company_id", "warehouse_id", "active", "manager_ids", "user_ids")
# What only headquarters changes (a store manager edits the contact details and the staff):
# the store's identity, company, kind, stock location, tills, managers and whether it is open.
HQ_ONLY_FIELDS = frozenset(
    {"code", "kind", "company_id", "warehouse_id", "active", "manager_ids", "pos_config_ids"}
)


class ChainStore(models.Model):
    """A place of the chain: the headquarters, a direct or franchise store, or an alliance
    merchant outside the chain that accepts member cards.

    Store-scoped records (documents, reports, logs) carry a ``store_id``; record rules show them
    to cashiers and store managers of that store only (see ``res.users.chain_store_ids``).
    """

    _name = "chain.store"
    _description = "Chain Store"
    # activities: the store managers' daily "member reminders" activity is on the store (see
    # chain.member.reminder._notify_store_managers)
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "sequence, code"
    _rec_names_search = ["code", "name"]

    code = fields.Char(required=True, tracking=True, index=True)
    name = fields.Char(required=True, tracking=True)
    sequence = fields.Integer(default=10)
    kind = fields.Selection(STORE_KINDS, required=True, default="direct", tracking=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        tracking=True,
        help="A franchise store is usually its own company; its books are kept there.",
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    warehouse_id = fields.Many2one(
        "stock.warehouse",
        check_company=True,
        tracking=True,
        help="Where the store's stock is kept.",
    )
    pos_config_ids = fields.One2many("pos.config", "chain_store_id", string="Points of Sale")
    partner_id = fields.Many2one(
        "res.partner",
        string="Address",
        help="The store's address and contact details.",
    )
    phone = fields.Char()
    manager_ids = fields.Many2many(
        "res.users",
        "chain_store_manager_rel",
        "store_id",
        "user_id",
        string="Managers",
        domain=[("share", "=", False)],
    )
    user_ids = fields.Many2many(
        "res.users",
        "chain_store_res_users_rel",
        "store_id",
        "user_id",
        string="Staff",
        help="Users who work in this store. They see the store's records; managers are "
        "always staff.",
    )
    active = fields.Boolean(default=True, tracking=True)
    pos_config_count = fields.Integer(compute="_compute_pos_config_count")

    _sql_constraints = [
        ("code_unique", "unique(code)", "The store code must be unique across the chain."),
    ]

    def init(self):
        # At most one headquarters, even under concurrent writes (the Python constraint gives the
        # readable message; the index makes it race-proof).
        self.env.cr.execute(
            "CREATE UNIQUE INDEX IF NOT EXISTS chain_store_single_headquarters "
            "ON chain_store (kind) WHERE kind = 'headquarters'"
        )

    @api.depends("pos_config_ids")
    def _compute_pos_config_count(self):
        for store in self:
            store.pos_config_count = len(store.pos_config_ids)

    @api.depends("code", "name")
    def _compute_display_name(self):
        for store in self:
            store.display_name = f"[{store.code}] {store.name}" if store.code else store.name

    @api.constrains("kind", "active")
    def _check_headquarters_active(self):
        headquarters = self.get_headquarters()
        if headquarters and not headquarters.active:
            raise ValidationError(_("The headquarters cannot be archived."))

    @api.constrains("warehouse_id", "company_id")
    def _check_warehouse_company(self):
        for store in self:
            if store.warehouse_id and store.warehouse_id.company_id != store.company_id:
                raise ValidationError(
                    _(
                        "The warehouse %(warehouse)s belongs to %(company)s, not to the store's "
                        "company.",
                        warehouse=store.warehouse_id.display_name,
                        company=store.warehouse_id.company_id.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        if any(vals.get("kind") == "headquarters" for vals in vals_list):
            self._ensure_headquarters_vacant()
        stores = super().create(vals_list)
        stores._add_managers_to_staff()
        for store in stores:
            self.env["chain.operation.log"]._log_operation(
                "store_create", store, after=store._logged_values(), store=store
            )
        self.env.registry.clear_cache()
        return stores

    def write(self, vals):
        headquarters_only = sorted(HQ_ONLY_FIELDS.intersection(vals))
        if (
            headquarters_only
            and not self.env.su
            and not self.env.user.has_group("chain_member.group_chain_hq_manager")
        ):
            raise AccessError(
                _(
                    "Only headquarters managers change a store's %(fields)s: a store manager "
                    "edits its contact details and staff.",
                    fields=", ".join(
                        self._fields[name].get_description(self.env)["string"]
                        for name in headquarters_only
                    ),
                )
            )
        logged = [name for name in LOGGED_FIELDS if name in vals]
        before = {store.id: store._logged_values(logged) for store in self} if logged else {}
        if vals.get("kind") and vals["kind"] != "headquarters":
            self._ensure_not_headquarters(_("change the kind of"))
        elif vals.get("kind") == "headquarters":
            self._ensure_headquarters_vacant()
        result = super().write(vals)
        if "manager_ids" in vals or "user_ids" in vals:
            self._add_managers_to_staff()
            self.env.registry.clear_cache()
        for store in self if logged else ():
            self.env["chain.operation.log"]._log_operation(
                "store_update",
                store,
                before=before[store.id],
                after=store._logged_values(logged),
                store=store,
            )
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_headquarters(self):
        self._ensure_not_headquarters(_("delete"))

    def action_make_headquarters(self):
        """Move the headquarters role to this store; the former headquarters becomes a direct
        store. Both changes happen in one transaction."""
        self.ensure_one()
        if self.kind == "headquarters":
            return True
        if not self.env.user.has_group("chain_member.group_chain_hq_manager"):
            raise UserError(_("Only headquarters managers can move the headquarters."))
        former = self.search([("kind", "=", "headquarters")])
        # bypass the kind guard of write(): the swap keeps exactly one headquarters
        super(ChainStore, former).write({"kind": "direct"})
        super().write({"kind": "headquarters", "active": True})
        self.env["chain.operation.log"]._log_operation(
            "store_headquarters",
            self,
            before={"headquarters": former.display_name},
            after={"headquarters": self.display_name},
            store=self,
        )
        return True

    def action_view_pos_configs(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "point_of_sale.action_pos_config_kanban"
        )
        action["domain"] = [("chain_store_id", "=", self.id)]
        action["context"] = {
            "default_chain_store_id": self.id,
            "default_company_id": self.company_id.id,
        }
        return action

    @api.model
    def get_headquarters(self):
        """The chain's headquarters store (there is exactly one)."""
        return (
            self.sudo()
            .with_context(active_test=False)
            .search([("kind", "=", "headquarters")], limit=1)
        )

    def _ensure_headquarters_vacant(self):
        """Refuse a second headquarters with a readable message (the partial unique index
        ``chain_store_single_headquarters`` is the race-proof guard behind it)."""
        headquarters = self.get_headquarters() - self
        if headquarters:
            raise ValidationError(
                _(
                    "The chain already has a headquarters (%(store)s). Use 'Make headquarters' "
                    "to move the headquarters to another store.",
                    store=headquarters.display_name,
                )
            )

    def _ensure_not_headquarters(self, verb):
        if self.filtered(lambda store: store.kind == "headquarters"):
            raise UserError(
                _(
                    "You cannot %(verb)s the headquarters: the chain needs exactly one. Make "
                    "another store the headquarters first.",
                    verb=verb,
                )
            )

    def _add_managers_to_staff(self):
        for store in self:
            missing = store.manager_ids - store.user_ids
            if missing:
                store.user_ids = [Command.link(user.id) for user in missing]

    def _logged_values(self, names=LOGGED_FIELDS):
        self.ensure_one()
        values = {}
        for name in names:
            value = self[name]
            if isinstance(value, models.BaseModel):
                value = value.mapped("display_name")
            values[name] = value
        return values

    @api.model
    def _demo_setup_chain(self):
        """Demo data: give every demo store its warehouse and a POS config (the franchise
        company first gets a chart of accounts, which POS needs)."""
        franchise_company = self.env.ref("chain_member.company_franchise")
        if not franchise_company.chart_template:
            self.env["account.chart.template"].try_loading(
                "generic_coa", franchise_company, install_demo=False
            )
        warehouses = {
            "chain_member.store_hq": self.env.ref("stock.warehouse0"),
            "chain_member.store_direct_1": self.env.ref("chain_member.warehouse_direct_1"),
            "chain_member.store_direct_2": self.env.ref("chain_member.warehouse_direct_2"),
            "chain_member.store_franchise": self.env["stock.warehouse"].search(
                [("company_id", "=", franchise_company.id)], limit=1
            ),
        }
        for xmlid, warehouse in warehouses.items():
            store = self.env.ref(xmlid)
            if not store.warehouse_id:
                store.warehouse_id = warehouse
            if not store.pos_config_ids:
                self.env["pos.config"].with_company(store.company_id).create(
                    {
                        "name": store.name,
                        "chain_store_id": store.id,
                        "company_id": store.company_id.id,
                        "warehouse_id": warehouse.id,
                        "picking_type_id": warehouse.pos_type_id.id,
                    }
                )
