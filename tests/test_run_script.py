"""The README's commands and the production files, checked as a newcomer would use them."""

import os
import shutil
import subprocess
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

