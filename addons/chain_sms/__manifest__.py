{
    "name": "Chain SMS",
    "summary": "SMS for the chain's members: provider gateways (Alibaba Cloud, Tencent Cloud, "
    "Twilio, Odoo IAP), templates per event and language, consent, verification codes and "
    "campaigns",
    "version": "18.0.1.0.0",
    "category": "Marketing/SMS Marketing",
    "website": "https://github.com/chain-member-suite/chain-member-suite",
    "author": "Chain Member Suite",
    "license": "LGPL-3",
    "depends": ["chain_member", "chain_wallet", "sms"],
    "external_dependencies": {"python": ["tencentcloud-sdk-python-sms"]},
    "data": [
        "security/ir.model.access.csv",
        "security/chain_sms_rules.xml",
        "data/chain_sms_event_data.xml",
        "data/chain_sms_template_data.xml",
        "data/ir_cron_data.xml",
        "views/chain_sms_gateway_views.xml",
        "views/chain_sms_template_views.xml",
        "views/chain_sms_event_views.xml",
        "views/chain_sms_segment_views.xml",
        "views/chain_sms_campaign_views.xml",
        "views/chain_sms_inbound_views.xml",
        "views/chain_sms_verification_views.xml",
        "views/sms_sms_views.xml",
        "views/res_partner_views.xml",
        "views/res_config_settings_views.xml",
        "views/chain_sms_portal_templates.xml",
        "wizard/chain_sms_campaign_test_views.xml",
        "views/chain_sms_menus.xml",
    ],
    "assets": {
        "point_of_sale._assets_pos": [
            "chain_sms/static/src/wallet/**/*",
        ],
        "web.assets_tests": [
            "chain_sms/static/tests/tours/**/*",
        ],
    },
    "installable": True,
}
