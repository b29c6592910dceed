#!/usr/bin/env bash
# The upgrade test: `./run test upgrade`, and part of `./run test` (tools/run_tests.sh).
# A database made by the revision pinned in tools/upgrade_from.txt must upgrade with this work
# tree's code, the way `./run` updates an existing database, losing and changing nothing:
#   1. install the old revision's addons (its `run`'s ADDONS) with demo data, from
#      `git archive <rev> addons` extracted under .local/upgrade/<rev>;
#   2. operate it with the old code (tools/upgrade_operations.py in `odoo-bin shell`): top-ups,
#      payments, a count card sold and used, points, a card issued, POS orders, a closed session;
#   3. snapshot it with plain SQL (tools/upgrade_snapshot.py);
#   4. upgrade it with the new code: `-u $ADDONS` (the new list, from ./run), then snapshot again;
#   5. compare (tools/upgrade_compare.py, allow-list tools/upgrade_removals.txt): counts, sums,
#      rows, balances, xml ids, models, fields, the new list installed, a clean upgrade log.
# Prints the differences and, last, "upgrade: N checks passed, M failed"; exits 1 on a failure.
# It fails (never passes) without git, without the pinned revision, or when a step fails.
#
# Settings: UPGRADE_FROM (a revision instead of the pin), UPGRADE_OLD_ADDONS (instead of the old
# `run`'s list), UPGRADE_DB (database name), UPGRADE_HTTP_PORT, KEEP_TEST_DB=1 (keep it).
set -uo pipefail
: "${REPO:?}" "${ODOO_ROOT:?}" "${LOCAL:?}" "${ADDONS:?}" "${ADDONS_PATH:?}" "${CHAIN_DB_USER:?}"

DB="${UPGRADE_DB:-chain_upgrade_$(date +%Y%m%d%H%M%S)_$$}"
PORT="${UPGRADE_HTTP_PORT:-${TEST_HTTP_PORT:-8169}}"
LOGDIR="$LOCAL/test-logs/upgrade"
mkdir -p "$LOGDIR"
say() { printf '\033[1m[upgrade]\033[0m %s\n' "$*" >&2; }
fail() {
    say "FAILED: $*"
    cleanup
    echo "upgrade: 0 checks passed, 1 failed"
    exit 1
}
cleanup() {
    if [ "${KEEP_TEST_DB:-}" = "" ]; then
        dropdb -U postgres --if-exists "$DB" >/dev/null 2>&1 || true
        rm -rf "$LOCAL/filestore-root/filestore/$DB"
    else
        say "kept the database $DB"
    fi
}
STEP_START=0
step() { STEP_START=$(date +%s); say "$*"; }
took() { say "  ... $(( $(date +%s) - STEP_START )) s"; }

odoo_bin() {
    local addons_path="$1"
    shift
    local subcommand=()
    [ "${1:-}" = "shell" ] && { subcommand=(shell); shift; }
    python "$ODOO_ROOT/odoo-bin" "${subcommand[@]}" -c "$REPO/odoo.conf" \
        --addons-path "$addons_path" --db_host "$PGHOST" --db_port "$PGPORT" \
        --db_user "$CHAIN_DB_USER" --db_password "" --data-dir "$LOCAL/filestore-root" \
        --workers 0 --max-cron-threads 0 --without-demo "" --db-filter ".*" "$@"
}

# the upgrade must not report a problem in a log: the lines that make a step fail
log_problems() { grep -E "^\S+ \S+ [0-9]+ (ERROR|CRITICAL) |Traceback \(most recent call last\)" "$1"; }

# ---------------------------------------------------------------------------------------------
# The old revision
# ---------------------------------------------------------------------------------------------
command -v git >/dev/null || fail "git is not installed: the old revision cannot be read"
pin="${UPGRADE_FROM:-$(grep -vE '^\s*(#|$)' "$REPO/tools/upgrade_from.txt" | head -n 1 | awk '{print $1}')}"
[ -n "$pin" ] || fail "tools/upgrade_from.txt names no revision"
rev="$(git -C "$REPO" rev-parse --verify --quiet "$pin^{commit}")" \
    || fail "the revision $pin is not in this clone (a shallow clone? fetch the history)"
OLD_DIR="$LOCAL/upgrade/$rev"
if [ ! -f "$OLD_DIR/.complete" ]; then
    rm -rf "$OLD_DIR"
    mkdir -p "$OLD_DIR"
    git -C "$REPO" archive "$rev" addons | tar -x -C "$OLD_DIR" \
        || fail "could not extract the addons of $rev"
    touch "$OLD_DIR/.complete"
