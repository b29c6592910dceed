import json
import logging
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from odoo.tests import HOST, tagged

from odoo.addons.point_of_sale.tests.test_frontend import TestPointOfSaleHttpCommon

_logger = logging.getLogger(__name__)
PROXY_DIR = Path(__file__).resolve().parents[1] / "proxy"
TOKEN = "tour-token-5f1c2e9a"
MEMBER_CARD = "0420000000017"  # "042": the customer barcode rule of the default nomenclature


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@tagged("post_install", "-at_install")
class TestPosHardwareProxyTour(TestPointOfSaleHttpCommon):
    """The POS, in Chromium, with the real proxy running in simulator mode."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sim_dir = Path(tempfile.mkdtemp(prefix="chain_pos_hw_tour_"))
        cls.addClassCleanup(shutil.rmtree, cls.sim_dir, True)
        cls.proxy_url = cls._start_proxy()
        cls.main_pos_config.write(
            {"chain_hw_proxy_url": cls.proxy_url, "chain_hw_proxy_token": TOKEN}
        )
        cls.main_pos_config.company_id.point_of_sale_use_ticket_qr_code = True
        cls.member = cls.env["res.partner"].create({"name": "Swipe Member", "barcode": MEMBER_CARD})

    @classmethod
    def _start_proxy(cls):
        port = _free_port()
        odoo_port = cls.http_port()
        config = cls.sim_dir / "proxy.conf"
        config.write_text(
            f"""[proxy]
host = 127.0.0.1
port = {port}
token = {TOKEN}
allowed_origins = http://{HOST}:{odoo_port} http://localhost:{odoo_port}
log_level = info

[printer:main]
type = sim
default = yes

[reader:card]
type = sim

[display:pole]
type = sim
encoding = gb18030
""",
            encoding="utf-8",
        )
        log = open(cls.sim_dir / "proxy.log", "wb")  # closed at class cleanup
        cls.addClassCleanup(log.close)
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "chain_hw_proxy",
                "--config",
                str(config),
                "--sim-dir",
                str(cls.sim_dir),
            ],
            env=cls._proxy_environment(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        cls.addClassCleanup(cls._stop_proxy, process)
        url = f"http://127.0.0.1:{port}"
        cls._wait_until_healthy(url, process)
        return url

    @staticmethod
    def _proxy_environment():
        """This test's token and origins, whatever the shell running the tests has set."""
        env = dict(os.environ, PYTHONPATH=str(PROXY_DIR))
        env.pop("CHAIN_HW_PROXY_TOKEN", None)
        env.pop("CHAIN_HW_PROXY_ORIGINS", None)
        return env

    @classmethod
    def _wait_until_healthy(cls, url, process):
        request = urllib.request.Request(url + "/v1/health", headers={"X-Chain-Proxy-Token": TOKEN})
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError((cls.sim_dir / "proxy.log").read_text())
            try:
                with urllib.request.urlopen(request, timeout=2) as response:
                    if json.load(response)["status"] == "ok":
                        return
            except (urllib.error.URLError, OSError):
                time.sleep(0.2)
        raise RuntimeError("the hardware proxy did not start")

    @classmethod
    def _stop_proxy(cls, process):
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        _logger.info("hardware proxy log:\n%s", (cls.sim_dir / "proxy.log").read_text())

    def _printed_text(self, fragment):
        """The simulated printer's output once it contains ``fragment`` (the print is async)."""
        path = self.sim_dir / "printer-main.txt"
        deadline = time.monotonic() + 15
        text = ""
        while time.monotonic() < deadline:
            text = path.read_text(encoding="utf-8") if path.exists() else ""
            if fragment in text:
                break
            time.sleep(0.2)
        return text

    def test_receipt_prints_through_the_proxy_and_a_swipe_selects_the_member(self):
        self.main_pos_config.with_user(self.pos_user).open_ui()
        self.start_pos_tour("ChainPosHwPrintTour")

        order = self.env["pos.order"].search(
            [("session_id", "=", self.main_pos_config.current_session_id.id)]
        )
        self.assertEqual(len(order), 1)
        self.assertEqual(order.partner_id, self.member, "the swipe did not select the member")
        self.assertEqual(order.nb_print, 1)

        text = self._printed_text(order.pos_reference)
        self.assertIn(order.pos_reference, text)
        self.assertIn("Desk Pad", text)
        self.assertIn(self.main_pos_config.company_id.name, text)
        self.assertIn("[QR ", text)
        self.assertIn(f"[BARCODE {order.pos_reference.split()[-1]}]", text)
        self.assertEqual(text.count("[CUT]"), 1, "the receipt printed more than once")
        # Opened once by hand on the payment screen, once by the cash payment.
        self.assertEqual(text.count("[DRAWER KICK pin 2]"), 2)
