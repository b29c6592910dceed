# Sourced by ./run and tools/upgrade_test.sh: how `./run` updates an existing database.
#
# split_addons DB ADDONS: prints two lines, the addons of ADDONS (comma-separated) installed in
# DB, then the others (an addon new in this version, e.g. chain_commission in 18.0 issue 14).
# The first are updated (-u), the others installed (-i): `-i` of an installed addon would load
# its data in init mode, overwriting what the chain changed in its noupdate records, and `-u`
# of an addon that is not installed does nothing.
split_addons() {
    local db="$1" addons="$2" installed
    installed="$(psql -U postgres -h "${PGHOST:-127.0.0.1}" -p "${PGPORT:-5432}" -d "$db" -tAc \
        "SELECT name FROM ir_module_module WHERE state = 'installed'
            AND name = ANY(string_to_array('$addons', ','))")" || return 1
    local name done_list="" missing=""
    for name in ${addons//,/ }; do
        if grep -qx "$name" <<<"$installed"; then
            done_list="${done_list:+$done_list,}$name"
        else
            missing="${missing:+$missing,}$name"
        fi
    done
    printf '%s\n%s\n' "$done_list" "$missing"
}
