import datetime

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from odoo.addons.chain_sms.tools.provider import InboundSms

from .common import ChainSmsCase


@tagged("post_install", "-at_install")
class TestCampaign(ChainSmsCase):
    """Campaigns to member segments: preview, set-based queueing, sending, results."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Tier = cls.env["chain.member.tier"]
        cls.gold = Tier.create({"name": "金卡", "sequence": 30})
        cls.silver = Tier.create({"name": "银卡", "sequence": 20})
        cls.mei.write({"member_tier_id": cls.gold.id, "birthday": "1990-05-12"})
        cls.lei.write(
            {"member_tier_id": cls.silver.id, "birthday": "1985-06-01", "marketing_consent": True}
        )
        cls.yan = cls._member("燕 Yan", "+8613800138003", store=cls.store_a, marketing=False)
        cls.blocked = cls._member("Blocked", "+8613800138004", store=cls.store_a, marketing=True)
        cls.env["phone.blacklist"].sudo().add(cls.blocked.mobile)
        cls._order(cls.mei, 600.0, days_ago=10)
        cls._order(cls.lei, 80.0, days_ago=400)
        cls.env.cr.execute(
            "UPDATE res_partner SET create_date = now() - interval '2 years' WHERE id = %s",
            [cls.lei.id],
        )
        cls.text_zh = cls.env.ref("chain_sms.template_campaign_zh")
        cls.text_en = cls.env.ref("chain_sms.template_campaign_en")
        cls.stores = cls.store_a | cls.store_b
        cls.everyone = cls.env["chain.sms.segment"].create(
            {"name": "Everyone of the test stores", "store_ids": [(6, 0, cls.stores.ids)]}
        )

    @classmethod
    def _order(cls, partner, amount, days_ago):
        if not getattr(cls, "_session_id", None):
            config = cls.env["pos.config"].search([], limit=1)
            cls.env.cr.execute(
                "INSERT INTO pos_session (config_id, user_id, name, state) "
                "VALUES (%s, %s, 'SMS/TEST', 'closed') RETURNING id",
                [config.id, cls.env.uid],
            )
            cls._session_id = cls.env.cr.fetchone()[0]
        cls.env.cr.execute(
            """INSERT INTO pos_order (company_id, session_id, name, amount_tax, amount_total,
                                      chain_member_spend, amount_paid, amount_return, partner_id,
                                      date_order, state)
               VALUES (%s, %s, %s, 0, %s, %s, %s, 0, %s, %s, 'paid')""",
            [
                cls.env.company.id,
                cls._session_id,
                f"SMS/{partner.id}/{days_ago}",
                amount,
                amount,
                amount,
                partner.id,
                fields.Datetime.now() - datetime.timedelta(days=days_ago),
            ],
        )

    def _campaign(self, segment=None, **vals):
        return self.env["chain.sms.campaign"].create(
            {
                "name": "Member week",
                "segment_id": (segment or self.everyone).id,
                "template_ids": [(6, 0, (self.text_zh | self.text_en).ids)],
                **vals,
            }
        )

    def _members(self, **filters):
        filters.setdefault("store_ids", [(6, 0, self.stores.ids)])
        segment = self.env["chain.sms.segment"].create({"name": "S", **filters})
        self.env.cr.execute(segment._chain_member_query())
        return self.env["res.partner"].browse([row[0] for row in self.env.cr.fetchall()])

    def test_segments_filter_members_with_consent_once_per_number(self):
        everyone = self._members()
        self.assertIn(self.mei, everyone)
        self.assertIn(self.lei, everyone)
        self.assertNotIn(self.yan, everyone, "no marketing consent")
        self.assertNotIn(self.blocked, everyone, "blacklisted number")

    def test_segment_filters(self):
        self.assertEqual(self._members(tier_ids=[(6, 0, self.gold.ids)]), self.mei)
        self.assertEqual(self._members(store_ids=[(6, 0, self.store_b.ids)]), self.lei)
        self.assertEqual(self._members(birthday_month="6"), self.lei)
        self.assertEqual(self._members(dormant_days=90), self.lei)
        self.assertEqual(self._members(spend_min=500), self.mei)
        self.assertEqual(self._members(spend_max=100), self.lei, "old orders are out of the period")
        self.assertEqual(self._members(spend_days=500, spend_min=50, spend_max=100), self.lei)

    def test_segment_birthday_month_is_the_coming_one_and_counts_lunar_birthdays(self):
        # lunar 11-20: 2024-12-20, none in 2025, 2026-01-08 and 2026-12-28 (borax)
        from borax.calendars.lunardate import LunarDate

        self.mei.write(
            {
                "birthday_calendar": "lunar",
                "birthday_lunar_month": 11,
                "birthday_lunar_day": 20,
                "marketing_consent": True,
            }
        )
        self.mei.flush_recordset()  # the segment's query reads the table
        self.assertEqual(LunarDate(2025, 11, 20).to_solar_date(), datetime.date(2026, 1, 8))
        with freeze_time("2025-11-15 04:00:00"):
            # January is the coming January, 2026's: the lunar birthday is in it, not the
            # solar date of birth (1990-05-12) in May
            self.assertEqual(self._members(birthday_month="1"), self.mei)
            self.assertFalse(self._members(birthday_month="12"), "none in December 2025")
            self.assertFalse(self._members(birthday_month="11"))
            self.assertEqual(self._members(birthday_month="6"), self.lei)
        with freeze_time("2026-01-20 04:00:00"):
            self.assertEqual(self._members(birthday_month="1"), self.mei)
            self.assertEqual(self._members(birthday_month="12"), self.mei, "2026-12-28")
            self.assertFalse(self._members(birthday_month="5"))

    def test_preview_counts_recipients_and_estimates_the_cost(self):
        campaign = self._campaign()
        self.assertEqual(campaign.recipient_count, 2)
        self.assertEqual(campaign.no_consent_count, 1, "Yan")
        self.assertEqual(campaign.segments_per_message, 1)
        self.assertAlmostEqual(campaign.cost_estimate, 2 * 0.045)
        self.assertIn(self.env.user.name, campaign.preview)

    def test_queueing_renders_each_members_language_in_one_insert(self):
        campaign = self._campaign()
        self.assertEqual(campaign._chain_queue(), 2)
        messages = self.env["sms.sms"].search([("chain_campaign_id", "=", campaign.id)])
        by_partner = {sms.partner_id: sms for sms in messages}
        self.assertEqual(
            by_partner[self.mei].body, "梅 Mei，本周会员日全场95折，欢迎到南京路店选购。回T退订"
        )
        self.assertEqual(
            by_partner[self.lei].body,
            "雷 Lei, member week: 5% off everything at 徐家汇店. Reply STOP to opt out.",
        )
        self.assertEqual(by_partner[self.lei].chain_template_id, self.text_en)
        self.assertEqual(by_partner[self.mei].chain_template_params["store"], "南京路店")
        self.assertEqual(set(messages.mapped("state")), {"outgoing"})
        self.assertTrue(all(messages.mapped("chain_marketing")))
        self.assertEqual(len(set(messages.mapped("uuid"))), 2)
        self.assertEqual(campaign.state, "queued")
        with self.assertRaises(UserError):
            campaign._chain_queue()

    def test_a_campaign_is_sent_and_its_results_counted(self):
        self.alibaba.undeliverable.add("13800138002")
        campaign = self._campaign()
        campaign.action_send_now()
        self.run_queue()
        self.assertEqual(self.alibaba.texts_to("13800138001")[0][:5], "梅 Mei")
        self.env["sms.sms"]._cron_chain_maintenance()
        self.env["chain.sms.inbound"]._chain_receive(
            self.gw_alibaba, [InboundSms(number=self.mei.mobile, text="TD")]
        )
        campaign.invalidate_recordset()
        self.assertEqual(
            (
                campaign.message_count,
                campaign.sent_count,
                campaign.delivered_count,
                campaign.failed_count,
                campaign.opted_out_count,
            ),
            (2, 1, 1, 1, 1),
        )
        self.assertFalse(self.mei.marketing_consent)
        self.env["chain.sms.campaign"]._cron_send_scheduled()
        self.assertEqual(campaign.state, "done")

    def test_campaign_through_tencent_uses_the_approved_template(self):
        self.use_gateway(self.gw_tencent)
        campaign = self._campaign()
        campaign.action_send_now()
        self.run_queue()
        campaign.invalidate_recordset()
        self.assertEqual(campaign.sent_count, 2)
        self.assertEqual(
            self.tencent.texts_to(self.mei.mobile),
            ["梅 Mei，本周会员日全场95折，欢迎到南京路店选购。回T退订"],
        )

    def test_a_campaign_queued_at_night_waits_for_the_morning(self):
        self.company.write({"chain_sms_quiet_start": 21.0, "chain_sms_quiet_end": 8.0})
        with freeze_time("2026-05-01 15:00:00"):  # 23:00 in Shanghai
            campaign = self._campaign()
            campaign.action_send_now()
            self.run_queue()
            messages = self.env["sms.sms"].search([("chain_campaign_id", "=", campaign.id)])
            self.assertEqual(
                set(messages.mapped("chain_next_attempt")), {datetime.datetime(2026, 5, 2, 0, 0)}
            )
            self.assertEqual(set(messages.mapped("state")), {"outgoing"})
        self.assertFalse(self.alibaba.messages)

    def test_scheduled_campaigns_are_queued_by_the_cron(self):
        campaign = self._campaign(scheduled_at=fields.Datetime.now() + datetime.timedelta(hours=1))
        campaign.action_schedule()
        Campaign = self.env["chain.sms.campaign"]
        Campaign._cron_send_scheduled()
        self.assertEqual(campaign.state, "scheduled")
        campaign.scheduled_at = fields.Datetime.now() - datetime.timedelta(minutes=1)
        Campaign._cron_send_scheduled()
        self.assertEqual((campaign.state, campaign.message_count), ("queued", 2))

    def test_cancel_stops_what_is_not_sent(self):
        campaign = self._campaign()
        campaign.action_send_now()
        campaign.action_cancel()
        messages = self.env["sms.sms"].search([("chain_campaign_id", "=", campaign.id)])
        self.assertEqual(set(messages.mapped("state")), {"canceled"})
        self.run_queue()
        self.assertFalse(self.alibaba.messages)

    def test_a_test_send_goes_out_now_and_is_not_counted(self):
        campaign = self._campaign()
        wizard = Form(
            self.env["chain.sms.campaign.test"].with_context(default_campaign_id=campaign.id)
        )
        wizard.number = "138 0013 8088"
        wizard.save().action_send()
        self.assertEqual(len(self.alibaba.texts_to("13800138088")), 1)
        self.assertEqual(campaign.message_count, 0)

    def test_only_hq_runs_campaigns(self):
        campaign = self._campaign()
        for user in (self.cashier, self.store_manager, self.merchant):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                campaign.with_user(user).read(["name"])
        hq_campaign = campaign.with_user(self.hq_manager)
        self.assertEqual(hq_campaign.recipient_count, 2)
        hq_campaign.action_send_now()
        self.assertEqual(campaign.state, "queued")
