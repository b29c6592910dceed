"""18.0.2.0.0: stored value, count cards and timed services moved to the new addon chain_wallet
(issue 13). Before chain_member loads its new code, every record of theirs changes module:
the models and their fields, constraints and many2many tables, the fields the wallet adds to
shared models (partner, company, settings, POS, products), their selection values, and the
views, actions, menus, rules, access rights, crons and data of the wallet. chain_wallet is then
marked for installation, so the same upgrade installs it and finds every record it defines
already there: nothing is deleted or created again, no table or column is dropped, every
balance, ledger line and journal entry stays as it is.

The points of the tiers (threshold, multiplier, the rules that count points) moved to
chain_loyalty in the same version: their xml ids move too when chain_loyalty is installed.

The cashier's member experience at the till moved from chain_loyalty to chain_member in the same
version: its field ``pos.config.chain_member_till`` (computed, not stored: no data) changes
module when chain_loyalty is installed.

The xml ids move with openupgradelib (OCA's migration library). A database where chain_wallet
is already installed (an upgrade run twice) is left as it is."""

import logging

from openupgradelib import openupgrade

_logger = logging.getLogger(__name__)

OLD, NEW, LOYALTY = "chain_member", "chain_wallet", "chain_loyalty"

# the cashier's member experience at the till, moved from chain_loyalty (computed, not stored)
TILL_FIELDS = {"pos.config": ["chain_member_till"]}

# the ledgers' idempotency key (chain.ledger.mixin, chain_member)
LEDGER_KEY_CONSTRAINT = "_idempotency_key_unique"

# the points of the tiers, moved to chain_loyalty
TIER_POINTS_FIELDS = ["points_threshold", "points_multiplier"]
TIER_POINTS_RULES = ["points", "either", "both"]

# the models of chain_wallet (with their fields, constraints, many2many tables, own records)
MOVED_MODELS = [
    "chain.count.card.move",
    "chain.count.card.package",
    "chain.timed.session",
    "chain.topup.rule",
    "chain.wallet.account",
    "chain.wallet.transaction",
    "chain.wallet.xlsx",
    "chain.count.card.use.wizard",
    "chain.count.card.refund.wizard",
    "chain.count.card.sell.wizard",
    "chain.wallet.adjust.wizard",
    "chain.wallet.import.wizard",
    "chain.wallet.input",
    "chain.wallet.operation",
    "chain.wallet.pin.wizard",
    "chain.wallet.report.wizard",
    "chain.wallet.topup.wizard",
    "chain.wallet.transfer.wizard",
    "chain.wallet.withdraw.wizard",
]

# the fields chain_wallet adds to models of chain_member and of Odoo
MOVED_FIELDS = {
    "pos.order": ["chain_wallet_transaction_ids", "chain_count_card_move_ids"],
    "pos.order.line": ["chain_count_card_package_id", "chain_timed_session_id"],
    "pos.payment.method": ["chain_wallet"],
    "product.template": [
        "chain_wallet_topup",
        "chain_count_card",
        "chain_count_card_service_ids",
        "chain_count_card_uses",
        "chain_count_card_validity_days",
        "chain_timed_service",
        "chain_time_unit_minutes",
        "chain_time_rounding",
        "chain_time_grace_minutes",
        "chain_time_min_units",
    ],
    "res.company": [
        "chain_wallet_liability_account_id",
        "chain_wallet_bonus_account_id",
        "chain_wallet_breakage_account_id",
        "chain_count_card_deferred_account_id",
        "chain_wallet_journal_id",
    ],
    "res.config.settings": [
        "chain_wallet_spend_order",
        "chain_wallet_pin_required",
        "chain_wallet_pin_max_failures",
        "chain_wallet_pin_lock_minutes",
        "chain_wallet_liability_account_id",
        "chain_wallet_bonus_account_id",
        "chain_wallet_breakage_account_id",
        "chain_count_card_deferred_account_id",
        "chain_wallet_journal_id",
    ],
    "res.partner": [
        "wallet_account_ids",
        "wallet_currency_id",
        "wallet_balance",
        "wallet_principal",
        "wallet_bonus",
        "wallet_transaction_count",
        "count_card_package_ids",
        "count_card_active_count",
    ],
}

