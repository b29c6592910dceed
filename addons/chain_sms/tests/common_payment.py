import re

from odoo.addons.chain_wallet.tests.common_wallet import WalletPosCase

from .common import ALIBABA, PLACEHOLDER, SIGN_NAME
from .provider_servers import FakeAlibaba


class PaymentCodeCase(WalletPosCase):
    """The till's stored-value tender with SMS codes for large payments: an Alibaba test server,
    codes from 500, the member's mobile (+8613800138101), helpers to authorise and sync."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.alibaba = FakeAlibaba(ALIBABA["key"], ALIBABA["secret"], SIGN_NAME, {}).start()
        cls.alibaba.timeout_delay = 1.0
        cls.addClassCleanup(cls.alibaba.stop)
        gateway = cls.env["chain.sms.gateway"].create(
            {
                "name": "Alibaba (payment codes)",
                "provider": "alibaba",
                "company_id": cls.company.id,
                "endpoint": cls.alibaba.url + "/",
                "api_key": ALIBABA["key"],
                "api_secret": ALIBABA["secret"],
                "sign_name": SIGN_NAME,
                "timeout": 0.5,
                "rate_limit": 0,
            }
        )
        for template in cls.env["chain.sms.template"].search([]):
            names = list(dict.fromkeys(PLACEHOLDER.findall(template.body)))
            code = f"SMS_{700000 + template.id}"
            cls.alibaba.templates[code] = (
                PLACEHOLDER.sub(lambda m: "${" + m.group(1) + "}", template.body),
                names,
            )
            cls.env["chain.sms.template.code"].create(
                {
                    "template_id": template.id,
                    "gateway_id": gateway.id,
                    "code": code,
                    "param_names": ",".join(names),
                }
            )
        cls.company.sudo().write(
            {
                "chain_sms_gateway_id": gateway.id,
                "chain_sms_payment_code": True,
                "chain_sms_payment_code_threshold": 500.0,
                "chain_sms_quiet_start": 0.0,
                "chain_sms_quiet_end": 0.0,
            }
        )
        cls.member.write({"mobile": "+8613800138101", "transactional_consent": True})
        cls.Partner = cls.env["res.partner"].with_user(cls.cashier_a)

    def setUp(self):
        super().setUp()
        self.alibaba.reset()
        self.topup(2000)

    # -- helpers --------------------------------------------------------------------------------
    def authorize(self, amount, order_uuid, **kwargs):
        return self.Partner.chain_wallet_authorize(
            self.member.id, amount, order_uuid, self.config_a.id, **kwargs
        )

    def codes_received(self):
        texts = self.alibaba.texts_to("13800138101")
        return [re.search(r"\d{6}", text).group(0) for text in texts if "verification" in text]

    def wrong(self, code):
        return f"{(int(code) + 1) % 10**6:06d}"

    def paid_order(self, amount, token="", **kwargs):
        return self.order_vals(
            self.session_a,
            [(self.haircut, 1, amount)],
            [(self.wallet_method, amount, {"transaction_id": token})],
            **kwargs,
        )
