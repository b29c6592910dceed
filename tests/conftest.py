"""Fixtures for the project's end-to-end tests.

`./run test` installs the addons with demo data in a fresh database and exports each
addon's translation template, then runs pytest with CHAIN_TEST_DB and CHAIN_POT_DIR set.
"""

import json
import os
import socket
import subprocess
import time
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
ODOO_ROOT = Path(os.environ.get("ODOO_ROOT", "/opt/odoo"))
# every addon of the repository (a folder of addons/ with a manifest): all are installed by the
# tests, all are checked (translations)
ADDON_NAMES = sorted(path.parent.name for path in (REPO / "addons").glob("*/__manifest__.py"))


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def test_db():
    name = os.environ.get("CHAIN_TEST_DB")
    if not name:
        pytest.skip("CHAIN_TEST_DB is not set: run these tests through `./run test`")
    return name


def odoo_command(*args):
    return [
        str(REPO / ".venv" / "bin" / "python"),
        str(ODOO_ROOT / "odoo-bin"),
        "-c",
        str(REPO / "odoo.conf"),
        "--addons-path",
        f"{ODOO_ROOT / 'addons'},{REPO / 'addons'}",
        "--db_host",
        os.environ.get("PGHOST", "127.0.0.1"),
        "--db_port",
        os.environ.get("PGPORT", "5432"),
        "--db_user",
        os.environ.get("CHAIN_DB_USER", "odoo"),
        "--db_password",
        "",
        "--data-dir",
        str(REPO / ".local" / "filestore-root"),
        "--workers",
        "0",
        "--max-cron-threads",
        "0",
        *args,
    ]


@pytest.fixture(scope="session")
def odoo_server(test_db, tmp_path_factory):
    """The demo database served by a real Odoo process on a free port."""
    port = free_port()
    log = tmp_path_factory.mktemp("odoo") / "server.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            odoo_command("-d", test_db, "--db-filter", f"^{test_db}$", "--http-port", str(port)),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{url}/web/health", timeout=2)
            break
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(f"Odoo exited: {log.read_text()[-3000:]}") from None
            time.sleep(0.5)
    else:
        process.kill()
        raise RuntimeError(f"Odoo did not answer: {log.read_text()[-3000:]}")
    yield url
    process.terminate()
    process.wait(timeout=30)


class OdooSession:
    """A browser-like JSON-RPC session of one user."""

    def __init__(self, url, db, login, password):
        self.url = url
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        self.uid = self.rpc(
            "/web/session/authenticate", {"db": db, "login": login, "password": password}
        )["uid"]

    def rpc(self, path, params):
        body = json.dumps({"jsonrpc": "2.0", "method": "call", "params": params}).encode()
        request = urllib.request.Request(
            self.url + path, data=body, headers={"Content-Type": "application/json"}
        )
        reply = json.loads(self.opener.open(request, timeout=60).read())
        if "error" in reply:
            raise OdooRpcError(reply["error"])
        return reply["result"]

    def call(self, model, method, *args, **kwargs):
        return self.rpc(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )


class OdooRpcError(Exception):
    def __init__(self, error):
        super().__init__(error.get("data", {}).get("message") or error.get("message"))
        self.name = error.get("data", {}).get("name", "")


@pytest.fixture(scope="session")
def login(odoo_server, test_db):
    def _login(user, password="demo"):
        return OdooSession(odoo_server, test_db, user, password)

    return _login
