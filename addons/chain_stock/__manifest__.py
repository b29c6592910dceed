{
    "name": "Chain Stock",
    "summary": "Headquarters catalogue and stock of the chain's stores",
    "version": "18.0.1.1.0",
    "category": "Inventory/Inventory",
    "website": "https://github.com/chain-member-suite/chain-member-suite",
    "author": "Chain Member Suite",
    "license": "LGPL-3",
    "depends": ["chain_member", "stock"],
    "data": [
        "security/ir.model.access.csv",
        "security/chain_stock_rules.xml",
        "data/ir_sequence_data.xml",
        "views/stock_quant_views.xml",
        "wizard/chain_stock_request_approve_views.xml",
        "wizard/chain_stock_request_reject_views.xml",
        "wizard/chain_stock_request_receive_views.xml",
        "views/chain_stock_request_views.xml",
        "views/chain_stock_difference_views.xml",
        "views/chain_stock_menus.xml",
    ],
    "demo": [
        "demo/chain_catalogue_demo.xml",
        "demo/chain_stock_request_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "chain_stock/static/tests/tours/**/*",
        ],
    },
    "installable": True,
}
