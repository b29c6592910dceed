from odoo import models


class ChainStore(models.Model):
    """Stores carry activities: the store managers' daily "member reminders" activity is on the
    store (see ``chain.member.reminder._notify_store_managers``)."""

    _name = "chain.store"
    _inherit = ["chain.store", "mail.activity.mixin"]
