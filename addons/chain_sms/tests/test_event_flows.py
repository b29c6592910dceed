import datetime

from odoo import Command, fields
from odoo.tests import tagged

from .common import ChainSmsCase


@tagged("post_install", "-at_install")
class TestEventFlows(ChainSmsCase):
    """Each member event raised by the real operation (wizard, service, nightly job) reaches
    the member's handset through a provider (the local Alibaba server)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.company
        cls.journal = cls.env["account.journal"].create(
            {"name": "SMS flows cash", "code": "SFC", "type": "cash", "company_id": company.id}
        )
        cls.env["chain.topup.rule"].search([]).active = False
        cls.env["ir.config_parameter"].sudo().set_param("chain_member.wallet_pin_required", "False")
        cls.haircut = cls.env["product.product"].create(
            {"name": "SMS Haircut", "type": "service", "list_price": 100.0}
        )
        cls.card_product = cls.env["product.product"].create(
            {
                "name": "5 SMS Haircuts",
                "type": "service",
                "list_price": 400.0,
                "chain_count_card": True,
                "chain_count_card_uses": 5,
                "chain_count_card_validity_days": 365,
                "chain_count_card_service_ids": [Command.set(cls.haircut.ids)],
            }
        )

    # -- helpers --------------------------------------------------------------------------------
    def received(self, code, partner=None):
        """The texts of event ``code`` that the provider delivered to ``partner``'s handset."""
        partner = partner or self.mei
        self.run_queue()
        templates = self.env["chain.sms.template"].search([("event_id.code", "=", code)])
        messages = self.messages_of(partner).filtered(
            lambda sms: sms.chain_template_id in templates
        )
        handset = self.alibaba.texts_to(self.national(partner.mobile, self.gw_alibaba))
        return [sms.body for sms in messages if sms.state == "pending" and sms.body in handset]

    def assertReceived(self, code, partner=None, count=1):
        texts = self.received(code, partner)
        self.assertEqual(len(texts), count, f"{code}: {texts}")
        return texts

    def issue_card(self, partner=None):
        wizard = (
            self.env["chain.member.card.issue"]
            .with_user(self.cashier)
            .create(
                {
                    "partner_id": (partner or self.mei).id,
                    "store_id": self.store_a.id,
                    "kind": "magstripe",
                }
            )
        )
        return self.env["chain.member.card"].browse(wizard.action_issue()["res_id"])

    def topup(self, amount):
        return (
            self.mei.with_user(self.cashier)
            ._chain_wallet_account(self.store_a)
            ._topup(amount, store=self.store_a, journal=self.journal)
        )

    # -- chain_member ----------------------------------------------------------------------------
    def test_registration(self):
        member = self.env["res.partner"].create(
            {
                "name": "新 New",
                "is_member": True,
                "mobile": "+8613800138077",
                "home_store_id": self.store_a.id,
                "transactional_consent": True,
            }
        )
        [text] = self.assertReceived("registration", member)
        self.assertIn("新 New", text)

    def test_card_issued_reported_lost_and_replaced(self):
        card = self.issue_card()
        [issued] = self.assertReceived("card_issued")
        self.assertIn(card.number[-4:], issued)
        self.env["chain.member.card.lost"].with_user(self.cashier).create(
            {"card_id": card.id, "store_id": self.store_a.id, "reason": "lost"}
        ).action_confirm()
        self.assertReceived("card_lost")
        self.env["chain.member.card.replace"].with_user(self.cashier).create(
            {"card_id": card.id, "store_id": self.store_a.id, "reason": "replace"}
        ).action_confirm()
        [replaced] = self.assertReceived("card_replaced")
        self.assertIn(card.replaced_by_id.number[-4:], replaced)

    def test_topup_balance_payment_and_withdrawal(self):
        self.topup(300)
        [topup] = self.assertReceived("topup")
        self.assertIn("300", topup)
        accounts = self.company._chain_wallet_accounts()
        self.mei.with_user(self.cashier)._chain_wallet_account(self.store_a)._pay(
            120, store=self.store_a, counterpart_account=accounts["breakage"]
        )
        [payment] = self.assertReceived("balance_payment")
        self.assertIn("120", payment)
        self.assertIn("180", payment, "the balance left")
        self.mei.with_user(self.store_manager)._chain_wallet_account(self.store_a)._withdraw(
            80, self.journal, "member moves away", store=self.store_a
        )
        [withdrawal] = self.assertReceived("withdrawal")
        self.assertIn("80", withdrawal)

    def test_count_card_used(self):
        package = (
            self.mei.env["chain.count.card.package"]
            .with_user(self.cashier)
            ._sell(self.mei, self.card_product, store=self.store_a, journal=self.journal)
        )
        package.with_user(self.cashier)._chain_count_card_use(store=self.store_a)
        [used] = self.assertReceived("count_card_used")
        self.assertIn("4", used, "uses left")

    def test_count_card_expiring_is_sent_once_before_the_expiry(self):
        package = (
            self.mei.env["chain.count.card.package"]
            .with_user(self.cashier)
            ._sell(self.mei, self.card_product, store=self.store_a, journal=self.journal)
        )
        Package = self.env["chain.count.card.package"]
        early = package.date_expiry - datetime.timedelta(days=8)
        self.assertFalse(Package._cron_chain_sms_expiring(today=early), "not yet")
        due = package.date_expiry - datetime.timedelta(days=7)
        self.assertEqual(Package._cron_chain_sms_expiring(today=due), package)
        self.assertEqual(Package._cron_chain_sms_expiring(today=due), Package, "once")
        [text] = self.assertReceived("count_card_expiring")
        self.assertIn(fields.Date.to_string(package.date_expiry), text)

    def test_count_card_expiring_yields_to_the_members_reminder(self):
        package = (
            self.mei.env["chain.count.card.package"]
            .with_user(self.cashier)
            ._sell(self.mei, self.card_product, store=self.store_a, journal=self.journal)
        )
        Reminder = self.env["chain.member.reminder"]
        Reminder._cron_raise_reminders(today=package.date_expiry - datetime.timedelta(days=14))
        self.assertReceived("reminder_count_card_expiring")
        due = package.date_expiry - datetime.timedelta(days=7)
        self.env["chain.count.card.package"]._cron_chain_sms_expiring(today=due)
        self.assertReceived("count_card_expiring", count=0)

    def test_tier_upgrade(self):
        tier = self.env["chain.member.tier"].create(
            {
                "name": "钻石 Diamond",
                "sequence": 999,
                "qualification": "spend",
                "spend_threshold": 0,
            }
        )
        self.mei._chain_evaluate_tier(store=self.store_a)
        self.assertEqual(self.mei.member_tier_id, tier)
        self.assertReceived("tier_upgrade")

    def test_birthday_greeting_on_the_day_once(self):
        today = datetime.date(2026, 5, 1)
        self.mei.birthday = datetime.date(1990, 5, 1)
        self.lei.write({"birthday": datetime.date(1991, 5, 1), "marketing_consent": False})
        Partner = self.env["res.partner"]
        eve = today - datetime.timedelta(days=1)
        self.assertNotIn(self.mei, Partner._cron_chain_sms_birthday_greetings(today=eve))
        greeted = Partner._cron_chain_sms_birthday_greetings(today=today)
        self.assertIn(self.mei, greeted)
        self.assertNotIn(self.lei, greeted, "no marketing consent")
        self.assertFalse(Partner._cron_chain_sms_birthday_greetings(today=today), "once a day")
        self.assertReceived("birthday")
        self.assertReceived("birthday", self.lei, count=0)

    def test_birthday_greeting_for_a_late_lunar_birthday_in_january(self):
        """Issue 13: lunar 11-20 of the 2025 lunar year is solar 2026-01-08."""
        from borax.calendars.lunardate import LunarDate

        january = LunarDate(2025, 11, 20).to_solar_date()
        self.assertEqual(january, datetime.date(2026, 1, 8))
        self.mei.write(
            {
                "birthday_calendar": "lunar",
                "birthday_lunar_month": 11,
                "birthday_lunar_day": 20,
                "birthday": datetime.date(1991, 1, 5),  # not the day celebrated
            }
        )
        self.lei.birthday = False
        Partner = self.env["res.partner"]
        for day in (january - datetime.timedelta(days=1), datetime.date(2026, 1, 5)):
            self.assertNotIn(self.mei, Partner._cron_chain_sms_birthday_greetings(today=day))
        self.assertIn(self.mei, Partner._cron_chain_sms_birthday_greetings(today=january))
        self.assertEqual(self.mei.chain_sms_birthday_greeted_on, january)
        self.assertReceived("birthday")
        december = LunarDate(2026, 11, 20).to_solar_date()
        self.assertEqual(december, datetime.date(2026, 12, 28))
        self.assertIn(self.mei, Partner._cron_chain_sms_birthday_greetings(today=december))
        self.assertReceived("birthday", count=2)

    def test_reminders(self):
        today = fields.Date.context_today(self.env["chain.member.reminder"])
        self.mei.birthday = today.replace(year=1990) + datetime.timedelta(days=3)
        self.env["chain.member.reminder"]._cron_raise_reminders(today=today)
        self.assertReceived("reminder_birthday")

    # -- chain_loyalty ---------------------------------------------------------------------------
    def _require_loyalty(self):
        if "chain.points.move" not in self.env:
            self.skipTest("chain_loyalty is not installed (CI installs every addon)")

    def test_points_earned_and_redeemed(self):
        self._require_loyalty()
        self.mei.with_user(self.cashier)._chain_points_account()._earn(200, store=self.store_a)
        [earned] = self.assertReceived("points_earned")
        self.assertIn("200", earned)
        self.mei.with_user(self.cashier)._chain_points_account()._spend(50, store=self.store_a)
        [redeemed] = self.assertReceived("points_redeemed")
        self.assertIn("50", redeemed)

    def test_points_expiring(self):
        self._require_loyalty()
        program = self.env["chain.points.program"]._get_program()
        program.expiry_reminder_days = 30
        today = fields.Date.context_today(self.mei)
        self.mei.with_user(self.cashier)._chain_points_account()._earn(
            70, store=self.store_a, expiry=today + datetime.timedelta(days=30)
        )
        self.env["res.partner"]._chain_points_remind_expiring(today=today)
        [text] = self.assertReceived("points_expiring")
        self.assertIn("70", text)
