import datetime
import re

from odoo import Command, fields
from odoo.tests import TransactionCase, new_test_user

from .provider_servers import FakeAlibaba, FakeTencent, FakeTwilio

PLACEHOLDER = re.compile(r"\{(\w+)\}")

ALIBABA = {"key": "LTAI5tTestKeyId0001", "secret": "AliTestSecret-8f2c9d"}
TENCENT = {"key": "AKIDtestSecretId0001", "secret": "TcTestSecretKey-77ab", "app": "1400123456"}
TWILIO = {"key": "AC00000000000000000000000000000001", "secret": "twilio-auth-token-5e1f"}
SIGN_NAME = "链会员"
TWILIO_FROM = "+15005550006"


class SimulatedCrash(BaseException):
    """Odoo dying between the provider's answer and the commit (not an Exception, so that
    nothing on the way catches it)."""


class ChainSmsCase(TransactionCase):
    """Three local provider servers, a gateway for each, stores, users of every role, members.

    The servers speak the providers' APIs and check their signatures; every event template has
    a template code on the Alibaba and Tencent gateways whose approved text is the template's
    own body, so what a handset receives can be compared with the rendered template.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls._start_servers()
        cls.company = cls.env.company
        cls.company.write(
            {
                "chain_sms_quiet_start": 0.0,  # no quiet hours unless a test sets them
                "chain_sms_quiet_end": 0.0,
                "chain_phone_country_id": cls.env.ref("base.cn").id,
            }
        )
        Gateway = cls.env["chain.sms.gateway"]
        common = {"company_id": cls.company.id, "timeout": 0.5, "rate_limit": 0, "max_attempts": 4}
        cls.gw_alibaba = Gateway.create(
            {
                **common,
                "name": "Alibaba test",
                "provider": "alibaba",
                "endpoint": cls.alibaba.url + "/",
                "api_key": ALIBABA["key"],
                "api_secret": ALIBABA["secret"],
                "sign_name": SIGN_NAME,
                "price_per_message": 0.045,
            }
        )
        cls.gw_tencent = Gateway.create(
            {
                **common,
                "name": "Tencent test",
                "provider": "tencent",
                "endpoint": cls.tencent.url,
                "api_key": TENCENT["key"],
                "api_secret": TENCENT["secret"],
                "app_id": TENCENT["app"],
                "sign_name": SIGN_NAME,
            }
        )
        cls.gw_twilio = Gateway.create(
            {
                **common,
                "name": "Twilio test",
                "provider": "twilio",
                "endpoint": cls.twilio.url,
                "api_key": TWILIO["key"],
                "api_secret": TWILIO["secret"],
                "sender": TWILIO_FROM,
            }
        )
        cls.gw_iap = Gateway.create({**common, "name": "Odoo IAP", "provider": "iap"})
        cls._register_template_codes()
        cls.use_gateway(cls.gw_alibaba)

        Store = cls.env["chain.store"]
        cls.hq = Store.get_headquarters() or Store.create(
            {"code": "S-HQ", "name": "总部", "kind": "headquarters"}
        )
        cls.store_a = Store.create({"code": "S-A", "name": "南京路店", "kind": "direct"})
        cls.store_b = Store.create({"code": "S-B", "name": "徐家汇店", "kind": "direct"})
        cls.cashier = cls._user("sms_cashier", "chain_member.group_chain_cashier", cls.store_a)
        cls.store_manager = cls._user(
            "sms_store_manager", "chain_member.group_chain_store_manager", cls.store_a
        )
        cls.hq_manager = cls._user("sms_hq", "chain_member.group_chain_hq_manager", cls.hq)
        cls.merchant = cls._user(
            "sms_merchant", "chain_member.group_chain_partner_merchant", cls.store_b
        )
        cls.mei = cls._member("梅 Mei", "+8613800138001", store=cls.store_a, marketing=True)
        cls.lei = cls._member("雷 Lei", "+8613800138002", store=cls.store_b, lang="en_US")

    @classmethod
    def _start_servers(cls):
        templates_ali, templates_tc = {}, {}
        cls.alibaba = FakeAlibaba(
            ALIBABA["key"], ALIBABA["secret"], SIGN_NAME, templates_ali
        ).start()
        cls.tencent = FakeTencent(
            TENCENT["key"], TENCENT["secret"], TENCENT["app"], SIGN_NAME, templates_tc
        ).start()
        cls.twilio = FakeTwilio(TWILIO["key"], TWILIO["secret"], TWILIO_FROM).start()
        for server in (cls.alibaba, cls.tencent, cls.twilio):
            server.timeout_delay = 1.0
            cls.addClassCleanup(server.stop)

    @classmethod
    def _register_template_codes(cls):
        """Each template approved by both mainland providers, with its own text."""
        codes = []
        for template in cls.env["chain.sms.template"].with_context(active_test=False).search([]):
            cls._approve(template, codes)
        cls.env["chain.sms.template.code"].create(codes)

    @classmethod
    def _approve(cls, template, codes=None):
        names = list(dict.fromkeys(PLACEHOLDER.findall(template.body)))
        ali_code, tc_code = f"SMS_{900000 + template.id}", str(500000 + template.id)
        cls.alibaba.templates[ali_code] = (
            PLACEHOLDER.sub(lambda m: "${" + m.group(1) + "}", template.body),
            names,
        )
        cls.tencent.templates[tc_code] = PLACEHOLDER.sub(
            lambda m: "{" + str(names.index(m.group(1)) + 1) + "}", template.body
        )
        values = [
            {
                "template_id": template.id,
                "gateway_id": cls.gw_alibaba.id,
                "code": ali_code,
                "param_names": ",".join(names),
            },
            {
                "template_id": template.id,
                "gateway_id": cls.gw_tencent.id,
                "code": tc_code,
                "param_names": ",".join(names),
            },
        ]
        if codes is None:
            cls.env["chain.sms.template.code"].create(values)
        else:
            codes.extend(values)

    @classmethod
    def use_gateway(cls, gateway):
        cls.company.sudo().chain_sms_gateway_id = gateway

    @classmethod
    def _user(cls, login, group, store):
        user = new_test_user(
            cls.env, login=login, groups=group, name=login.replace("_", " ").title()
        )
        user.chain_store_ids = [Command.set(store.ids)]
        return user

    @classmethod
    def _member(
        cls, name, mobile, store=None, marketing=False, transactional=True, lang="zh_CN", **vals
    ):
        if lang != "en_US":
            cls.env["res.lang"]._activate_lang(lang)
        partner = cls.env["res.partner"].create(
            {
                "name": name,
                "is_member": True,
                "mobile": mobile,
                "home_store_id": store.id if store else False,
                "marketing_consent": marketing,
                "transactional_consent": transactional,
                "lang": lang,
                **vals,
            }
        )
        # chain_member raises "registration" for a new member: tests start with an empty queue
        cls.env["sms.sms"].search([("partner_id", "=", partner.id)]).unlink()
        return partner

    def setUp(self):
        super().setUp()
        for server in (self.alibaba, self.tencent, self.twilio):
            server.reset()

    # -- helpers --------------------------------------------------------------------------------
    def run_queue(self):
        """What Odoo's SMS cron does."""
        self.env["sms.sms"]._process_queue()

    def make_due(self, messages):
        """Let time pass until the messages' retry time."""
        messages.write(
            {"chain_next_attempt": fields.Datetime.now() - datetime.timedelta(seconds=1)}
        )

    def messages_of(self, partner):
        return self.env["sms.sms"].search([("partner_id", "=", partner.id)], order="id")

    def event(self, partner, code, store=None, **values):
        """Raise a member event as the other addons do; returns the SMS it queued."""
        before = self.messages_of(partner)
        partner._chain_member_event(code, values, store=store)
        return self.messages_of(partner) - before

    def server_of(self, gateway):
        return {"alibaba": self.alibaba, "tencent": self.tencent, "twilio": self.twilio}[
            gateway.provider
        ]

    def national(self, number, gateway):
        return number[3:] if gateway.provider == "alibaba" else number
