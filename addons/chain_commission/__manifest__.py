{
    "name": "Chain Staff Commission",
    "summary": "Staff commission (员工提成) on the chain's till sales: plans with effective dates, "
    "rules by event, product, staff level and store, split shares, clawbacks, monthly "
    "settlements booked in Accounting; attendance (考勤) at the store's kiosk and till, "
    "rosters, make-up punches, the monthly sheet",
    "version": "18.0.1.0.0",
    "category": "Sales/Point of Sale",
    "website": "https://github.com/chain-member-suite/chain-member-suite",
    "author": "Chain Member Suite",
    "license": "LGPL-3",
    "depends": ["chain_member", "pos_hr", "hr", "hr_attendance", "account"],
    "data": [
        "security/ir.model.access.csv",
        "security/chain_commission_rules.xml",
        "data/chain_attendance_cron.xml",
        "data/chain_commission_cron.xml",
        "views/chain_staff_level_views.xml",
        "views/hr_employee_views.xml",
        "views/chain_commission_plan_views.xml",
        "views/chain_commission_rule_views.xml",
        "views/chain_commission_line_views.xml",
        "views/chain_commission_settlement_views.xml",
        "views/chain_pos_order_line_share_views.xml",
        "views/product_template_views.xml",
        "views/res_config_settings_views.xml",
        "wizard/chain_commission_wizard_views.xml",
        "views/chain_store_views.xml",
        "views/hr_attendance_views.xml",
        "views/chain_attendance_roster_views.xml",
        "views/chain_attendance_day_views.xml",
        "views/chain_attendance_makeup_views.xml",
        "views/chain_commission_menus.xml",
    ],
    "demo": [
        "demo/chain_commission_demo.xml",
    ],
    "assets": {
        "point_of_sale._assets_pos": [
            "chain_commission/static/src/**/*",
        ],
        "web.assets_tests": [
            "chain_commission/static/tests/tours/**/*",
        ],
    },
    "installable": True,
}
