from unittest.mock import patch

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .common import ALIBABA, PLACEHOLDER, SIGN_NAME
from .provider_servers import FakeAlibaba

VERIFICATION = "odoo.addons.chain_sms.models.chain_sms_verification.secrets.randbelow"


@tagged("post_install", "-at_install")
class TestPaymentCodeTour(HttpCase):
    """The till in headless Chromium: a large payment from the balance asks for the SMS code
    (static/tests/tours/chain_sms_tours.js)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
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
        cls.store = env["chain.store"].create({"code": "T-SMS", "name": "SMS Tour Store"})
        cls.cashier = new_test_user(
            env, login="sms_tour_cashier", groups="chain_member.group_chain_cashier"
        )
        cls.cashier.chain_store_ids = [Command.set(cls.store.ids)]
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
        cls.haircut = env["product.product"].create(
            {
                "name": "SMS Haircut",
                "type": "service",
                "list_price": 800.0,
                "available_in_pos": True,
                "taxes_id": [Command.clear()],
            }
        )
        journal = env["account.journal"].create(
            {"name": "SMS tour cash", "code": "STC", "type": "cash", "company_id": company.id}
        )
        cash = env["pos.payment.method"].create({"name": "Cash", "journal_id": journal.id})
        cls.config = env["pos.config"].create(
            {
                "name": "SMS Till",
                "chain_store_id": cls.store.id,
                "payment_method_ids": [Command.set(cash.ids)],
            }
        )
        cls.member._chain_wallet_account(cls.store)._topup(1000, store=cls.store, journal=journal)

    def test_large_balance_payment_asks_for_the_sms_code(self):
        with patch(VERIFICATION, return_value=123456):
            self.start_tour(
                f"/pos/ui?config_id={self.config.id}",
                "ChainSmsPaymentCodeTour",
                login="sms_tour_cashier",
            )
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
