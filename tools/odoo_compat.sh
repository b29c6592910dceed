#!/usr/bin/env bash
# Odoo's own test suites, run on stock Odoo and with the suite installed: `./run test odoo-compat
# [SUITE ...]` (issue 21). For each suite, two fresh databases on this machine, in the same way
# and at the same time (side by side, so that both see the same load):
#   stock: the Odoo module(s) alone, with demo data, its tests enabled;
#   suite: the same plus the five chain addons, the same tests enabled.
# A test that fails with the suite installed and passes on stock Odoo is a regression of ours;
# a test that fails on both is Odoo's (or this machine's). Prints the table (also written to
# .local/compat/LAST.md, or LAST-<suites>.md for a selection), then "N passed, N failed" where
# failed counts the regressions.
#
# SUITE is a name of the table below (default: all of them), or "ci": the representative subset
# CI runs on its own test database (see tools/run_tests.sh), Odoo's POS tours that a plain POS
# user and a till of no chain store go through.
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
# what CI runs on its own database (a post_install selection: the database already has
# everything installed, so no module is updated): the tours a plain POS user could not finish
# before (issue 21) and pos_loyalty's basic tour. test_01_pos_basic_order is left to the full
# run: its e-mailed receipt is rendered to an image in the browser, which on this 2-core machine
# under load can exceed the tour step's fixed 10 s (seen once with CI running beside it).
CI_TAGS="/point_of_sale:TestUi.test_02_pos_with_invoiced,/point_of_sale:TestUi.test_05_ticket_screen,/point_of_sale:MobileTestUi.test_02_pos_with_invoiced,/point_of_sale:MobileTestUi.test_05_ticket_screen,/pos_loyalty:TestUi.test_pos_loyalty_tour_basic"

if [ "${1:-}" = "--ci-tags" ]; then
    echo "$CI_TAGS"
    exit 0
fi
: "${REPO:?}" "${ODOO_ROOT:?}" "${LOCAL:?}" "${ADDONS:?}" "${ADDONS_PATH:?}" "${CHAIN_DB_USER:?}"

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

run_one() {
    local kind="$1" name="$2" modules="$3" tags="$4" port="$5" db log start
    db="compat_${kind}_${name}_$$"
    log="$OUT/$name.$kind.log"
    start=$(date +%s)
    say "$name ($kind): installing $modules, tests $tags"
    odoo_bin "$port" -d "$db" -i "$modules" --without-demo "" --test-enable --test-tags "$tags" \
        --stop-after-init --log-level=test > "$log" 2>&1
    echo "$(outcome "$log") $(( $(date +%s) - start ))"
    dropdb -U postgres --if-exists "$db" >/dev/null 2>&1 || true
    rm -rf "$LOCAL/filestore-root/filestore/$db"
}

selected=("$@")
suffix="$(IFS=-; echo "${selected[*]}")"
report="$OUT/LAST${suffix:+-$suffix}.md"
{
    echo "# Odoo's own tests, stock Odoo and with the suite ($(date -u +%Y-%m-%d), $(nproc) cores)"
    echo
    echo "| suite | tests | failed on stock | failed with the suite | regressions | minutes (stock / suite) |"
    echo "| --- | --- | --- | --- | --- | --- |"
} > "$report"
total_passed=0
total_regressions=0
for entry in "${SUITES[@]}"; do
    IFS='|' read -r name modules tags <<<"$entry"
    if [ ${#selected[@]} -gt 0 ] && [[ ! " ${selected[*]} " == *" $name "* ]]; then
        continue
    fi
    # both at once, side by side under the same load (one core each on a 2-core machine)
    port="${COMPAT_HTTP_PORT:-8269}"
    run_one stock "$name" "$modules" "$tags" "$port" > "$OUT/$name.stock.result" &
    run_one suite "$name" "$modules,$ADDONS" "$tags" "$((port + 1))" > "$OUT/$name.suite.result" &
    wait
    read -r s_run s_failed s_secs < "$OUT/$name.stock.result"
    read -r c_run c_failed c_secs < "$OUT/$name.suite.result"
    regressions="$(comm -13 "$OUT/$name.stock.log.failed" "$OUT/$name.suite.log.failed")"
    # a run that reported no summary at all (an install error) is a regression too
    if ! grep -qE "tests when loading database" "$OUT/$name.suite.log"; then
        regressions="${regressions:+$regressions }(no test summary: see $name.suite.log)"
    fi
    count=$(echo -n "$regressions" | grep -c . || true)
    total_regressions=$((total_regressions + count))
    total_passed=$((total_passed + c_run - c_failed))
    printf '| %s | %s | %s | %s | %s | %s / %s |\n' "$name" "$c_run" "$s_failed" "$c_failed" \
        "${count}${regressions:+: $(echo "$regressions" | tr '\n' ' ')}" \
        "$((s_secs / 60))" "$((c_secs / 60))" >> "$report"
done
cat "$report" >&2
echo "$total_passed passed, $total_regressions failed"
[ "$total_regressions" -eq 0 ]
