#!/usr/bin/env bash
# Everything CI runs; called by `./run test` (which sets up the environment first) and .ci/run.
# Prints, last, one plain line "N passed, N failed" that counts every test it ran.
set -uo pipefail
: "${REPO:?}" "${ODOO_ROOT:?}" "${LOCAL:?}" "${ADDONS:?}" "${ADDONS_PATH:?}" "${CHAIN_DB_USER:?}"

TEST_DB="chain_test_$(date +%Y%m%d%H%M%S)_$$"
TEST_HTTP_PORT="${TEST_HTTP_PORT:-8169}"
LOGDIR="$LOCAL/test-logs"
mkdir -p "$LOGDIR"
ODOO_LOG="$LOGDIR/odoo.log"
PYTEST_XML="$LOGDIR/pytest.xml"
failures=0
say() { printf '\033[1m[test]\033[0m %s\n' "$*" >&2; }
# the tours' browser runs offline: every host but this machine fails at once (tools/browser/chromium)
export PATH="$REPO/tools/browser:$PATH"

odoo_bin() {
    python "$ODOO_ROOT/odoo-bin" -c "$REPO/odoo.conf" --addons-path "$ADDONS_PATH" \
        --db_host "$PGHOST" --db_port "$PGPORT" --db_user "$CHAIN_DB_USER" --db_password "" \
        --data-dir "$LOCAL/filestore-root" --workers 0 --max-cron-threads 0 --db-filter ".*" "$@"
}

# The upgrade test (its own databases and port) runs beside the rest: it is one Odoo process
# most of the time, and the 2 cores of CI's machine kind would otherwise idle through half of it.
say "Upgrade test (in the background): a database of the revision in tools/upgrade_from.txt upgraded with this tree"
UPGRADE_HTTP_PORT="$((TEST_HTTP_PORT + 2))" bash "$REPO/tools/upgrade_test.sh" \
    > "$LOGDIR/upgrade.log" 2>&1 &
upgrade_pid=$!

tags="$(echo "$ADDONS" | sed 's/\([^,]*\)/\/\1/g')"
say "Odoo: installing $ADDONS with demo data in a fresh database $TEST_DB, tests enabled ($tags)"
odoo_bin -d "$TEST_DB" -i "$ADDONS" --without-demo "" --test-enable --test-tags "$tags" \
    --http-port "$TEST_HTTP_PORT" --stop-after-init --log-level=test > "$ODOO_LOG" 2>&1
odoo_rc=$?
grep -E "(ERROR|FAIL|CRITICAL|Traceback|skipped|tests when loading)" "$ODOO_LOG" | tail -n 200 >&2 || true

summary="$(grep -E "[0-9]+ failed, [0-9]+ error\(s\) of [0-9]+ tests when loading database" "$ODOO_LOG" | tail -n 1)"
if [ -z "$summary" ]; then
    say "Odoo did not report a test summary (it probably failed to install): see $ODOO_LOG"
    tail -n 60 "$ODOO_LOG" >&2
    odoo_failed=1; odoo_run=1
else
    read -r o_fail o_err o_run <<<"$(echo "$summary" | sed -E 's/.* ([0-9]+) failed, ([0-9]+) error\(s\) of ([0-9]+) tests.*/\1 \2 \3/')"
    odoo_failed=$((o_fail + o_err)); odoo_run=$o_run
fi
browser_skips="$(grep -E "skipped .*(Chrome|websocket|browser)" "$ODOO_LOG" || true)"
if [ -n "$browser_skips" ]; then
    say "A browser test was skipped (Chromium or websocket-client missing): this counts as a failure"
    echo "$browser_skips" >&2
    odoo_failed=$((odoo_failed + $(echo "$browser_skips" | wc -l)))
fi
[ "$odoo_rc" -ne 0 ] && [ "$odoo_failed" -eq 0 ] && { say "odoo-bin exited $odoo_rc"; odoo_failed=1; }
[ "$odoo_failed" -gt 0 ] && failures=1
odoo_passed=$((odoo_run - odoo_failed)); [ $odoo_passed -lt 0 ] && odoo_passed=0

compat_tags="$(bash "$REPO/tools/odoo_compat.sh" --ci-tags)"
say "Odoo's own POS tours on the same database, the suite installed ($compat_tags)"
COMPAT_LOG="$LOGDIR/odoo-compat-ci.log"
odoo_bin -d "$TEST_DB" --test-enable --test-tags "$compat_tags" --http-port "$TEST_HTTP_PORT" \
    --stop-after-init --log-level=test > "$COMPAT_LOG" 2>&1
