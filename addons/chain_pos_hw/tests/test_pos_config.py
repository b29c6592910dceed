from unittest.mock import patch

from odoo.exceptions import ValidationError
from odoo.tests import TransactionCase, tagged

from odoo.addons.point_of_sale.models.pos_load_mixin import PosLoadMixin

from ..models.pos_config import CHAIN_HW_POS_FIELDS


@tagged("post_install", "-at_install")
class TestPosConfigHardwareProxy(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = cls.env["res.users"].create(
            {
                "name": "POS Manager",
                "login": "chain_pos_hw_manager",
                "groups_id": [
                    (4, cls.env.ref("point_of_sale.group_pos_manager").id),
                    (4, cls.env.ref("base.group_system").id),  # to open the settings
                ],
            }
        )
        cls.config = cls.env["pos.config"].create({"name": "Till 1"})

    def test_proxy_settings_are_saved_from_the_pos_settings(self):
        settings = (
            self.env["res.config.settings"]
            .with_user(self.manager)
            .create({"pos_config_id": self.config.id})
        )
        settings.write(
            {
                "pos_chain_hw_proxy_url": "http://127.0.0.1:8070",
                "pos_chain_hw_proxy_token": "s3cret-token",
                "pos_chain_hw_cashdrawer": False,
            }
        )
        settings.execute()
        self.assertEqual(self.config.chain_hw_proxy_url, "http://127.0.0.1:8070")
        self.assertEqual(self.config.chain_hw_proxy_token, "s3cret-token")
        self.assertFalse(self.config.chain_hw_cashdrawer)
        self.assertTrue(self.config.chain_hw_customer_display)

    def test_a_proxy_url_that_is_not_an_http_origin_is_refused(self):
        for url in (
            "127.0.0.1:8070",
            "ftp://127.0.0.1",
            "http://127.0.0.1:8070/v1/print",
            "http://",
        ):
            with self.subTest(url=url), self.assertRaises(ValidationError):
                self.config.with_user(self.manager).chain_hw_proxy_url = url
        for url in ("http://127.0.0.1:8070", "https://till-3.shop.lan:8070/"):
            self.config.with_user(self.manager).chain_hw_proxy_url = url

    def test_the_pos_loads_the_proxy_settings(self):
        self.config.write(
            {"chain_hw_proxy_url": "http://127.0.0.1:8070", "chain_hw_proxy_token": "s3cret"}
        )
        self.config.open_ui()
        data = self.config.current_session_id.load_data(["pos.config"])
        loaded = data["pos.config"]["data"][0]
        self.assertEqual(loaded["chain_hw_proxy_url"], "http://127.0.0.1:8070")
        self.assertEqual(loaded["chain_hw_proxy_token"], "s3cret")
        self.assertTrue(loaded["chain_hw_cashdrawer"])

    def test_an_explicit_field_list_gets_the_proxy_fields(self):
        """Another module may restrict pos.config's fields: ours must stay loaded."""
        with patch.object(PosLoadMixin, "_load_pos_data_fields", lambda self, _id: ["name"]):
            fields_list = self.env["pos.config"]._load_pos_data_fields(self.config.id)
        self.assertEqual(fields_list, ["name", *CHAIN_HW_POS_FIELDS])
