{
    "name": "Chain Stock",
    "summary": "Headquarters catalogue and stock of the chain's stores",
    "version": "18.0.1.0.0",
    "category": "Inventory/Inventory",
    "website": "https://github.com/chain-member-suite/chain-member-suite",
    "author": "Chain Member Suite",
    "license": "LGPL-3",
    "depends": ["chain_member", "stock"],
    "data": [
        "views/stock_quant_views.xml",
    ],
    "demo": [
        "demo/chain_catalogue_demo.xml",
    ],
    "installable": True,
}
