"""Devices unplugged and plugged back while the proxy runs."""

import socket
import threading

from .conftest import wait_for
from .escpos_parser import find_text, parse
from .test_display import ORDER, display_config, last_screen
from .test_printer import RECEIPT


def device_info(proxy, name):
    devices = proxy.client.get("/v1/devices")[1]["devices"]
    return next(device for device in devices if device["name"] == name)


def test_card_reader_unplugged_and_plugged_back(start_proxy, pty_device):
    device = pty_device("reader")
    proxy = start_proxy(
        f"""
        [printer:main]
        type = sim

        [reader:card]
        type = serial
        port = {device.link}
        reconnect_interval = 0.1
        """
    )
    wait_for(lambda: device_info(proxy, "card")["connected"])
    after = proxy.client.last_seq()
    device.unplug()
    event = proxy.client.wait_event(after, "device", lambda e: e["device"] == "card")
    assert event["connected"] is False
    assert proxy.client.get("/v1/health")[1]["devices"]["card"] == "offline"

    device.plug()
    proxy.client.wait_event(after, "device", lambda e: e["device"] == "card" and e["connected"])
    device.write(b";6200000000000010=2512?\r")
    assert proxy.client.wait_event(after, "swipe")["code"] == "6200000000000010"


def test_pole_display_shows_the_current_order_again_after_a_replug(start_proxy, pty_device):
    device = pty_device("pole")
    collector = device.reader()
    proxy = start_proxy(display_config(device.link))
    wait_for(collector.snapshot)
    proxy.client.post("/v1/display", {"message": "First order"})
    wait_for(lambda: b"First order" in collector.snapshot())

    after = proxy.client.last_seq()
    device.unplug()
    proxy.client.post("/v1/display", ORDER)  # sent while the display is away
    proxy.client.wait_event(after, "device", lambda e: e["device"] == "pole" and not e["connected"])
    collector.clear()
    device.plug()

    expected = ("Whole wheat ￥121.50", "合计        ￥128.50")

    def replugged_screen():
        try:
            return last_screen(collector.snapshot(), "epson", "gb18030") == expected
        except AssertionError:
            return False

    wait_for(replugged_screen, message="the order on the replugged display")
    assert collector.snapshot().startswith(b"\x1b@")  # initialised again


class FakeNetworkPrinter:
    """An ESC/POS printer on TCP port 9100's protocol: records bytes, answers DLE EOT n."""

    OK_STATUS = {1: 0x12, 2: 0x12, 4: 0x12}

    def __init__(self):
        self.status = dict(self.OK_STATUS)
        self.received = bytearray()
        self._listener = None
        self._connections = []
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]

    def start(self):
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(4)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def stop(self):
        """Switch the printer off: no more connections."""
        self._listener.close()
        for connection in self._connections:
            connection.close()

    def _accept(self, listener):
        while True:
            try:
                connection, _address = listener.accept()
            except OSError:
                return
            self._connections.append(connection)
            threading.Thread(target=self._serve, args=(connection,), daemon=True).start()

    def _serve(self, connection):
        pending = b""
        while True:
            try:
                chunk = connection.recv(65536)
            except OSError:
                return
            if not chunk:
                return
            self.received += chunk
            pending += chunk
            while b"\x10\x04" in pending and len(pending) >= pending.index(b"\x10\x04") + 3:
                at = pending.index(b"\x10\x04")
                connection.sendall(bytes([self.status[pending[at + 2]]]))
                pending = pending[at + 3 :]
            pending = pending[-2:]

    def receipts(self):
        return [op for op in parse(bytes(self.received)) if op.kind == "cut"]


def network_printer_config(printer):
    return f"""
    [printer:main]
    type = network
    host = 127.0.0.1
    tcp_port = {printer.port}
    timeout = 2
    status_interval = 0.2
    retry_interval = 0.1
    """


def test_network_printer_switched_off_then_on_prints_the_queued_job_once(start_proxy):
    printer = FakeNetworkPrinter()
    printer.start()
    proxy = start_proxy(network_printer_config(printer))
    wait_for(lambda: device_info(proxy, "main")["status"] == "ok")

    printer.stop()
    status, body, _headers = proxy.client.post("/v1/print", {"job_id": "net-1", "receipt": RECEIPT})
    assert status == 202 and body["printer_status"] == "offline"

    printer.start()
    wait_for(lambda: proxy.client.get("/v1/jobs/net-1")[1]["state"] == "printed")
    assert len(printer.receipts()) == 1
    assert find_text(parse(bytes(printer.received)), "合计").value.endswith("￥128.50")


def test_network_printer_paper_out_and_cover_open_from_its_status_bytes(start_proxy):
    printer = FakeNetworkPrinter()
    printer.start()
    proxy = start_proxy(network_printer_config(printer))
    for problem, status_bytes in (
        ("paper_out", {1: 0x1A, 2: 0x32, 4: 0x72}),
        ("cover_open", {1: 0x1A, 2: 0x16, 4: 0x12}),
    ):
        printer.status = status_bytes
        status, body, _headers = proxy.client.post(
            "/v1/print", {"job_id": f"net-{problem}", "receipt": RECEIPT}
        )
        assert status == 202 and body["printer_status"] == problem
    assert printer.receipts() == []

    printer.status = dict(FakeNetworkPrinter.OK_STATUS)
    wait_for(lambda: len(printer.receipts()) == 2, message="both queued receipts")
    assert device_info(proxy, "main")["queued_jobs"] == 0


def answer_status_ok(chunk):
    """A serial printer answering every DLE EOT n with "all fine"."""
    return b"\x12" * chunk.count(b"\x10\x04")


def serial_printer_config(link):
    return f"""
    [printer:main]
    type = serial
    port = {link}
    timeout = 1
    status_interval = 0.2
    retry_interval = 0.1
    """


def test_serial_printer_unplugged_and_plugged_back_prints_the_job_once(start_proxy, pty_device):
    device = pty_device("printer")
    collector = device.reader(respond=answer_status_ok)
    proxy = start_proxy(serial_printer_config(device.link))
    wait_for(lambda: device_info(proxy, "main")["status"] == "ok")

    device.unplug()
    status, body, _headers = proxy.client.post("/v1/print", {"job_id": "ser-1", "receipt": RECEIPT})
    assert status == 202 and body["printer_status"] == "offline"
    device.plug()
    wait_for(lambda: proxy.client.get("/v1/jobs/ser-1")[1]["state"] == "printed")
    ops = parse(collector.snapshot())
    assert [op.kind for op in ops].count("cut") == 1
    assert find_text(ops, "合计").value.endswith("￥128.50")


def test_a_printer_that_never_answers_its_status_still_prints(start_proxy, pty_device):
    device = pty_device("silent-printer")
    collector = device.reader()
    proxy = start_proxy(serial_printer_config(device.link))
    status, body, _headers = proxy.client.post("/v1/print", {"job_id": "ser-2", "receipt": RECEIPT})
    assert status == 200 and body["state"] == "printed"
    assert device_info(proxy, "main")["status"] == "unknown"
    wait_for(lambda: b"\x1dV" in collector.snapshot())
