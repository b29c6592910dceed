"""Customer displays: a serial 2x20 pole display (three command sets) and the web display."""

import pytest

from .conftest import TOKEN, wait_for

ORDER = {
    "lines": [
        {"name": "可口可乐 330ml", "qty": "2", "unit_price": "￥3.50", "price": "￥7.00"},
        {"name": "Whole wheat bread", "qty": "1", "price": "￥121.50", "selected": True},
    ],
    "total": "￥128.50",
    "total_label": "合计",
}

# How each command set frames the upper and lower line (what a display expects).
FRAMES = {
    "epson": (b"\x1f$\x01\x01", b"", b"\x1f$\x01\x02", b""),
    "cd5220": (b"\x1bQA", b"\r", b"\x1bQB", b"\r"),
    "aedex": (b"!#1", b"\r", b"!#2", b"\r"),
}


def last_screen(data, commands, encoding, columns=20):
    """The two lines of the last complete frame in ``data``; each line must be exactly
    ``columns`` bytes (one byte per column, two for a Chinese character in GB18030)."""
    top_prefix, top_end, bottom_prefix, bottom_end = FRAMES[commands]
    start = data.rfind(top_prefix)
    assert start >= 0, f"no frame in {data!r}"
    top_at = start + len(top_prefix)
    top = data[top_at : top_at + columns]
    rest = data[top_at + columns :]
    assert rest.startswith(top_end + bottom_prefix), f"bad frame {data[start:]!r}"
    bottom_at = len(top_end + bottom_prefix)
    bottom = rest[bottom_at : bottom_at + columns]
    assert len(bottom) == columns and rest[bottom_at + columns :].startswith(bottom_end)
    return top.decode(encoding), bottom.decode(encoding)


def display_config(port, commands="epson", encoding="gb18030"):
    return f"""
    [printer:main]
    type = sim

    [display:pole]
    type = serial
    port = {port}
    commands = {commands}
    encoding = {encoding}
    welcome = Welcome
    reconnect_interval = 0.1
    """


@pytest.fixture
def pole(start_proxy, pty_device):
    def make(commands="epson", encoding="gb18030"):
        device = pty_device(f"pole-{commands}")
        collector = device.reader()
        proxy = start_proxy(display_config(device.link, commands, encoding))
        wait_for(lambda: collector.snapshot(), message="the display's first frame")
        return proxy, device, collector

    return make


def shown(collector, commands, encoding, expected):
    """Wait until the display shows ``expected`` (top, bottom); return what it shows."""

    def screen():
        data = collector.snapshot()
        try:
            lines = last_screen(data, commands, encoding)
        except AssertionError:
            return None
        return lines if lines == expected else None

    try:
        return wait_for(screen, timeout=5)
    except AssertionError:
        return last_screen(collector.snapshot(), commands, encoding)


def test_pole_display_shows_the_selected_line_and_the_total(pole):
    proxy, _device, collector = pole()
    assert shown(collector, "epson", "gb18030", ("Welcome" + " " * 13, " " * 20))
    status, body, _headers = proxy.client.post("/v1/display", ORDER)
    assert status == 200, body
    expected = ("Whole wheat ￥121.50", "合计        ￥128.50")
    assert shown(collector, "epson", "gb18030", expected) == expected


def test_pole_display_shows_the_change_once_paid(pole):
    proxy, _device, collector = pole()
    proxy.client.post("/v1/display", dict(ORDER, change="￥1.50", change_label="找零"))
    expected = ("Whole wheat ￥121.50", "找零          ￥1.50")
    assert shown(collector, "epson", "gb18030", expected) == expected


@pytest.mark.parametrize("commands", ["cd5220", "aedex"])
def test_other_command_sets_and_an_ascii_only_display(pole, commands):
    proxy, _device, collector = pole(commands, "ascii")
    order = dict(ORDER, lines=[dict(ORDER["lines"][0], selected=True)])
    proxy.client.post("/v1/display", order)
    # Characters the display cannot show are left out; the amounts stay right-aligned.
    expected = ("330ml" + " " * 11 + "7.00", " " * 14 + "128.50")
    assert shown(collector, commands, "ascii", expected) == expected


def test_simulated_display_writes_its_two_lines(sim_proxy):
    sim_proxy.client.post("/v1/display", ORDER)
    path = sim_proxy.sim_dir / "display-pole.txt"
    expected = "Whole wheat ￥121.50\n合计        ￥128.50\n"
    wait_for(lambda: path.exists() and path.read_text(encoding="utf-8") == expected)


def test_web_customer_display_gets_every_update(sim_proxy):
    client = sim_proxy.client
    status, page, headers = client.get(f"/display?token={TOKEN}", origin=None, token=None)
    assert status == 200 and b"/v1/events?types=display" in page
    assert headers["Referrer-Policy"] == "no-referrer"
    after = client.last_seq()
    client.post("/v1/display", ORDER)
    event = client.wait_event(after, "display")
    assert event["state"]["total"] == "￥128.50"
    assert [line["name"] for line in event["state"]["lines"]][1] == "Whole wheat bread"
    status, body, _headers = client.get("/v1/display", origin=f"http://127.0.0.1:{sim_proxy.port}")
    assert status == 200 and body["state"]["total_label"] == "合计"


def test_web_customer_display_page_needs_the_token(sim_proxy):
    status, _body, _headers = sim_proxy.client.get("/display?token=wrong", origin=None, token=None)
    assert status == 401
    status, _body, _headers = sim_proxy.client.get("/display", origin=None, token=None)
    assert status == 401


def test_a_malformed_display_update_is_refused(sim_proxy):
    for body in ({"lines": "x"}, {"lines": [1]}, {"total": {"a": 1}}, {"total": "9" * 500}):
        status, answer, _headers = sim_proxy.client.post("/v1/display", body)
        assert status == 400 and answer["error"] == "invalid_display"
