"""Receipts: the bytes sent to the printer, parsed back; printing through the proxy."""

import base64
import io
import threading

from chain_hw_proxy.config import PrinterConfig
from chain_hw_proxy.receipt import ReceiptRenderer
from escpos.printer import Dummy
from PIL import Image

from .conftest import wait_for
from .escpos_parser import find_text, parse, texts

RECEIPT = {
    "header": ["链式会员超市", "上海市浦东新区世纪大道 100 号"],
    "title": "Order 00001-001-0001",
    "info": [["收银员", "张三"]],
    "lines": [
        {"name": "可口可乐 330ml", "qty": "2", "unit_price": "￥3.50", "price": "￥7.00"},
        {"name": "Whole wheat bread", "price": "￥121.50", "note": "切片"},
    ],
    "totals": [
        {"label": "合计", "value": "￥128.50", "strong": True},
        {"label": "现金", "value": "￥130.00"},
        {"label": "找零", "value": "￥1.50"},
    ],
    "footer": ["谢谢惠顾"],
    "qr": "https://erp.example.com/pos/ticket/ABC123",
    "barcode": "00001-001-0001",
}


def render(receipt=RECEIPT, **config):
    return ReceiptRenderer(PrinterConfig("main", **config)).render(receipt)


def test_chinese_text_goes_out_in_chinese_mode_as_gb18030():
    ops = parse(render())
    total = find_text(ops, "合计")
    assert total.value.endswith("￥128.50")
    assert total.style.chinese and total.style.bold
    assert total.style.double and total.style.chinese_double  # both fonts doubled for the total
    assert "?" not in "".join(texts(ops))
    # What python-escpos alone does: the yen becomes "?", and Chinese never switches the
    # printer to Chinese mode.
    dummy = Dummy(profile="TM-T88V")
    dummy.text("￥128.50\n")
    assert b"?128.50" in dummy.output
    dummy.text("合计\n")
    assert b"\x1c&" not in dummy.output


def test_receipt_layout_fits_the_paper_and_keeps_amounts_right_aligned():
    ops = parse(render(columns=42))
    widths = {
        op.value: sum(2 if ord(c) > 0x2E7F else 1 for c in op.value)
        for op in ops
        if op.kind == "text"
    }
    assert max(widths.values()) <= 42
    line = find_text(ops, "2 x ￥3.50")
    assert line.value.endswith("￥7.00") and widths[line.value] == 42
    assert find_text(ops, "链式会员超市").style.align == 1  # centred header
    assert find_text(ops, "切片").value == "  切片"  # the line note, indented


def test_receipt_starts_with_init_and_ends_with_qr_barcode_and_cut():
    ops = parse(render())
    assert ops[0].kind == "init"
    kinds = [op.kind for op in ops if op.kind != "text"]
    assert kinds[-4:] == ["qr", "barcode", "feed", "cut"]
    qr = next(op for op in ops if op.kind == "qr")
    assert qr.value == RECEIPT["qr"] and qr.style.align == 1
    barcode = next(op for op in ops if op.kind == "barcode")
    assert barcode.value == "00001-001-0001"
    assert (11 * len(barcode.value) + 35) * barcode.extra["w"] <= 512  # fits TM-T88V's 512 dots


def test_printer_without_chinese_font_gets_chinese_lines_as_images():
    ops = parse(render(chinese=False))
    images = [op for op in ops if op.kind == "image"]
    lines = texts(ops)
    assert "Order 00001-001-0001" in lines  # ASCII lines stay text
    assert not any("合计" in line for line in lines)
    assert not any(op.style.chinese for op in ops if op.kind == "text")
    assert images and all(op.value[0] == 512 and op.extra["ink"] > 0 for op in images)


def test_logo_is_printed_first_as_a_centred_image():
    buffer = io.BytesIO()
    Image.new("RGB", (300, 80), "black").save(buffer, "PNG")
    receipt = dict(RECEIPT, logo=base64.b64encode(buffer.getvalue()).decode())
    ops = parse(render(receipt))
    assert [op.kind for op in ops[:2]] == ["init", "image"]
    width, height = ops[1].value
    assert ops[1].style.align == 1 and width <= 512 and 0 < height <= 160


def test_print_through_the_simulator_writes_the_receipt(sim_proxy):
    status, body, _headers = sim_proxy.client.post(
        "/v1/print", {"job_id": "order-1:0", "receipt": RECEIPT}
    )
    assert status == 200 and body["state"] == "printed", body
    ops = parse(sim_proxy.printed_bytes())
    assert find_text(ops, "合计").value.endswith("￥128.50")
    text = sim_proxy.printed_text()
    assert (
        "===== order-1:0" in text and "￥128.50" in text and "[QR https://erp.example.com" in text
    )


