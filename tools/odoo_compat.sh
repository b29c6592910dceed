#!/usr/bin/env bash
# Odoo's own test suites, run on stock Odoo and with the suite installed: `./run test odoo-compat
# [SUITE ...]` (issue 21). For each suite, two fresh databases on this machine, built and tested
# in the same way and at the same time (side by side, so that both see the same load):
#   stock: the Odoo module(s) alone, with demo data;
#   suite: the same and the five chain addons, without their demo data (the chain's demo stores
#          and warehouses would change what Odoo's tests see; the chain's own demo is what the
#          chain's own tests check): tools/compat_demo.py explains how.
# On both, the same steps: base with demo data, the modules marked for installation, then one
# `-i` with the tests enabled (so each module's at_install tests run as it is installed, the
# post_install ones at the end, as on Odoo's own runs). Both sides must run the same number of
# tests and have the demo data intended, or the suite counts as failed.
# A test that fails with the suite installed and passes on stock Odoo is a regression of ours;
# a test that fails on both is Odoo's (or this machine's). Prints the table (also written to
# .local/compat/LAST.md, or LAST-<suites>.md for a selection), then "N passed, N failed" where
# failed counts the regressions.
#
# SUITE is a name of the tables below (default: all of SUITES; EXTRA_SUITES only by name), or
# SUITE:Class.method[,Class.method...] for only those tests of it, on both sides.
# `--ci-tags` prints the representative subset CI runs on its own test database (see
# tools/run_tests.sh): Odoo's POS tours that a plain POS user and a till of no chain store go
# through.
#
# Settings (environment): COMPAT_HTTP_PORT (8269; the suite side uses the next port),
# COMPAT_DB_PREFIX (compat; databases are PREFIX_<stock|suite>_<suite>_<pid>, dropped after),
# COMPAT_SEQUENTIAL (0; 1 runs the stock side, then the suite side, one Odoo process at a time).
set -uo pipefail

# name | modules to install | test tags
SUITES=(
    "point_of_sale|point_of_sale|/point_of_sale"
    "pos_loyalty|pos_loyalty|/pos_loyalty"
    "loyalty|loyalty|/loyalty"
    "sale_loyalty|sale_loyalty|/sale_loyalty"
    "pos_hr|pos_hr|/pos_hr"
    "stock|stock|/stock"
    "account_payment|account|/account:TestAccountPayment,/account:TestAccountPaymentRegister,/account:TestAccountPaymentMethodLine"
    "sms|sms|/sms"
    "portal|portal|/portal"
)
# run only when named: a part of a suite above, to measure one test again on both sides
# (test_01_pos_basic_order's e-mailed receipt, rendered to an image in the browser)
EXTRA_SUITES=(
    "pos_basic_order|point_of_sale|/point_of_sale:TestUi.test_01_pos_basic_order,/point_of_sale:MobileTestUi.test_01_pos_basic_order"
)
# what CI runs on its own database (a post_install selection: the database already has
# everything installed, so no module is updated): the tours a plain POS user could not finish
# before (issue 21), test_01_pos_basic_order (an order paid and its receipt e-mailed) and
# pos_loyalty's basic tour.
CI_TAGS="/point_of_sale:TestUi.test_01_pos_basic_order,/point_of_sale:TestUi.test_02_pos_with_invoiced,/point_of_sale:TestUi.test_05_ticket_screen,/point_of_sale:MobileTestUi.test_02_pos_with_invoiced,/point_of_sale:MobileTestUi.test_05_ticket_screen,/pos_loyalty:TestUi.test_pos_loyalty_tour_basic"

if [ "${1:-}" = "--ci-tags" ]; then
    echo "$CI_TAGS"
    exit 0
fi
: "${REPO:?}" "${ODOO_ROOT:?}" "${LOCAL:?}" "${ADDONS:?}" "${ADDONS_PATH:?}" "${CHAIN_DB_USER:?}"

# both sides' tours use the same offline browser (tools/browser/chromium says why)
export PATH="$REPO/tools/browser:$PATH"
OUT="$LOCAL/compat"
mkdir -p "$OUT"
say() { printf '\033[1m[compat]\033[0m %s\n' "$*" >&2; }

