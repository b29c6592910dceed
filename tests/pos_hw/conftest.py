"""Fixtures: a proxy started in-thread on a free port, with its own config and directories."""

import http.client
import json
import os
import select
import socket
import sys
import textwrap
import threading
import time
import tty
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PROXY_DIR = REPO / "addons" / "chain_pos_hw" / "proxy"
if str(PROXY_DIR) not in sys.path:
    sys.path.insert(0, str(PROXY_DIR))

from chain_hw_proxy.config import load_config  # noqa: E402
from chain_hw_proxy.server import ProxyServer  # noqa: E402

TOKEN = "test-token-0123456789"
ORIGIN = "http://localhost:8069"
DEFAULT = object()

BASE_CONFIG = f"""
[proxy]
host = 127.0.0.1
port = 0
token = {TOKEN}
allowed_origins = {ORIGIN} http://127.0.0.1:8069
log_level = warning
"""

SIM_DEVICES = """
[printer:main]
type = sim
columns = 42
default = yes
status_interval = 0.2
retry_interval = 0.1

[reader:card]
type = sim

[display:pole]
type = sim
encoding = gb18030
"""


def wait_for(predicate, timeout=10.0, message="condition"):
    """Poll ``predicate`` until it returns a truthy value (bounded wait, not a timing check)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {message}")
        time.sleep(0.02)


class Client:
    """A minimal HTTP client that behaves like the POS page (Origin and token headers)."""

    def __init__(self, port):
        self.port = port

    def request(
        self,
        method,
        path,
        body=None,
        origin=DEFAULT,
        token=DEFAULT,
        headers=None,
        raw=None,
        timeout=30,
    ):
        all_headers = {"Host": f"127.0.0.1:{self.port}"}
        if origin is not None:
            all_headers["Origin"] = ORIGIN if origin is DEFAULT else origin
        if token is not None:
            all_headers["X-Chain-Proxy-Token"] = TOKEN if token is DEFAULT else token
        data = raw
        if body is not None:
            data = json.dumps(body).encode()
            all_headers["Content-Type"] = "application/json"
        all_headers.update(headers or {})
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request(method, path, body=data, headers=all_headers)
            response = connection.getresponse()
            raw = response.read()
            content_type = response.getheader("Content-Type") or ""
            payload = (
                json.loads(raw) if raw and content_type.startswith("application/json") else raw
            )
            return response.status, payload, dict(response.getheaders())
        finally:
            connection.close()

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, body, **kwargs):
        return self.request("POST", path, body=body, **kwargs)

    def events(self, after, types, timeout=10):
        status, body, _headers = self.get(
            f"/v1/events?after={after}&types={types}&timeout={timeout}"
        )
        assert status == 200, body
        return body

    def last_seq(self):
        return self.events("", "none", timeout=0)["last"]

    def wait_event(self, after, types, predicate=lambda event: True, timeout=10):
        """The first event after ``after`` of ``types`` matching ``predicate``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            answer = self.events(after, types, timeout=max(0.1, deadline - time.monotonic()))
            for event in answer["events"]:
                if predicate(event):
                    return event
            after = answer["last"]
        raise AssertionError(f"no {types} event came")


class RunningProxy:
    def __init__(self, server, sim_dir, state_dir):
        self.server = server
        self.sim_dir = sim_dir
        self.state_dir = state_dir
        self.client = Client(server.server_address[1])
        self.port = server.server_address[1]

    def printed_bytes(self, printer="main"):
        path = self.sim_dir / f"printer-{printer}.bin"
        return path.read_bytes() if path.exists() else b""

    def printed_text(self, printer="main"):
        path = self.sim_dir / f"printer-{printer}.txt"
        return path.read_text(encoding="utf-8") if path.exists() else ""

    def set_printer_status(self, status, printer="main"):
        (self.sim_dir / f"printer-{printer}.status").write_text(status, encoding="utf-8")


@pytest.fixture(autouse=True)
def _no_proxy_environment(monkeypatch):
    """The proxy reads these variables; a developer's shell must not change the tests."""
    monkeypatch.delenv("CHAIN_HW_PROXY_TOKEN", raising=False)
    monkeypatch.delenv("CHAIN_HW_PROXY_ORIGINS", raising=False)


@pytest.fixture
def start_proxy(tmp_path):
    """``start_proxy(devices_ini, state_dir=None)`` starts a proxy; all are stopped at the end."""
    started = []

    def start(devices=SIM_DEVICES, state_dir=None, extra_proxy=""):
        index = len(started)
        config_path = tmp_path / f"proxy{index}.conf"
        state = state_dir or tmp_path / f"state{index}"
        text = (
            BASE_CONFIG
            + textwrap.dedent(extra_proxy)
            + f"state_dir = {state}\n"
            + textwrap.dedent(devices)
        )
        config_path.write_text(text, encoding="utf-8")
        sim_dir = tmp_path / f"sim{index}"
        config = load_config(config_path, sim_dir=str(sim_dir))
        config.state_dir = Path(state)
        server = ProxyServer(config).start()
        proxy = RunningProxy(server, sim_dir, Path(state))
        started.append(proxy)
        return proxy

    yield start
    for proxy in started:
        stop_proxy(proxy)


def stop_proxy(proxy):
    if getattr(proxy, "stopped", False):
        return
    proxy.stopped = True
    proxy.server.stop()


@pytest.fixture
def sim_proxy(start_proxy):
    return start_proxy()


class PtyDevice:
    """A serial device made of a pty pair, reachable through a stable symlink (like udev's
    /dev/serial/by-id names): ``unplug()`` and ``plug()`` make it disappear and come back.

    The lock keeps the collector thread from touching a closed (and maybe reused) fd.
    """

    def __init__(self, link):
        self.link = link
        self.master = None
        self.lock = threading.Lock()
        self.plug()

    def plug(self):
        master, slave = os.openpty()
        tty.setraw(slave)
        tty.setraw(master)
        slave_name = os.ttyname(slave)
        os.close(slave)
        with self.lock:
            self.master = master
        if self.link.is_symlink():
            self.link.unlink()
        self.link.symlink_to(slave_name)

    def unplug(self):
        if self.link.is_symlink():
            self.link.unlink()
        with self.lock:
            master, self.master = self.master, None
            os.close(master)

    def write(self, data):
        with self.lock:
            os.write(self.master, data)

    def reader(self, respond=None):
        """Collect everything the proxy writes to this device, in a background thread;
        ``respond(chunk)`` may return bytes to answer (a printer's status, say)."""
        return PtyCollector(self, respond)

    def close(self):
        if self.master is not None:
            self.unplug()


class PtyCollector:
    def __init__(self, device, respond=None):
        self.device = device
        self.respond = respond
        self.data = bytearray()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while True:
            with self.device.lock:
                chunk = self._read(self.device.master)
                reply = self.respond(chunk) if chunk and self.respond else None
                if reply and self.device.master is not None:
                    os.write(self.device.master, reply)
            if chunk:
                with self._lock:
                    self.data += chunk
            else:
                time.sleep(0.01)

    @staticmethod
    def _read(master):
        if master is None:
            return b""
        try:
            ready, _w, _x = select.select([master], [], [], 0.02)
            return os.read(master, 4096) if ready else b""
        except OSError:
            return b""

    def snapshot(self):
        with self._lock:
            return bytes(self.data)

    def clear(self):
        with self._lock:
            self.data.clear()


@pytest.fixture
def pty_device(tmp_path):
    devices = []

    def make(name):
        device = PtyDevice(tmp_path / name)
        devices.append(device)
        return device

    yield make
    for device in devices:
        device.close()


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
