"""tools/browser/chromium: the tours' browser, offline (every host but this machine fails at once).

The wrapper is found first in PATH by Odoo's test browser lookup (google-chrome, then chromium);
it must start the real browser, never itself, with the resolver rules, and say so when no browser
is installed.
"""

import os
import subprocess

from conftest import REPO

WRAPPER_DIR = REPO / "tools" / "browser"
RULES = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost"


def fake_browser(folder, name):
    """A browser that prints its own path and arguments, one per line."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text('#!/bin/sh\necho "$0"\nfor a in "$@"; do echo "$a"; done\n')
    path.chmod(0o755)
    return path


def base_tools(tmp_path):
    """A folder with the only program the wrapper needs (no browser in it: /usr/bin has one)."""
    folder = tmp_path / "tools"
    folder.mkdir()
    (folder / "dirname").symlink_to("/usr/bin/dirname")
    return folder


def run(name, path_dirs):
    env = dict(os.environ, PATH=os.pathsep.join(str(d) for d in path_dirs))
    return subprocess.run(
        [str(WRAPPER_DIR / name), "--headless", "about:blank"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_starts_the_real_browser_with_the_rules(tmp_path):
    real = fake_browser(tmp_path / "bin", "chromium")
    done = run("chromium", [WRAPPER_DIR, tmp_path / "bin", base_tools(tmp_path)])
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [str(real), RULES, "--headless", "about:blank"]


def test_google_chrome_name_is_the_same_wrapper(tmp_path):
    real = fake_browser(tmp_path / "bin", "google-chrome")
    fake_browser(tmp_path / "other", "chromium")
    done = run(
        "google-chrome", [WRAPPER_DIR, tmp_path / "bin", tmp_path / "other", base_tools(tmp_path)]
    )
    assert done.stdout.splitlines()[:2] == [str(real), RULES]


def test_no_browser_is_a_clear_error(tmp_path):
    done = run("chromium", [WRAPPER_DIR, base_tools(tmp_path)])
    assert done.returncode == 127
    assert "no Chromium or Chrome in PATH" in done.stderr
    assert done.stdout == ""