# the same fields, as the models that inherit them by delegation see them
MOVED_FIELDS["res.users"] = MOVED_FIELDS["res.partner"]
MOVED_FIELDS["product.product"] = MOVED_FIELDS["product.template"]

# the values chain_wallet adds to a selection field of chain_member
MOVED_SELECTION_VALUES = {
    ("chain.member.reminder", "code"): ["low_balance", "count_card_expiring"],
    ("chain.member.reminder.type", "code"): ["low_balance", "count_card_expiring"],
    ("chain.operation.log", "operation"): [
        "wallet_withdrawal",
        "wallet_adjustment",
        "wallet_transfer",
        "wallet_expiry",
        "wallet_pin",
        "count_card_refund",
    ],
}

# views, actions, menus, rules, access rights, crons (and their server actions), data
MOVED_RECORDS = [
    "reminder_type_low_balance",
    "reminder_type_count_card_expiring",
    "access_chain_count_card_move_cashier",
    "access_chain_count_card_move_merchant",
    "access_chain_count_card_package_cashier",
    "access_chain_count_card_refund_wizard_manager",
    "access_chain_count_card_sell_wizard_cashier",
    "access_chain_count_card_use_wizard_cashier",
    "access_chain_timed_session_cashier",
    "access_chain_topup_rule_cashier",
    "access_chain_topup_rule_hq",
    "access_chain_wallet_account_cashier",
    "access_chain_wallet_adjust_wizard_hq",
    "access_chain_wallet_import_wizard_hq",
    "access_chain_wallet_pin_wizard_cashier",
    "access_chain_wallet_report_wizard_manager",
    "access_chain_wallet_report_wizard_merchant",
    "access_chain_wallet_topup_wizard_cashier",
    "access_chain_wallet_transaction_cashier",
    "access_chain_wallet_transaction_merchant",
    "access_chain_wallet_transfer_wizard_manager",
    "access_chain_wallet_withdraw_wizard_manager",
    "chain_count_card_move_action",
    "chain_count_card_move_view_list",
    "chain_count_card_move_view_search",
    "chain_count_card_package_action",
    "chain_count_card_package_view_form",
    "chain_count_card_package_view_list",
    "chain_count_card_package_view_search",
    "chain_count_card_refund_action",
    "chain_count_card_refund_wizard_view_form",
    "chain_count_card_sell_wizard_view_form",
    "chain_count_card_use_action",
    "chain_count_card_use_wizard_view_form",
    "chain_timed_session_action",
    "chain_timed_session_view_list",
    "chain_topup_rule_action",
    "chain_topup_rule_view_form",
    "chain_topup_rule_view_list",
    "chain_wallet_account_action",
    "chain_wallet_account_view_list",
    "chain_wallet_account_view_search",
    "chain_wallet_adjust_wizard_view_form",
    "chain_wallet_import_wizard_action",
    "chain_wallet_import_wizard_view_form",
    "chain_wallet_pin_wizard_view_form",
    "chain_wallet_report_wizard_action",
    "chain_wallet_report_wizard_view_form",
    "chain_wallet_topup_wizard_view_form",
    "chain_wallet_transaction_action",
    "chain_wallet_transaction_view_form",
    "chain_wallet_transaction_view_list",
    "chain_wallet_transaction_view_search",
    "chain_wallet_transfer_wizard_view_form",
    "chain_wallet_withdraw_wizard_view_form",
    "ir_cron_count_card_expiry",
    "ir_cron_count_card_expiry_ir_actions_server",
    "ir_cron_wallet_consistency",
    "ir_cron_wallet_consistency_ir_actions_server",
    "menu_chain_count_card_moves",
    "menu_chain_count_cards",
    "menu_chain_stored_value",
    "menu_chain_timed_sessions",
    "menu_chain_topup_rules",
    "menu_chain_wallet_accounts",
    "menu_chain_wallet_import",
    "menu_chain_wallet_reports",
    "menu_chain_wallet_transactions",
    "product_template_form_view_chain_wallet",
    "product_wallet_topup",
    "res_config_settings_view_form_wallet",
    "res_partner_view_form_wallet",
    "rule_chain_count_card_move_hq",
    "rule_chain_count_card_move_store",
    "rule_chain_timed_session_hq",
    "rule_chain_timed_session_store",
    "rule_chain_wallet_transaction_hq",
    "rule_chain_wallet_transaction_store",
]


