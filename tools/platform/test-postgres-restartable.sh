#!/usr/bin/env bash
# A second throwaway PostgreSQL for the tests that take their database down under load: the
# shared test server cannot stop while other suites use it. `make test` (test.sh) runs `init`,
# which prints the owner URL of database gamemetrics_restart; a test runs `stop` and `start`
# (GM_TEST_RESTARTABLE_PG_CONTROL); test.sh runs `stop` and `remove` when it exits.
#
#   tools/platform/test-postgres-restartable.sh init|start|stop|remove
set -euo pipefail
# shellcheck source=tools/platform/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PORT=$((25433 + ${GM_TEST_PORT_OFFSET:-0}))
TEST_DIR="$GM_DIR/test"
DATA_LINK="$TEST_DIR/pg-restartable"
PIDFILE="$TEST_DIR/pids/postgres-restartable.pid"
LOGFILE="$TEST_DIR/logs/postgres-restartable.log"
TIMEOUT="${GM_TEST_SERVER_TIMEOUT:-60}"

wait_ready() {
    wait_until "restartable test postgres" "$TIMEOUT" "$PIDFILE" "$GM_PGBIN/postgres" "$LOGFILE" \
        pg_ready "$PORT"
}

# The test that runs this script (Foundation's Process) learns of its exit when a socket it
# passed along closes; the PostgreSQL daemon started here must not inherit that socket.
close_inherited_sockets_and_pipes() {
    local entry fd
    for entry in /proc/self/fd/*; do
        fd="${entry##*/}"
        ((fd > 2 && fd != 255)) || continue # 255: the script bash is reading
        case "$(readlink "$entry" 2>/dev/null)" in
        socket:* | pipe:*) eval "exec $fd>&-" ;;
        esac
    done
}

close_inherited_sockets_and_pipes
mkdir -p "$(dirname "$PIDFILE")" "$(dirname "$LOGFILE")"
case "${1:-}" in
init)
    super_pw="$(gen_secret 16)" role_pw="$(gen_secret 16)"
    datadir="$(pg_datadir "$DATA_LINK")"
    pg_stop "$datadir" "$PIDFILE"
    find "$datadir" -mindepth 1 -delete
    require_free_port "restartable test postgres" "$PORT"
    pg_init "$datadir" "$PORT" "$super_pw" "$TEST_DIR/logs/postgres-restartable-init.log"
    pg_start "$datadir" "$LOGFILE" "$PIDFILE"
    wait_ready
    pg_enable_vector "$PORT" "$super_pw"
    pg_ensure_db "$PORT" "$super_pw" gm_restart "$role_pw" gamemetrics_restart
    printf 'postgres://gm_restart:%s@127.0.0.1:%s/gamemetrics_restart\n' "$role_pw" "$PORT"
    ;;
start)
    pg_start "$(readlink -f "$DATA_LINK")" "$LOGFILE" "$PIDFILE"
    wait_ready
    ;;
stop) pg_stop_at "$DATA_LINK" "$PIDFILE" ;;
remove) pg_remove_outside "$DATA_LINK" "$LOGFILE" ;;
*) die "usage: tools/platform/test-postgres-restartable.sh init|start|stop|remove" ;;
esac
