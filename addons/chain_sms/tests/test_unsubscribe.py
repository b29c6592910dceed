from odoo.tests import tagged

from odoo.addons.chain_sms.tools.provider import InboundSms

from .common import ChainSmsCase


@tagged("post_install", "-at_install")
class TestUnsubscribe(ChainSmsCase):
    """A reply with an unsubscribe word withdraws the marketing consent."""

    def _reply(self, text, number=None):
        return self.env["chain.sms.inbound"]._chain_receive(
            self.gw_alibaba, [InboundSms(number=number or self.mei.mobile, text=text)]
        )

    def test_unsubscribe_words_in_any_case_and_width(self):
        Partner = self.env["res.partner"]
        for text in ("TD", "td", "退订", " T ", "n", "STOP", "Stop!", "ＴＤ", "ｓｔｏｐ", "退订。"):
            with self.subTest(text=text):
                self.assertTrue(Partner._chain_sms_is_unsubscribe(text))
        for text in ("", "hello", "TD please call me", "好的", "NO"):
            with self.subTest(text=text):
                self.assertFalse(Partner._chain_sms_is_unsubscribe(text))

    def test_a_reply_withdraws_the_marketing_consent_with_date_and_channel(self):
        reply = self._reply("退订")
        self.assertFalse(self.mei.marketing_consent)
        self.assertEqual(self.mei.marketing_consent_channel, "sms")
        self.assertTrue(self.mei.marketing_consent_date)
        self.assertTrue(self.mei.transactional_consent, "transactional consent is kept")
        self.assertEqual((reply.action, reply.partner_ids), ("unsubscribe", self.mei))
        self.assertFalse(self.event(self.mei, "birthday"))

    def test_other_replies_are_recorded_only(self):
        reply = self._reply("谢谢")
        self.assertTrue(self.mei.marketing_consent)
        self.assertEqual(reply.action, "none")

    def test_the_unsubscribe_words_are_configurable(self):
        self.env["ir.config_parameter"].set_param("chain_sms.unsubscribe_words", "QX,取消")
        self._reply("TD")
        self.assertTrue(self.mei.marketing_consent)
        self._reply("取消")
        self.assertFalse(self.mei.marketing_consent)