def _selection_xmlid(model, field, value):
    return f"selection__{model.replace('.', '_')}__{field}__{value}".lower()


def _state(cr, module):
    cr.execute("SELECT state FROM ir_module_module WHERE name = %s", [module])
    row = cr.fetchone()
    return row[0] if row else None


def migrate(cr, version):
    if not version:
        return
    _move_tier_points(cr)
    _move_till_fields(cr)
    if _state(cr, NEW) not in ("installed", "to upgrade"):
        _move_wallet(cr)
    _ledger_keys_to_core(cr)


def _move_tier_points(cr):
    """The points of the tiers (threshold, multiplier, the rules that count points) moved to
    chain_loyalty, which defines them now. Without chain_loyalty installed, a tier that counts
    points keeps its rule in the database (it could never be reached by points: without
    chain_loyalty a member has none) until chain_loyalty is installed."""
    if _state(cr, LOYALTY) not in ("installed", "to upgrade"):
        cr.execute(
            "SELECT count(*) FROM chain_member_tier WHERE qualification != 'spend' AND active"
        )
        if cr.fetchone()[0]:
            _logger.warning(
                "Some tiers count points: install chain_loyalty for their points rules."
            )
        return
    openupgrade.update_module_moved_fields(
        cr, "chain.member.tier", TIER_POINTS_FIELDS, OLD, LOYALTY
    )
    cr.execute(
        "UPDATE ir_model_data SET module = %s WHERE module = %s "
        "AND model = 'ir.model.fields.selection' AND name IN %s",
        [
            LOYALTY,
            OLD,
            tuple(
                _selection_xmlid("chain.member.tier", "qualification", value)
                for value in TIER_POINTS_RULES
            ),
        ],
    )
    cr.execute(
        "UPDATE ir_model_data SET module = %s WHERE module = %s "
        "AND model = 'ir.model.constraint' AND name = %s",
        [LOYALTY, OLD, "constraint_chain_member_tier_multiplier_positive"],
    )
    cr.execute(
        """UPDATE ir_model_constraint c SET module = new.id
             FROM ir_module_module old, ir_module_module new
            WHERE old.name = %s AND new.name = %s AND c.module = old.id
              AND c.name = 'chain_member_tier_multiplier_positive'""",
        [OLD, LOYALTY],
    )


def _move_till_fields(cr):
    """The fields of the member experience at the till, defined by chain_member now."""
    if _state(cr, LOYALTY) not in ("installed", "to upgrade"):
        return
    for model, fields in TILL_FIELDS.items():
        openupgrade.update_module_moved_fields(cr, model, fields, LOYALTY, OLD)


def _ledger_keys_to_core(cr):
    """The idempotency key of every ledger is chain.ledger.mixin's now (chain_member): its
    unique constraints belong to chain_member, where they were for the stored value and the
    count cards; the points ledger's comes from chain_loyalty."""
    cr.execute(
        "UPDATE ir_model_data SET module = %s WHERE module != %s "
        "AND model = 'ir.model.constraint' AND name LIKE %s",
        [OLD, OLD, f"constraint_%{LEDGER_KEY_CONSTRAINT}"],
    )
    cr.execute(
        """UPDATE ir_model_constraint c SET module = core.id
             FROM ir_module_module core
            WHERE core.name = %s AND c.module != core.id AND c.name LIKE %s""",
        [OLD, f"%{LEDGER_KEY_CONSTRAINT}"],
    )


