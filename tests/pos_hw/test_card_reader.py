"""Card readers on a serial line (a pty pair, or a pyserial socket:// URL) and the simulator."""

import os
import socket
import threading

import pytest
from chain_hw_proxy.devices.reader import extract_code

from .conftest import wait_for


def reader_config(port):
    return f"""
    [printer:main]
    type = sim

    [reader:card]
    type = serial
    port = {port}
    reconnect_interval = 0.1
    """


def device_info(proxy, name):
    devices = proxy.client.get("/v1/devices")[1]["devices"]
    return next(device for device in devices if device["name"] == name)


@pytest.fixture
def serial_reader(start_proxy, pty_device):
    device = pty_device("card-reader")
    proxy = start_proxy(reader_config(device.link))
    wait_for(lambda: device_info(proxy, "card")["connected"], message="reader connected")
    return proxy, device


@pytest.mark.parametrize(
    ("sent", "code"),
    [
        (b";6200000000000001=25121011234?\r", "6200000000000001"),  # magstripe track 2
        (b"%B6200000000000002^ZHANG/SAN^2512101?;6200000000000002=2512?\r\n", "6200000000000002"),
        (b"\x020012345678\x03", "0012345678"),  # 125 kHz RFID reader: STX id ETX
        (b"04A2B3C4D5E6F7\n", "04A2B3C4D5E6F7"),  # IC card UID
    ],
)
def test_a_swipe_reaches_the_pos_as_an_event(serial_reader, sent, code):
    proxy, device = serial_reader
    after = proxy.client.last_seq()
    device.write(sent)
    event = proxy.client.wait_event(after, "swipe")
    assert event["code"] == code and event["device"] == "card"
    assert "ZHANG" not in str(event)  # the card holder's name never leaves the proxy


def test_garbage_on_the_line_is_dropped_and_the_reader_keeps_working(serial_reader):
    proxy, device = serial_reader
    after = proxy.client.last_seq()
    device.write(
        os.urandom(64).replace(b"\r", b"").replace(b"\n", b"").replace(b"\x03", b"") + b"\r"
    )
    device.write(b"\xff\xfe\x00\x01;123\x80456?\r")  # binary inside a track
    device.write(b"A" * 5000)  # a line that never ends...
    device.write(b"\r")  # ...and its end
    device.write(b"\x1b[2J\r\n\r\n\x00\x00\r")  # terminal noise and empty lines
    device.write(b";6200000000000003=2512?\r")
    event = proxy.client.wait_event(after, "swipe")
    assert event["code"] == "6200000000000003"  # the first swipe after the garbage
    info = device_info(proxy, "card")
    assert info["connected"] and info["swipes"] == 1 and info["garbage_lines"] >= 3
    assert proxy.client.get("/v1/health")[0] == 200


def test_the_same_card_read_twice_at_once_is_one_swipe(serial_reader):
    proxy, device = serial_reader
    after = proxy.client.last_seq()
    device.write(b";6200000000000004=2512?\r;6200000000000004=2512?\r;6200000000000005?\r")
    event = proxy.client.wait_event(after, "swipe", lambda e: e["code"] == "6200000000000005")
    codes = [e["code"] for e in proxy.client.events(after, "swipe", timeout=0)["events"]]
    assert codes == ["6200000000000004", "6200000000000005"]
    assert event["seq"] > after


def test_a_reader_behind_a_pyserial_url(start_proxy):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    proxy = start_proxy(reader_config(f"socket://127.0.0.1:{server.getsockname()[1]}"))
    connection, _address = server.accept()
    wait_for(lambda: device_info(proxy, "card")["connected"])
    after = proxy.client.last_seq()
    connection.sendall(b";6200000000000006?\r")
    assert proxy.client.wait_event(after, "swipe")["code"] == "6200000000000006"
    connection.close()
    server.close()


def test_simulated_reader_takes_swipes_from_its_pty_and_from_http(sim_proxy):
    tty_path = sim_proxy.sim_dir / "reader-card.tty"
    after = sim_proxy.client.last_seq()
    with open(tty_path, "wb", buffering=0) as tty:
        tty.write(b";6200000000000007=2512?\r")
    assert sim_proxy.client.wait_event(after, "swipe")["code"] == "6200000000000007"
    status, body, _headers = sim_proxy.client.post(
        "/v1/sim/swipe", {"data": "%B6200000000000008^LI/SI^?"}
    )
    assert status == 200, body
    event = sim_proxy.client.wait_event(after, "swipe", lambda e: e["code"] != "6200000000000007")
    assert event["code"] == "6200000000000008"


def test_events_wait_for_a_swipe_and_return_it_at_once(sim_proxy):
    after = sim_proxy.client.last_seq()
    received = []
    waiter = threading.Thread(
        target=lambda: received.append(sim_proxy.client.events(after, "swipe", 20))
    )
    waiter.start()
    sim_proxy.client.post("/v1/sim/swipe", {"data": ";6200000000000009?"})
    waiter.join(timeout=20)
    assert received and [e["code"] for e in received[0]["events"]] == ["6200000000000009"]


@pytest.mark.parametrize(
    ("line", "code"),
    [
        (b"hello world", None),
        (b"\xe4\xbd\xa0\xe5\xa5\xbd", None),
        (b";=?", None),
        (b"12", None),
        (b" 0012345678 ", "0012345678"),
    ],
)
def test_lines_without_a_card_number_are_not_swipes(line, code):
    assert extract_code(line) == code