odoo_bin() {
    local port="$1"
    shift
    python "$ODOO_ROOT/odoo-bin" -c "$REPO/odoo.conf" --addons-path "$ADDONS_PATH" \
        --db_host "$PGHOST" --db_port "$PGPORT" --db_user "$CHAIN_DB_USER" --db_password "" \
        --data-dir "$LOCAL/filestore-root" --workers 0 --max-cron-threads 0 --db-filter ".*" \
        --http-port "$port" "$@"
}

# outcome LOG: "<run> <failed>" and the failing tests in LOG.failed (one Class.method per line)
outcome() {
    local log="$1" summary
    grep -oE "(FAIL|ERROR): [A-Za-z0-9_]+\.[A-Za-z0-9_]+" "$log" | sed -E 's/^(FAIL|ERROR): //' \
        | sort -u > "$log.failed"
    summary="$(grep -E "[0-9]+ failed, [0-9]+ error\(s\) of [0-9]+ tests when loading database" \
        "$log" | tail -n 1)"
    if [ -z "$summary" ]; then
        echo "0 1"
        return
    fi
    echo "$summary" | sed -E 's/.* ([0-9]+) failed, ([0-9]+) error\(s\) of ([0-9]+) tests.*/\3 \1 \2/' \
        | awk '{print $1, $2 + $3}'
}

# compat_demo ACTION DB [ARGS]: tools/compat_demo.py (the suite's addons without demo data)
compat_demo() {
    local action="$1" db="$2"
    shift 2
    python "$REPO/tools/compat_demo.py" "$action" --db "$db" --suite-dir "$REPO/addons" \
        --odoo-root "$ODOO_ROOT" --addons-path "$ADDONS_PATH" --data-dir "$LOCAL/filestore-root" \
        --db-host "$PGHOST" --db-port "$PGPORT" --db-user "$CHAIN_DB_USER" "$@"
}

run_one() {
    local kind="$1" name="$2" modules="$3" tags="$4" port="$5" db log start suite_addons=""
    db="${COMPAT_DB_PREFIX:-compat}_${kind}_${name}_$$"
    log="$OUT/$name.$kind.log"
    start=$(date +%s)
    [ "$kind" = suite ] && suite_addons="$ADDONS"
    rm -f "$log.demo"
    : > "$log"
    say "$name ($kind): installing ${modules}${suite_addons:+,$suite_addons}, tests $tags"
    # base with demo data; the modules marked as -i marks them, the suite's addons without demo
    # data; then one -i that installs them all and runs the tests as a plain -i does
    if odoo_bin "$port" -d "$db" -i base --without-demo "" --stop-after-init --log-level=warn \
            > "$log.install" 2>&1 \
        && compat_demo mark "$db" --modules "${modules}${suite_addons:+,$suite_addons}" \
            >> "$log.install" 2>&1; then
        odoo_bin "$port" -d "$db" -i "${modules}${suite_addons:+,$suite_addons}" \
            --without-demo all --test-enable --test-tags "$tags" --stop-after-init \
            --log-level=test > "$log" 2>&1
        compat_demo check "$db" --addons "$suite_addons" >> "$log.install" 2>&1 \
            || tail -n 4 "$log.install" > "$log.demo"
    else
        echo "could not prepare the database: see $log.install" > "$log"
    fi
    echo "$(outcome "$log") $(( $(date +%s) - start ))"
    dropdb -U postgres --if-exists "$db" >/dev/null 2>&1 || true
    rm -rf "$LOCAL/filestore-root/filestore/$db"
}

# SUITE:Class.method[,Class.method...] runs only those tests of SUITE, on both sides (a test
# that failed on one side only in a run on a loaded machine, measured again on both)
selected=()
declare -A only_tests=()
for arg in "$@"; do
    if [[ "$arg" == *:* ]]; then
        only_tests[${arg%%:*}]="${arg#*:}"
        selected+=("${arg%%:*}")
    else
        selected+=("$arg")
    fi