def _move_wallet(cr):
    for model in MOVED_MODELS:
        openupgrade.update_module_moved_models(cr, model, OLD, NEW)
        # how they inherit (mixins)
        cr.execute(
            "UPDATE ir_model_data SET module = %s WHERE module = %s "
            "AND model = 'ir.model.inherit' AND starts_with(name, %s)",
            [NEW, OLD, f"model_inherit__{model.replace('.', '_')}__"],
        )
        # their SQL constraints' xml ids (left behind, the end of the upgrade would delete
        # them with the constraints themselves: a ledger's unique idempotency key among them)
        cr.execute(
            "UPDATE ir_model_data SET module = %s WHERE module = %s "
            "AND model = 'ir.model.constraint' AND starts_with(name, %s) AND name NOT LIKE %s",
            [NEW, OLD, f"constraint_{model.replace('.', '_')}_", f"%{LEDGER_KEY_CONSTRAINT}"],
        )
        # their selection values (update_module_moved_models leaves them)
        cr.execute(
            "UPDATE ir_model_data SET module = %s WHERE module = %s "
            "AND model = 'ir.model.fields.selection' AND starts_with(name, %s)",
            [NEW, OLD, f"selection__{model.replace('.', '_')}__"],
        )
    for model, names in MOVED_FIELDS.items():
        openupgrade.update_module_moved_fields(cr, model, names, OLD, NEW)
        for name in names:
            cr.execute(
                "UPDATE ir_model_data SET module = %s WHERE module = %s "
                "AND model = 'ir.model.fields.selection' AND starts_with(name, %s)",
                [NEW, OLD, f"selection__{model.replace('.', '_')}__{name}__"],
            )
        # a many2many of a moved field owns its relation table
        cr.execute(
            """UPDATE ir_model_relation r SET module = new.id
                 FROM ir_module_module old, ir_module_module new, ir_model_fields f
                WHERE old.name = %s AND new.name = %s AND r.module = old.id
                  AND f.model = %s AND f.name IN %s AND f.relation_table = r.name""",
            [OLD, NEW, model, tuple(names)],
        )
        # the foreign keys of moved many2one fields
        table = model.replace(".", "_")
        cr.execute(
            """UPDATE ir_model_constraint c SET module = new.id
                 FROM ir_module_module old, ir_module_module new
                WHERE old.name = %s AND new.name = %s AND c.module = old.id AND c.type = 'f'
                  AND c.name IN %s""",
            [OLD, NEW, tuple(f"{table}_{name}_fkey" for name in names)],
        )
    for (model, field), values in MOVED_SELECTION_VALUES.items():
        names = [_selection_xmlid(model, field, value) for value in values]
        cr.execute(
            "UPDATE ir_model_data SET module = %s WHERE module = %s "
            "AND model = 'ir.model.fields.selection' AND name IN %s",
            [NEW, OLD, tuple(names)],
        )
    openupgrade.rename_xmlids(cr, [(f"{OLD}.{name}", f"{NEW}.{name}") for name in MOVED_RECORDS])
    # the same upgrade installs chain_wallet (the list of modules was read before this runs)
    cr.execute(
        "UPDATE ir_module_module SET state = 'to install' "
        "WHERE name = %s AND state = 'uninstalled' RETURNING state",
        [NEW],
    )
    cr.execute("SELECT state FROM ir_module_module WHERE name = %s", [NEW])
    row = cr.fetchone()
    if not row or row[0] != "to install":
        _logger.warning(
            "%s is not in the list of modules: update the list of apps and install it, or the "
            "stored value, count cards and timed services lose their code.",
            NEW,
        )
