"""Shared plumbing of the benchmarks: an Odoo environment on a throwaway database.

`./run bench NAME ...` runs `.venv/bin/python bench/NAME.py` with ODOO_ROOT, ADDONS_PATH,
CHAIN_DB_USER, PGHOST and PGPORT set.
"""

import os
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ODOO_ROOT = Path(os.environ.get("ODOO_ROOT", "/opt/odoo"))
sys.path.insert(0, str(ODOO_ROOT))

import odoo  # noqa: E402  (Odoo lives outside the project, at ODOO_ROOT)


def odoo_args():
    return [
        "--addons-path",
        os.environ.get("ADDONS_PATH", f"{ODOO_ROOT / 'addons'},{REPO / 'addons'}"),
        "--db_host",
        os.environ.get("PGHOST", "127.0.0.1"),
        "--db_port",
        os.environ.get("PGPORT", "5432"),
        "--db_user",
        os.environ.get("CHAIN_DB_USER", "odoo"),
        "--data-dir",
        str(REPO / ".local" / "filestore-root"),
    ]


def ensure_database(name, modules):
    """Create ``name`` with ``modules`` installed (no demo data) unless it exists."""
    exists = subprocess.run(
        [
            "psql",
            "-U",
            "postgres",
            "-d",
            "postgres",
            "-tAc",
            f"SELECT 1 FROM pg_database WHERE datname = '{name}'",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if exists == "1":
        return
    print(f"creating database {name} with {modules} (a few minutes)...", flush=True)
    subprocess.run(
        [
            sys.executable,
            str(ODOO_ROOT / "odoo-bin"),
            *odoo_args(),
            "-d",
            name,
            "-i",
            modules,
            "--without-demo",
            "all",
            "--stop-after-init",
            "--log-level",
            "warn",
        ],
        check=True,
    )


def load_registry(name):
    odoo.tools.config.parse_config(odoo_args())
    return odoo.modules.registry.Registry(name)


@contextmanager
def environment(registry):
    with registry.cursor() as cr:
        yield odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})


def timed(function, *args):
    start = time.perf_counter()
    result = function(*args)
    return (time.perf_counter() - start) * 1000, result


def percentile(samples, pct):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))]


def describe(samples):
    return (
        f"median {statistics.median(samples):8.2f} ms  p99 {percentile(samples, 99):8.2f} ms"
        f"  (n={len(samples)})"
    )