def test_a_retried_job_prints_once(sim_proxy):
    payload = {"job_id": "order-2:0", "receipt": RECEIPT}
    results = []
    threads = [
        threading.Thread(target=lambda: results.append(sim_proxy.client.post("/v1/print", payload)))
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    status, body, _headers = sim_proxy.client.post("/v1/print", payload)
    assert status == 200 and body["duplicate"] is True
    assert sorted(result[1]["duplicate"] for result in results) == [False, True, True, True]
    assert [op.kind for op in parse(sim_proxy.printed_bytes())].count("cut") == 1


def test_a_job_retried_after_a_proxy_restart_prints_once(start_proxy, tmp_path):
    first = start_proxy(state_dir=tmp_path / "state")
    assert first.client.post("/v1/print", {"job_id": "order-3:0", "receipt": RECEIPT})[0] == 200
    first.server.stop()
    first.stopped = True
    second = start_proxy(state_dir=tmp_path / "state")
    status, body, _headers = second.client.post(
        "/v1/print", {"job_id": "order-3:0", "receipt": RECEIPT}
    )
    assert status == 200 and body["duplicate"] is True and body["state"] == "printed"
    assert second.printed_bytes() == b""


def test_paper_out_is_reported_and_the_job_prints_when_paper_is_back(sim_proxy):
    sim_proxy.set_printer_status("paper_out")
    after = sim_proxy.client.last_seq()
    status, body, _headers = sim_proxy.client.post(
        "/v1/print", {"job_id": "order-4:0", "receipt": RECEIPT}
    )
    assert status == 202 and body["state"] == "queued" and body["printer_status"] == "paper_out"
    event = sim_proxy.client.wait_event(after, "printer", lambda e: e["status"] == "paper_out")
    assert event["device"] == "main" and event["queued_jobs"] == 1
    assert sim_proxy.printed_bytes() == b""

    sim_proxy.set_printer_status("ok")
    sim_proxy.client.wait_event(after, "job", lambda e: e["job_id"] == "order-4:0")
    assert sim_proxy.client.get("/v1/jobs/order-4:0")[1]["state"] == "printed"
    assert [op.kind for op in parse(sim_proxy.printed_bytes())].count("cut") == 1


def test_cover_open_and_offline_are_reported(sim_proxy):
    for problem in ("cover_open", "offline"):
        sim_proxy.set_printer_status(problem)
        status, body, _headers = sim_proxy.client.post(
            "/v1/print", {"job_id": f"order-5-{problem}", "receipt": RECEIPT, "wait": 5}
        )
        assert status == 202 and body["printer_status"] == problem
        devices = sim_proxy.client.get("/v1/devices")[1]["devices"]
        assert next(d for d in devices if d["name"] == "main")["status"] == problem
    sim_proxy.set_printer_status("ok")
    wait_for(lambda: sim_proxy.client.get("/v1/jobs/order-5-offline")[1]["state"] == "printed")
    assert [op.kind for op in parse(sim_proxy.printed_bytes())].count("cut") == 2


def test_an_unprintable_receipt_is_refused(sim_proxy):
    for receipt in (
        None,
        {},
        {"lines": "not a list"},
        {"lines": [{"name": "x"}], "barcode": "条码"},
    ):
        status, body, _headers = sim_proxy.client.post(
            "/v1/print", {"job_id": "bad", "receipt": receipt}
        )
        assert status == 400 and body["error"] == "invalid_receipt", body
    status, body, _headers = sim_proxy.client.post("/v1/print", {"job_id": "", "receipt": RECEIPT})
    assert status == 400 and body["error"] == "invalid_job_id"
    assert sim_proxy.printed_bytes() == b""


def test_cash_drawer_kick_pulses_the_drawer_pin(sim_proxy):
    status, body, _headers = sim_proxy.client.post("/v1/drawer", {})
    assert status == 200, body
    ops = parse(sim_proxy.printed_bytes())
    assert [(op.kind, op.value) for op in ops] == [("kick", 2)]


def test_drawer_kick_reports_an_offline_printer(sim_proxy):
    sim_proxy.set_printer_status("offline")
    status, body, _headers = sim_proxy.client.post("/v1/drawer", {})
    assert status == 503 and body["error"] == "offline"
