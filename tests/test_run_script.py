"""The README's commands and the production files, checked as a newcomer would use them."""

import os
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.request
import zipfile

import pytest
from conftest import REPO


def run(*args, env=None, timeout=600):
    return subprocess.run(
        ["bash", str(REPO / "run"), *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=timeout,
    )


def test_run_refuses_clearly_when_odoo_is_missing(tmp_path):
    result = run("setup", env={"ODOO_ROOT": str(tmp_path)})
    assert result.returncode != 0
    assert f"No Odoo at ODOO_ROOT={tmp_path}" in result.stderr


def test_run_refuses_an_odoo_that_is_not_18(tmp_path):
    (tmp_path / "odoo").mkdir()
    (tmp_path / "odoo-bin").write_text("")
    (tmp_path / "odoo" / "release.py").write_text("version_info = (17, 0, 0, FINAL, 0, '')\n")
    result = run("setup", env={"ODOO_ROOT": str(tmp_path)})
    assert result.returncode != 0
    assert "is not 18.0" in result.stderr


def test_ci_entry_point_fails_with_a_message_without_odoo(tmp_path):
    result = subprocess.run(
        ["bash", str(REPO / ".ci" / "run")],
        capture_output=True,
        text=True,
        env={**os.environ, "ODOO_ROOT": str(tmp_path)},
        timeout=60,
    )
    assert result.returncode != 0
    assert "needs an Odoo 18.0 checkout" in result.stderr
    assert result.stdout.strip().splitlines()[-1] == "0 passed, 1 failed"


@pytest.mark.skipif(not shutil.which("docker-compose"), reason="Debian's docker-compose missing")
def test_docker_compose_file_is_valid_and_runs_odoo_postgres_and_the_proxy():
    result = subprocess.run(
        ["docker-compose", "-f", str(REPO / "docker-compose.yml"), "config"],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "image: odoo:18.0" in result.stdout
    assert "image: postgres:16" in result.stdout
    assert "hw-proxy" in result.stdout


def test_backup_and_restore_round_trip(test_db, tmp_path):
    archive = tmp_path / "chain.zip"
    restored = f"{test_db}_restored"
    backup = run("backup", str(archive), env={"CHAIN_DB": test_db})
    assert backup.returncode == 0, backup.stderr[-2000:]
    with zipfile.ZipFile(archive) as content:
        names = content.namelist()
    assert "dump.sql" in names and "manifest.json" in names
    assert any(name.startswith("filestore/") for name in names)
    try:
        restore = run("restore", str(archive), env={"CHAIN_DB": restored})
        assert restore.returncode == 0, restore.stderr[-2000:]
        count = subprocess.run(
            ["psql", "-U", "postgres", "-d", restored, "-tAc", "SELECT count(*) FROM chain_store"],
            capture_output=True,
            text=True,
        )
        assert int(count.stdout.strip()) >= 5
    finally:
        subprocess.run(["dropdb", "-U", "postgres", "--if-exists", restored])
        shutil.rmtree(REPO / ".local" / "filestore-root" / "filestore" / restored, True)


def test_run_serves_odoo_and_the_proxy_reusing_the_database(test_db):
    """`./run` on an existing database updates the addons, then serves Odoo and the proxy."""
    from conftest import free_port  # noqa: PLC0415

    http_port, proxy_port = free_port(), free_port()
    process = subprocess.Popen(
        ["bash", str(REPO / "run")],
        env={
            **os.environ,
            "CHAIN_DB": test_db,
            "HTTP_PORT": str(http_port),
            "PROXY_PORT": str(proxy_port),
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        assert wait_for(f"http://127.0.0.1:{http_port}/web/health", process), "Odoo did not serve"
        assert wait_for(f"http://127.0.0.1:{proxy_port}/v1/health", process), "proxy did not serve"
        login_page = urllib.request.urlopen(f"http://127.0.0.1:{http_port}/web/login", timeout=10)
        assert login_page.status == 200
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)


def wait_for(url, process, seconds=420):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            urllib.request.urlopen(url, timeout=2)
            return True
        except urllib.error.HTTPError:
            return True  # it answers (e.g. the proxy wants a token)
        except OSError:
            time.sleep(1)
    return False
