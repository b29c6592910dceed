"""Benchmark of the hardware proxy: receipt rendering time and swipe-to-POS latency.

    ./run bench bench_pos_hw [--renders N] [--swipes N]

1. Receipt rendering: a 20-line Chinese receipt (header, lines, totals, QR, barcode) turned
   into ESC/POS bytes by the proxy, in Chinese text mode and in image mode (printers without
   a Chinese font). Baseline, same run: python-escpos's own ``Dummy.text()`` of the same
   receipt's text lines (what printing "as text" costs in the library, without layout, Chinese
   mode, QR or barcode).
2. Swipe latency: a swipe written to a pty (the card reader's serial line) until the event
   reaches an HTTP client long-polling ``/v1/events``, through the real proxy (in-process,
   on a free port). Baseline, same run: the bare pty round trip (write to one end, read the
   other), the floor any serial reader sits on.

No Odoo needed. Prints median and p99 of each, and the ratio to its baseline.
"""

import argparse
import http.client
import json
import os
import select
import statistics
import sys
import tempfile
import threading
import time
import tty
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "addons" / "chain_pos_hw" / "proxy"))

from chain_hw_proxy.config import PrinterConfig, load_config  # noqa: E402
from chain_hw_proxy.escpos_text import escpos_to_text  # noqa: E402
from chain_hw_proxy.receipt import ReceiptRenderer  # noqa: E402
from chain_hw_proxy.server import ProxyServer  # noqa: E402
from escpos.printer import Dummy  # noqa: E402

TOKEN = "bench-token-0123456789"


def sample_receipt(lines=20):
    return {
        "header": ["链式会员超市 浦东店", "上海市浦东新区世纪大道 100 号", "电话: 021-5888 0000"],
        "title": "Order 00042-003-0117",
        "info": [["日期", "2025-01-18 14:32"], ["收银员", "王小明"]],
        "lines": [
            {
                "name": f"商品 {index:02d} 有机牛奶 1L",
                "qty": "2",
                "unit_price": "￥12.80",
                "price": "￥25.60",
            }
            for index in range(lines)
        ],
        "totals": [
            {"label": "合计", "value": "￥512.00", "strong": True},
            {"label": "现金", "value": "￥520.00"},
            {"label": "找零", "value": "￥8.00"},
        ],
        "footer": ["谢谢惠顾，欢迎再次光临"],
        "qr": "https://erp.example.com/pos/ticket",
        "barcode": "00042-003-0117",
    }


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def timed(function, count):
    samples = []
    for _ in range(count):
        start = time.perf_counter()
        function()
        samples.append(time.perf_counter() - start)
    return samples


def report(name, samples, baseline):
    median, p99 = statistics.median(samples), percentile(samples, 0.99)
    base_median, base_p99 = statistics.median(baseline), percentile(baseline, 0.99)
    print(
        f"{name:<34} median {median * 1000:8.3f} ms   p99 {p99 * 1000:8.3f} ms   "
        f"baseline median {base_median * 1000:7.3f} ms   p99 {base_p99 * 1000:7.3f} ms   "
        f"ratio {median / base_median:7.2f}x"
    )
    return {
        "median_ms": median * 1000,
        "p99_ms": p99 * 1000,
        "baseline_median_ms": base_median * 1000,
        "baseline_p99_ms": base_p99 * 1000,
        "ratio": median / base_median,
    }


