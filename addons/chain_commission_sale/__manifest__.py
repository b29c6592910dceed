{
    "name": "Chain Staff Commission on Sales Orders",
    "summary": "The store and the staff shares of a sales order; commission when its invoices "
    "are posted, clawed back by its credit notes",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "website": "https://github.com/chain-member-suite/chain-member-suite",
    "author": "Chain Member Suite",
    "license": "LGPL-3",
    "depends": ["chain_commission", "sale"],
    "data": [
        "security/ir.model.access.csv",
        "security/chain_commission_sale_rules.xml",
        "views/sale_order_views.xml",
        "views/chain_commission_line_views.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "chain_commission_sale/static/tests/tours/**/*",
        ],
    },
    "auto_install": True,
    "installable": True,
}
