{
    "name": "Chain Stored Value and Count Cards",
    "summary": "Stored value (储值), count cards (次卡) and timed services for a chain's members: "
    "ledgers, the POS tender, accounting and reports",
    "version": "18.0.1.0.0",
    "category": "Sales/Point of Sale",
    "website": "https://github.com/chain-member-suite/chain-member-suite",
    "author": "Chain Member Suite",
    "license": "LGPL-3",
    "depends": ["chain_member"],
    "external_dependencies": {"python": ["xlsxwriter"]},
    "data": [
        "security/ir.model.access.csv",
        "security/chain_wallet_rules.xml",
        "data/chain_wallet_data.xml",
        "data/chain_member_reminder_data.xml",
        "views/chain_wallet_wizard_views.xml",
        "views/chain_count_card_wizard_views.xml",
        "views/chain_wallet_transaction_views.xml",
        "views/chain_count_card_views.xml",
        "views/chain_wallet_partner_views.xml",
        "views/chain_wallet_settings_views.xml",
        "views/chain_member_reminder_views.xml",
        "views/portal_templates.xml",
        "views/chain_wallet_menus.xml",
    ],
    "assets": {
        "point_of_sale._assets_pos": [
            "chain_wallet/static/src/wallet/**/*",
        ],
        "web.assets_tests": [
            "chain_wallet/static/tests/tours/**/*",
        ],
    },
    "installable": True,
}
