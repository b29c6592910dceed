{
    "name": "Chain POS Hardware Proxy",
    "summary": "Receipt printer, cash drawer, card reader and customer displays for the POS "
    "through a small local hardware proxy (no IoT Box)",
    "version": "18.0.1.0.0",
    "category": "Sales/Point of Sale",
    "website": "https://github.com/chain-member-suite/chain-member-suite",
    "author": "Chain Member Suite",
    "license": "LGPL-3",
    "depends": ["point_of_sale"],
    "data": [
        "views/res_config_settings_views.xml",
    ],
    "demo": [
        "demo/pos_config_demo.xml",
    ],
    "assets": {
        "point_of_sale._assets_pos": [
            "chain_pos_hw/static/src/**/*",
        ],
        "web.assets_tests": [
            "chain_pos_hw/static/tests/tours/**/*",
        ],
    },
    "installable": True,
}