compat_rc=$?
grep -E "(ERROR|FAIL|CRITICAL|Traceback|skipped|tests when loading)" "$COMPAT_LOG" | tail -n 80 >&2 || true
summary="$(grep -E "[0-9]+ failed, [0-9]+ error\(s\) of [0-9]+ tests when loading database" "$COMPAT_LOG" | tail -n 1)"
if [ -z "$summary" ]; then
    say "Odoo's POS tours reported no summary: see $COMPAT_LOG"
    c_failed=1; c_run=1
else
    read -r c_fail c_err c_run <<<"$(echo "$summary" | sed -E 's/.* ([0-9]+) failed, ([0-9]+) error\(s\) of ([0-9]+) tests.*/\1 \2 \3/')"
    c_failed=$((c_fail + c_err))
fi
if grep -qE "skipped .*(Chrome|websocket|browser)" "$COMPAT_LOG"; then
    say "A browser test of Odoo's POS tours was skipped: this counts as a failure"
    c_failed=$((c_failed + 1))
fi
[ "$c_run" -eq 0 ] && { say "Odoo's POS tours: no test ran"; c_failed=1; c_run=1; }
[ "$compat_rc" -ne 0 ] && [ "$c_failed" -eq 0 ] && { say "odoo-bin exited $compat_rc"; c_failed=1; }
[ "$c_failed" -gt 0 ] && failures=1
odoo_run=$((odoo_run + c_run)); odoo_failed=$((odoo_failed + c_failed))
odoo_passed=$((odoo_run - odoo_failed)); [ $odoo_passed -lt 0 ] && odoo_passed=0

say "Exporting the translation templates of the installed addons (checked by tests/test_translations.py)"
mkdir -p "$LOCAL/pot"
for addon in ${ADDONS//,/ }; do
    odoo_bin -d "$TEST_DB" --i18n-export "$LOCAL/pot/$addon.pot" --modules "$addon" \
        --stop-after-init --log-level=warn >/dev/null 2>&1 || say "could not export $addon.pot"
done

say "pytest tests/"
CHAIN_TEST_DB="$TEST_DB" CHAIN_POT_DIR="$LOCAL/pot" python -m pytest "$REPO/tests" -q \
    -p no:cacheprovider --junitxml "$PYTEST_XML" -o junit_family=xunit2
pytest_rc=$?
read -r py_passed py_failed <<<"$(python "$REPO/tools/junit_counts.py" "$PYTEST_XML")"
[ "$pytest_rc" -ne 0 ] && [ "$pytest_rc" -ne 5 ] && failures=1
[ "$pytest_rc" -ne 0 ] && [ "$py_failed" -eq 0 ] && [ "$pytest_rc" -ne 5 ] && py_failed=1

say "Linters"
# the linters count as one check, so that the last line never says "0 failed" when they fail
lint_passed=1; lint_failed=0
if ! bash "$REPO/run" lint; then
    say "Linters failed"
    failures=1; lint_passed=0; lint_failed=1
fi

if [ "${KEEP_TEST_DB:-}" = "" ]; then
    dropdb -U postgres --if-exists "$TEST_DB" >/dev/null 2>&1 || true
    rm -rf "$LOCAL/filestore-root/filestore/$TEST_DB"
fi

say "Upgrade test: waiting for it (started first)"
# one check in the total: it passes when every comparison of tools/upgrade_test.sh passes (its
# own line "upgrade: N checks passed, M failed" details them, in .local/test-logs/upgrade.log)
wait "$upgrade_pid"
upgrade_rc=$?
cat "$LOGDIR/upgrade.log" >&2
upgrade_passed=0; upgrade_failed=1
if [ "$upgrade_rc" -eq 0 ] \
    && tail -n 1 "$LOGDIR/upgrade.log" | grep -qE "^upgrade: [0-9]+ checks passed, 0 failed$"; then
    upgrade_passed=1; upgrade_failed=0
else
    failures=1
fi

say "Odoo: $odoo_passed passed, $odoo_failed failed; pytest: $py_passed passed, $py_failed failed; linters: $([ "$lint_failed" -eq 0 ] && echo clean || echo failed); upgrade: $([ "$upgrade_failed" -eq 0 ] && echo passed || echo failed)"
echo "$((odoo_passed + py_passed + lint_passed + upgrade_passed)) passed, $((odoo_failed + py_failed + lint_failed + upgrade_failed)) failed"
exit $failures