done
suffix="$(IFS=-; echo "${selected[*]}")"
[ ${#only_tests[@]} -gt 0 ] && suffix="$suffix-rerun"
report="$OUT/LAST${suffix:+-$suffix}.md"
{
    echo "# Odoo's own tests, stock Odoo and with the suite ($(date -u +%Y-%m-%d), $(nproc) cores)"
    echo
    echo "| suite | tests (stock / suite) | failed on stock | failed with the suite | regressions |" \
        "minutes (stock / suite) |"
    echo "| --- | --- | --- | --- | --- | --- |"
} > "$report"
# listing: the lines of stdin on one line, a test's name quoted: "`Class.method`, (a note)"
listing() {
    awk 'NF { printf "%s%s", (n++ ? ", " : ""), ($0 ~ /^[A-Za-z]/ ? "`" $0 "`" : $0) }'
}
# failures N FILE: "N (`Class.method`, ...)", or "0 (-)"
failures() {
    local names
    names="$(listing < "$2")"
    echo "$1 (${names:--})"
}
nl=$'\n'
total_passed=0
total_regressions=0
entries=("${SUITES[@]}")
[ ${#selected[@]} -gt 0 ] && entries+=("${EXTRA_SUITES[@]}")
for entry in "${entries[@]}"; do
    IFS='|' read -r name modules tags <<<"$entry"
    if [ ${#selected[@]} -gt 0 ] && [[ ! " ${selected[*]} " == *" $name "* ]]; then
        continue
    fi
    if [ -n "${only_tests[$name]:-}" ]; then
        module_tag="${tags%%,*}"
        module_tag="${module_tag%%:*}"
        tags="$(echo "${only_tests[$name]}" | tr ',' '\n' | sed "s|^|$module_tag:|" | paste -sd,)"
    fi
    port="${COMPAT_HTTP_PORT:-8269}"
    if [ "${COMPAT_SEQUENTIAL:-0}" = 1 ]; then
        run_one stock "$name" "$modules" "$tags" "$port" > "$OUT/$name.stock.result"
        run_one suite "$name" "$modules" "$tags" "$((port + 1))" > "$OUT/$name.suite.result"
    else
        # both at once, side by side under the same load (one core each on a 2-core machine)
        run_one stock "$name" "$modules" "$tags" "$port" > "$OUT/$name.stock.result" &
        run_one suite "$name" "$modules" "$tags" "$((port + 1))" > "$OUT/$name.suite.result" &
        wait
    fi
    read -r s_run s_failed s_secs < "$OUT/$name.stock.result"
    read -r c_run c_failed c_secs < "$OUT/$name.suite.result"
    regressions="$(comm -13 "$OUT/$name.stock.log.failed" "$OUT/$name.suite.log.failed")"
    # a run that reported no summary at all (an install error) is a regression too
    if ! grep -qE "tests when loading database" "$OUT/$name.suite.log"; then
        regressions="${regressions:+$regressions$nl}(no test summary: see $name.suite.log)"
    fi
    # both sides had the demo data intended (tools/compat_demo.py check)
    for side in stock suite; do
        if [ -e "$OUT/$name.$side.log.demo" ]; then
            note="($side: demo data not as intended, see $name.$side.log.install)"
            regressions="${regressions:+$regressions$nl}$note"
        fi
    done
    # both sides run the same tests, or a test that did not run hides what it would have found
    if [ "$s_run" != "$c_run" ]; then
        note="(tests run: $s_run on stock, $c_run with the suite)"
        regressions="${regressions:+$regressions$nl}$note"
    fi
    count=$(echo -n "$regressions" | grep -c . || true)
    total_regressions=$((total_regressions + count))
    total_passed=$((total_passed + c_run - c_failed))
    printf '| %s | %s / %s | %s | %s | %s | %s / %s |\n' "$name" "$s_run" "$c_run" \
        "$(failures "$s_failed" "$OUT/$name.stock.log.failed")" \
        "$(failures "$c_failed" "$OUT/$name.suite.log.failed")" \
        "${count}${regressions:+: $(echo "$regressions" | listing)}" \
        "$((s_secs / 60))" "$((c_secs / 60))" >> "$report"
done
cat "$report" >&2
echo "$total_passed passed, $total_regressions failed"
[ "$total_regressions" -eq 0 ]
