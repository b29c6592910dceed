{
    "name": "Chain Loyalty",
    "summary": "Cross-store points, member promotions and the cashier's member experience in POS",
    "version": "18.0.1.0.0",
    "category": "Sales/Point of Sale",
    "website": "https://github.com/chain-member-suite/chain-member-suite",
    "author": "Chain Member Suite",
    "license": "LGPL-3",
    "depends": ["chain_member", "pos_loyalty"],
    "data": [
        "security/ir.model.access.csv",
    ],
    "installable": True,
}