# -- 1. rendering -------------------------------------------------------------------------------
def bench_rendering(count):
    receipt = sample_receipt()
    text_renderer = ReceiptRenderer(PrinterConfig("bench", chinese=True))
    image_renderer = ReceiptRenderer(PrinterConfig("bench", chinese=False))
    lines = escpos_to_text(text_renderer.render(receipt)).splitlines()

    def library_text():
        printer = Dummy(profile="TM-T88V")
        for line in lines:
            printer.text(line + "\n")
        printer.cut()
        return printer.output

    for function in (library_text, lambda: text_renderer.render(receipt)):
        function()  # warm up (profile loading, caches)
    image_renderer.render(receipt)
    baseline = timed(library_text, count)
    results = {
        "render_text_mode": report(
            "receipt rendering, Chinese text",
            timed(lambda: text_renderer.render(receipt), count),
            baseline,
        ),
        "render_image_mode": report(
            "receipt rendering, image mode",
            timed(lambda: image_renderer.render(receipt), max(10, count // 10)),
            baseline,
        ),
    }
    return results


# -- 2. swipe latency ---------------------------------------------------------------------------
def pty_round_trip(count):
    master, slave = os.openpty()
    tty.setraw(slave)
    samples = []
    try:
        for _ in range(count):
            start = time.perf_counter()
            os.write(master, b";6200000000000001=2512?\r")
            received = b""
            while not received.endswith(b"\r"):
                select.select([slave], [], [], 1)
                received += os.read(slave, 256)
            samples.append(time.perf_counter() - start)
    finally:
        os.close(master)
        os.close(slave)
    return samples


def start_proxy(directory, reader_link):
    config_path = directory / "bench.conf"
    config_path.write_text(
        f"""[proxy]
host = 127.0.0.1
port = 0
token = {TOKEN}
allowed_origins = http://localhost:8069
state_dir = {directory}
log_level = warning

[printer:main]
type = sim

[reader:card]
type = serial
port = {reader_link}
reconnect_interval = 0.05
""",
        encoding="utf-8",
    )
    config = load_config(config_path, sim_dir=str(directory))
    return ProxyServer(config).start()


def wait_connected(connection):
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        devices = get(connection, "/v1/devices")["devices"]
        if all(device["connected"] for device in devices if device["kind"] == "reader"):
            return
        time.sleep(0.05)
    raise RuntimeError("the card reader did not connect")


def get(connection, path):
    headers = {"X-Chain-Proxy-Token": TOKEN, "Origin": "http://localhost:8069"}
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    return json.loads(response.read())


def long_poll(connection, path, answer):
    """One long poll; records when the answer arrived."""
    answer.update(get(connection, path))
    answer["at"] = time.perf_counter()


def swipe_latency(count):
    directory = Path(tempfile.mkdtemp(prefix="bench_pos_hw_"))
    master, slave = os.openpty()
    tty.setraw(slave)
    link = directory / "reader.tty"
    link.symlink_to(os.ttyname(slave))
    server = start_proxy(directory, link)
    connection = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=30)
    samples = []
    try:
        wait_connected(connection)
        last = get(connection, "/v1/events?timeout=0&types=none")["last"]
        for index in range(count):
            answer = {}
            path = f"/v1/events?types=swipe&timeout=10&after={last}"
            poll = threading.Thread(target=long_poll, args=(connection, path, answer))
            poll.start()
            time.sleep(0.03)  # let the long poll reach the proxy and wait there
            start = time.perf_counter()
            os.write(master, f";62000000{index:08d}=2512?\r".encode())
            poll.join()
            samples.append(answer["at"] - start)
            assert answer["events"][0]["code"] == f"62000000{index:08d}", answer
            last = answer["last"]
    finally:
        connection.close()
        server.stop()
        os.close(master)
        os.close(slave)
    return samples


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renders", type=int, default=500)
    parser.add_argument("--swipes", type=int, default=200)
    args = parser.parse_args()
    python = sys.version.split()[0]
    print(f"Chain POS hardware proxy benchmark (Python {python}, {os.cpu_count()} CPUs)")
    results = bench_rendering(args.renders)
    swipes = swipe_latency(args.swipes)
    results["swipe_to_event"] = report(
        "swipe -> event at HTTP client", swipes, pty_round_trip(args.swipes)
    )
    out = Path(__file__).resolve().parent / "results"
    out.mkdir(exist_ok=True)
    (out / "bench_pos_hw.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(f"results written to {out / 'bench_pos_hw.json'}")


if __name__ == "__main__":
    main()
