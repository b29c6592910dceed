from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import ALIBABA, ChainSmsCase


@tagged("post_install", "-at_install")
class TestAccessRights(ChainSmsCase):
    """HQ managers administer SMS; cashiers, store managers and merchants never see the
    gateways' credentials, templates or messages."""

    def test_only_hq_reads_gateway_credentials(self):
        self.assertEqual(self.gw_alibaba.with_user(self.hq_manager).api_secret, ALIBABA["secret"])
        for user in (self.cashier, self.store_manager, self.merchant):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    self.env["chain.sms.gateway"].with_user(user).search([])
                with self.assertRaises(AccessError):
                    self.gw_alibaba.with_user(user).read(["api_key", "api_secret"])

    def test_the_companys_gateway_is_hidden_from_store_staff(self):
        company = self.company.with_user(self.store_manager)
        with self.assertRaises(AccessError):
            company.read(["chain_sms_gateway_id"])
        self.assertNotIn("chain_sms_gateway_id", company.fields_get())
        self.assertIn("chain_sms_gateway_id", self.company.with_user(self.hq_manager).fields_get())

    def test_store_staff_see_no_templates_messages_or_replies(self):
        sms = self.event(self.mei, "topup", amount=1.0)
        for user in (self.cashier, self.store_manager):
            for model in (
                "chain.sms.template",
                "chain.sms.event",
                "chain.sms.segment",
                "chain.sms.inbound",
                "chain.sms.verification",
            ):
                with self.subTest(user=user.login, model=model), self.assertRaises(AccessError):
                    self.env[model].with_user(user).search([])
            with self.subTest(user=user.login, model="sms.sms"), self.assertRaises(AccessError):
                sms.with_user(user).read(["body"])

    def test_hq_administers_templates_events_and_messages(self):
        template = self.env.ref("chain_sms.template_topup_zh").with_user(self.hq_manager)
        template.body = "{member_name}：充值{amount}元，余额{balance}元。"
        self.env.ref("chain_sms.event_birthday").with_user(self.hq_manager).enabled = False
        sms = self.event(self.mei, "topup", amount=2.0, balance=3.0)
        self.assertEqual(sms.with_user(self.hq_manager).body, "梅 Mei：充值2.00元，余额3.00元。")

    def test_member_360_lists_the_members_messages_for_hq_only(self):
        sms = self.event(self.mei, "topup", amount=1.0)
        member = self.mei.with_user(self.hq_manager)
        self.assertEqual(member.chain_sms_count, 1)
        action = member.action_chain_sms_messages()
        messages = self.env["sms.sms"].with_user(self.hq_manager).search(action["domain"])
        self.assertEqual(messages, sms)
        for user in (self.cashier, self.store_manager):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.mei.with_user(user).read(["chain_sms_count"])
