{
    "name": "Chain Loyalty",
    "summary": "Cross-store points, member promotions and the cashier's member experience in POS",
    "version": "18.0.1.0.0",
    "category": "Sales/Point of Sale",
    "website": "https://github.com/chain-member-suite/chain-member-suite",
    "author": "Chain Member Suite",
    "license": "LGPL-3",
    "depends": ["chain_member", "pos_loyalty"],
    "external_dependencies": {"python": ["borax"]},
    "data": [
        "security/ir.model.access.csv",
        "security/chain_loyalty_rules.xml",
        "data/chain_points_data.xml",
        "views/chain_points_program_views.xml",
        "views/chain_points_move_views.xml",
        "views/chain_points_adjustment_views.xml",
        "views/chain_points_reward_views.xml",
        "views/chain_points_report_views.xml",
        "views/res_partner_views.xml",
        "views/loyalty_program_views.xml",
        "views/portal_templates.xml",
        "views/chain_loyalty_menus.xml",
    ],
    "assets": {
        "point_of_sale._assets_pos": [
            "chain_loyalty/static/src/**/*",
        ],
        "web.assets_tests": [
            "chain_loyalty/static/tests/tours/**/*",
        ],
    },
    "installable": True,
}
