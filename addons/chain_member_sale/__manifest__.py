{
    "name": "Chain Members in Sales",
    "summary": "The member's tier discount on quotations and sales orders, as at the till",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "website": "https://github.com/chain-member-suite/chain-member-suite",
    "author": "Chain Member Suite",
    "license": "LGPL-3",
    "depends": ["chain_member", "sale"],
    "auto_install": True,
    "installable": True,
}
