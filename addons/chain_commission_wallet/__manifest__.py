{
    "name": "Chain Staff Commission on Stored Value",
    "summary": "Staff shares and commission on the backend's top-ups, count-card sales, renewals "
    "and uses; clawbacks on stored-value withdrawals and count-card refunds",
    "version": "18.0.1.0.0",
    "category": "Sales/Point of Sale",
    "website": "https://github.com/chain-member-suite/chain-member-suite",
    "author": "Chain Member Suite",
    "license": "LGPL-3",
    "depends": ["chain_commission", "chain_wallet"],
    "data": [
        "security/ir.model.access.csv",
        "security/chain_commission_wallet_rules.xml",
        "views/chain_wallet_staff_share_views.xml",
        "views/chain_commission_line_views.xml",
        "views/chain_wallet_wizard_views.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "chain_commission_wallet/static/tests/tours/**/*",
        ],
    },
    "auto_install": True,
    "installable": True,
}
