from unittest.mock import patch

from odoo.tests import tagged

from odoo.addons.chain_member.tests.common_pos import ChainPosTourCommon

from .common import ALIBABA, PLACEHOLDER, SIGN_NAME
from .provider_servers import FakeAlibaba

VERIFICATION = "odoo.addons.chain_sms.models.chain_sms_verification.secrets.randbelow"


@tagged("post_install", "-at_install")
class TestPaymentCodeTour(ChainPosTourCommon):
    """The till in headless Chromium, on Odoo's POS tour fixture made a chain till
    (chain_member's ``ChainPosTourCommon``): a large payment from the balance asks for the SMS
    code (static/tests/tours/chain_sms_tours.js)."""

    store_code = "T-SMS"
    store_name = "SMS Tour Store"
    cashier_login = "sms_tour_cashier"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        company = env.company
        cls.alibaba = FakeAlibaba(ALIBABA["key"], ALIBABA["secret"], SIGN_NAME, {}).start()
        cls.addClassCleanup(cls.alibaba.stop)
        gateway = env["chain.sms.gateway"].create(
            {
                "name": "Alibaba (tour)",
                "provider": "alibaba",
                "company_id": company.id,
                "endpoint": cls.alibaba.url + "/",
                "api_key": ALIBABA["key"],
                "api_secret": ALIBABA["secret"],
                "sign_name": SIGN_NAME,
                "timeout": 2.0,
                "rate_limit": 0,
            }
        )
        template = env.ref("chain_sms.event_verification_code")._template_for_lang("en_US")
        names = list(dict.fromkeys(PLACEHOLDER.findall(template.body)))
        cls.alibaba.templates["SMS_TOUR"] = (
            PLACEHOLDER.sub(lambda m: "${" + m.group(1) + "}", template.body),
            names,
        )
        env["chain.sms.template.code"].create(
            {
                "template_id": template.id,
                "gateway_id": gateway.id,
                "code": "SMS_TOUR",
                "param_names": ",".join(names),
            }
        )
        company.sudo().write(
            {
                "chain_sms_gateway_id": gateway.id,
                "chain_sms_payment_code": True,
                "chain_sms_payment_code_threshold": 500.0,
                "chain_sms_quiet_start": 0.0,
                "chain_sms_quiet_end": 0.0,
            }
        )
        env["ir.config_parameter"].sudo().set_param("chain_member.wallet_pin_required", "False")
        cls.member = env["res.partner"].create(
            {
                "name": "AAA SMS Member",
                "is_member": True,
                "mobile": "+8613800138188",
                "lang": "en_US",
                "transactional_consent": True,
            }
        )
        env["chain.topup.rule"].search([]).active = False
        cls.haircut = cls._chain_product("SMS Haircut", 800.0)
        cls.member._chain_wallet_account(cls.store)._topup(
            1000, store=cls.store, journal=cls.cash_journal
        )

    def test_large_balance_payment_asks_for_the_sms_code(self):
        with patch(VERIFICATION, return_value=123456):
            self.start_chain_tour("ChainSmsPaymentCodeTour")
        texts = self.alibaba.texts_to("13800138188")
        self.assertEqual(len([text for text in texts if "123456" in text]), 1, texts)
        payment = self.env["chain.wallet.transaction"].search(
            [("partner_id", "=", self.member.id), ("kind", "=", "payment")]
        )
        self.assertEqual(payment.amount, -800)
        self.member.invalidate_recordset(["wallet_balance"])
        self.assertEqual(self.member.wallet_balance, 200)
        verification = self.env["chain.sms.verification"].search(
            [("partner_id", "=", self.member.id), ("purpose", "=", "payment")]
        )
        self.assertEqual((verification.state, verification.attempt_count), ("used", 1))
