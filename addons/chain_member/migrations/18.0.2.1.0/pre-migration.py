"""18.0.2.1.0: the member's tier discount in sales moved to the new bridge chain_member_sale
(issue 13), and chain_member no longer depends on ``sale``: a chain that sells only at the till
installs no sales app.

The discount is code only (an override of ``sale.order.line._compute_discount``, no field, no
record): only the xml id of the model's extension (``model_sale_order_line``) changes module.
A database that has ``sale`` installed (every database made before this version: chain_member
depended on it) keeps the discount: the bridge is marked for installation, and the same upgrade
installs it.

The low balance's threshold of the reminder types (``threshold`` and its ``currency_id``), a
stored-value setting, moved to chain_wallet in the same version: their xml ids change module when
chain_wallet is installed (the column and its values stay)."""

import logging

from openupgradelib import openupgrade

_logger = logging.getLogger(__name__)

BRIDGE = "chain_member_sale"
WALLET = "chain_wallet"
WALLET_TYPE_FIELDS = ["threshold", "currency_id"]


def _state(cr, module):
    cr.execute("SELECT state FROM ir_module_module WHERE name = %s", [module])
    row = cr.fetchone()
    return row[0] if row else None


def migrate(cr, version):
    if not version:
        return
    if _state(cr, WALLET) in ("installed", "to upgrade", "to install"):
        openupgrade.update_module_moved_fields(
            cr, "chain.member.reminder.type", WALLET_TYPE_FIELDS, "chain_member", WALLET
        )
        cr.execute(
            """UPDATE ir_model_constraint c SET module = new.id
                 FROM ir_module_module old, ir_module_module new
                WHERE old.name = 'chain_member' AND new.name = %s AND c.module = old.id
                  AND c.type = 'f' AND c.name = 'chain_member_reminder_type_currency_id_fkey'""",
            [WALLET],
        )
    _install_bridge(cr)


def _install_bridge(cr):
    if _state(cr, "sale") not in ("installed", "to upgrade"):
        return
    cr.execute(
        "UPDATE ir_module_module SET state = 'to install' "
        "WHERE name = %s AND state = 'uninstalled'",
        [BRIDGE],
    )
    if _state(cr, BRIDGE) not in ("to install", "installed", "to upgrade"):
        _logger.warning(
            "%s is not in the list of modules: update the list of apps and install it, or the "
            "members' tier discount in sales stops.",
            BRIDGE,
        )
        return
    openupgrade.rename_xmlids(
        cr, [("chain_member.model_sale_order_line", f"{BRIDGE}.model_sale_order_line")]
    )
