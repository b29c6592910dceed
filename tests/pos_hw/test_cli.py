"""The proxy as ./run starts it: the command line and the shipped simulator configuration."""

import os
import signal
import subprocess
import sys

import pytest

from .conftest import PROXY_DIR, Client, free_port, wait_for
from .test_printer import RECEIPT

SIMULATOR_TOKEN = "simulator-token"


def spawn(*args, **env_vars):
    env = dict(os.environ, PYTHONPATH=str(PROXY_DIR))
    env.pop("CHAIN_HW_PROXY_TOKEN", None)
    env.pop("CHAIN_HW_PROXY_ORIGINS", None)
    env.update(env_vars)
    return subprocess.Popen(
        [sys.executable, "-m", "chain_hw_proxy", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.fixture
def simulator(tmp_path):
    port = free_port()
    process = spawn(
        "--config",
        str(PROXY_DIR / "proxy.simulator.conf"),
        "--port",
        str(port),
        "--sim-dir",
        str(tmp_path),
        CHAIN_HW_PROXY_ORIGINS="http://localhost:18069",  # as ./run does for another port
    )
    client = Client(port)

    def healthy():
        try:
            return client.get("/v1/health", token=SIMULATOR_TOKEN)[0] == 200
        except OSError:
            assert process.poll() is None, process.communicate()
            return False

    wait_for(healthy, timeout=20, message="the proxy to answer")
    yield process, client, tmp_path
    if process.poll() is None:
        process.kill()
        process.communicate()


def test_the_simulator_prints_and_stops_cleanly(simulator):
    process, client, sim_dir = simulator
    status, body, _headers = client.post(
        "/v1/print", {"job_id": "cli-1", "receipt": RECEIPT}, token=SIMULATOR_TOKEN
    )
    assert status == 200 and body["state"] == "printed"
    assert "￥128.50" in (sim_dir / "printer-main.txt").read_text(encoding="utf-8")
    assert (sim_dir / "reader-card.tty").is_symlink()

    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=15) == 0
    assert not (sim_dir / "reader-card.tty").exists()


def test_the_simulator_config_allows_the_odoo_origins_only(simulator):
    _process, client, _sim_dir = simulator
    for origin, expected in (
        ("http://localhost:8069", 200),
        ("http://127.0.0.1:8069", 200),
        ("http://localhost:18069", 200),
        ("http://localhost:8070.evil", 403),
    ):
        assert client.get("/v1/health", origin=origin, token=SIMULATOR_TOKEN)[0] == expected


def test_a_broken_config_stops_with_a_clear_message(tmp_path):
    config = tmp_path / "broken.conf"
    config.write_text("[proxy]\ntoken =\nallowed_origins = http://localhost:8069\n")
    process = spawn("--config", str(config))
    _out, err = process.communicate(timeout=20)
    assert process.returncode == 2 and "token is empty" in err