fi
OLD_ADDONS="${UPGRADE_OLD_ADDONS:-$(git -C "$REPO" show "$rev:run" \
    | sed -nE 's/^ADDONS="\$\{CHAIN_ADDONS:-([a-z0-9_,]+)\}"$/\1/p' | head -n 1)}"
[ -n "$OLD_ADDONS" ] || fail "could not read the addon list (ADDONS) of $rev's run"
OLD_PATH="$ODOO_ROOT/addons,$OLD_DIR/addons"
say "from $rev ($OLD_ADDONS) to the work tree ($ADDONS), database $DB"
dropdb -U postgres --if-exists "$DB" >/dev/null 2>&1
total_start=$(date +%s)

# ---------------------------------------------------------------------------------------------
step "1. the old revision installs $OLD_ADDONS with demo data"
odoo_bin "$OLD_PATH" -d "$DB" -i "$OLD_ADDONS" --http-port "$PORT" --stop-after-init \
    --log-level=warn > "$LOGDIR/1-install.log" 2>&1 \
    || { tail -n 40 "$LOGDIR/1-install.log" >&2; fail "the old revision did not install (see $LOGDIR/1-install.log)"; }
if log_problems "$LOGDIR/1-install.log" >&2; then
    fail "the old revision's install logged errors (see $LOGDIR/1-install.log)"
fi
took

step "2. operations with the old code (odoo-bin shell < tools/upgrade_operations.py)"
odoo_bin "$OLD_PATH" shell -d "$DB" --no-http --log-level=warn \
    < "$REPO/tools/upgrade_operations.py" > "$LOGDIR/2-operations.log" 2>&1
ops_rc=$?
grep -E "^upgrade-operations:" "$LOGDIR/2-operations.log" >&2
if [ "$ops_rc" -ne 0 ] || ! grep -qx "upgrade-operations: ok" "$LOGDIR/2-operations.log"; then
    tail -n 40 "$LOGDIR/2-operations.log" >&2
    fail "the operations did not complete (see $LOGDIR/2-operations.log)"
fi
took

step "3. snapshot before the upgrade"
python "$REPO/tools/upgrade_snapshot.py" --db "$DB" > "$LOGDIR/before.json" \
    || fail "the snapshot before the upgrade failed"
took

# as ./run does: -u the addons installed, -i those new in the work tree (tools/split_addons.sh)
. "$REPO/tools/split_addons.sh"
split="$(split_addons "$DB" "$ADDONS")" || fail "could not read the modules of $DB"
installed="$(sed -n 1p <<<"$split")"
missing="$(sed -n 2p <<<"$split")"
step "4. the work tree's code upgrades it: -u $installed${missing:+ -i $missing} (as ./run does), then a snapshot"
odoo_bin "$ADDONS_PATH" -d "$DB" ${installed:+-u "$installed"} ${missing:+-i "$missing"} \
    --http-port "$PORT" --stop-after-init --log-level=warn > "$LOGDIR/4-upgrade.log" 2>&1
upgrade_rc=$?
[ "$upgrade_rc" -eq 0 ] || say "odoo-bin exited $upgrade_rc (see $LOGDIR/4-upgrade.log)"
python "$REPO/tools/upgrade_snapshot.py" --db "$DB" --like "$LOGDIR/before.json" \
    > "$LOGDIR/after.json" || fail "the snapshot after the upgrade failed"
took

step "5. comparison"
python "$REPO/tools/upgrade_compare.py" "$LOGDIR/before.json" "$LOGDIR/after.json" \
    --allow "$REPO/tools/upgrade_removals.txt" --expect-installed "$ADDONS" \
    --log "$LOGDIR/4-upgrade.log" > "$LOGDIR/compare.txt"
compare_rc=$?
took
head -n -1 "$LOGDIR/compare.txt" >&2
say "$(( $(date +%s) - total_start )) s in all; logs and snapshots in $LOGDIR"
cleanup
result="$(tail -n 1 "$LOGDIR/compare.txt")"
if ! [[ "$result" =~ ^upgrade:\ ([0-9]+)\ checks\ passed,\ ([0-9]+)\ failed$ ]]; then
    echo "upgrade: 0 checks passed, 1 failed"
    exit 1
fi
if [ "$upgrade_rc" -ne 0 ]; then
    # odoo-bin failed without a line the log check caught: one more failed check
    echo "upgrade: ${BASH_REMATCH[1]} checks passed, $(( BASH_REMATCH[2] + 1 )) failed"
    exit 1
fi
echo "$result"
[ "$compare_rc" -eq 0 ] && [ "${BASH_REMATCH[2]}" -eq 0 ]
