#!/usr/bin/env bash
# `make test`: installs what is missing, checks the shell tools and the Prometheus rules, starts
# throwaway servers for the integration tests under .gm/test/ (ports that do not collide with
# `make up`), runs `swift test` (with this script's arguments, e.g. `--filter IngestionTests`) and exits with its status. The servers are stopped on exit, also
# on failure or interruption. GM_TEST_PORT_OFFSET (default 0) is added to every port below.
#
# Exported to the tests:
#   GM_TEST_PG_URL          postgres://gm_test:<random>@127.0.0.1:25432/gamemetrics_test (owner)
#   GM_TEST_PG_ADMIN_URL    the same server as its superuser (for tests that need roles)
#   GM_TEST_PG_<SERVICE>_URL  each service's own role (GM_TEST_PG_PROCESSOR_URL, ..._ANALYTICS_API_URL;
#                           see GM_PG_SERVICES in lib.sh), on gamemetrics_test: tests point them at
#                           their own database after migrating it and applying db/roles.sql
#   GM_TEST_KAFKA_BOOTSTRAP devkafka's broker list;  GM_TEST_DEVKAFKA_URL http://127.0.0.1:29644
#   GM_TEST_S3_ENDPOINT     http://127.0.0.1:29000, GM_TEST_S3_ACCESS_KEY, GM_TEST_S3_SECRET_KEY,
#                           GM_TEST_S3_REGION us-east-1, GM_TEST_S3_BUCKET gm-test (exists);
#                           GM_TEST_S3_AUDIT_ACCESS_KEY/_SECRET_KEY: a second identity (the audit anchor's)
#   GM_TEST_REDIS_SERVER    path of redis-server (Redis tests start their own)
#   GM_TEST_PROCESSOR_BIN   the processor executable (for the tests that kill it with SIGKILL or SIGTERM)
#   GM_TEST_INGESTION_BIN   the ingestion executable (for the test that stops it with SIGTERM under load)
#   GM_TEST_ANALYTICS_API_BIN analytics-api's executable (its `migrate` for the databases that hold every schema)
#   GM_TEST_NOTIFICATION_BIN the notification service's executable (the test that kills it between send and commit)
#   GM_TEST_RETENTION_BIN, GM_TEST_RECOMMENDATION_BIN  those services' executables (their `migrate`, `run`, `train`)
#   GM_TEST_SIMULATOR_BIN   the player simulator, whose --dry-run events the schema agreement test judges
#   GM_TEST_SERVICE_LOGS    .gm/test/logs: executables started by tests log there (<name>-<ms>.log)
#   GM_TEST_USER_BIN        the user service's executable: other services' tests run it as a process
#                           and seed it with its `seed-demo` command (never linking its code)
#   GM_TEST_DEVKAFKA_BIN    devkafka itself, for tests that take brokers down on a devkafka of their own,
#   GM_TEST_DEVKAFKA_LIBRARY_PATH  and the patched librdkafka it loads (ADR 0022)
#   GM_TEST_SCHEMATHESIS    schemathesis's `st` in .venv (each service's suite runs it against a
#                           throwaway instance of the service: GameMetricsTesting/APIContract), and
#   GM_TEST_SCHEMATHESIS_CONFIG  its settings, tools/platform/schemathesis.toml
#   GM_TEST_RESTARTABLE_PG_URL      a second server's database, for tests that stop and start it
#   GM_TEST_RESTARTABLE_PG_CONTROL  the script that does (`<script> stop`, `<script> start`)
#   GM_TEST_CHARTS_PYTHON   the charts' Python (default .venv-charts/bin/python), which runs
#                           tools/charts/edges.py for the call-graph test (CallGraphTests),
#                           and tools/schemas/validate_events.py (jsonschema) for EventSchemaAgreementTests
set -euo pipefail
# shellcheck source=tools/platform/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

TEST_DIR="$GM_DIR/test"
PIDS="$TEST_DIR/pids"
LOGS="$TEST_DIR/logs"
# GM_TEST_PORT_OFFSET moves every test port, so two checkouts can run their tests side by side.
# The ports stay below Linux's ephemeral range (32768-60999): a port in it may already be the
# local end of some outgoing connection, and the server would fail to bind.
PORT_OFFSET="${GM_TEST_PORT_OFFSET:-0}"
PG_PORT=$((25432 + PORT_OFFSET)) DEVKAFKA_PORT=$((29644 + PORT_OFFSET)) S3_PORT=$((29000 + PORT_OFFSET))
TIMEOUT="${GM_TEST_SERVER_TIMEOUT:-60}"

RESTARTABLE_PG="$GM_ROOT/tools/platform/test-postgres-restartable.sh"

stop_test_servers() {
    "$RESTARTABLE_PG" stop
    stop_pid s3 "$PIDS/s3.pid"
    stop_pid devkafka "$PIDS/devkafka.pid"
    pg_stop_at "$TEST_DIR/pg" "$PIDS/postgres.pid"
}

# The test PostgreSQL data may live outside .gm (see pg_datadir); it is throwaway too.
remove_outside_pgdata() {
    pg_remove_outside "$TEST_DIR/pg" "$TEST_DIR/logs/postgres.log"
    "$RESTARTABLE_PG" remove
}

# shellcheck disable=SC2317  # invoked by the EXIT trap
on_exit() {
    local status=$?
    trap - EXIT INT TERM
    log "==> stopping test servers"
    stop_test_servers || true
    remove_outside_pgdata || true
    ((status == 0)) || print_test_failures
    exit "$status"
}

# Last, so that a log cut to its tail (as CI shows it) still names what failed and why.
# shellcheck disable=SC2317  # invoked by on_exit
print_test_failures() {
    [[ -s "${TEST_LOG:-}" ]] || return 0
    local failures
    failures="$(grep -aE '^✘ ' "$TEST_LOG" | grep -avE '^✘ (Suite |Test run with )' | cut -c1-400)"
    [[ -n "$failures" ]] || return 0
    log "==> what failed:"
    head -n 16 <<<"$failures" | sed 's/^/    /' >&2
}

cd "$GM_ROOT"
"$GM_ROOT/tools/platform/install-deps.sh"
ensure_swift

# 1. static checks (fast, before the long build) ----------------------------------------------
log "==> shellcheck"
shellcheck -x tools/platform/*.sh tools/browser/*.sh tools/images/*.sh tools/release/*.sh tools/devkafka/librdkafka/build.sh .ci/run
log "==> swift format lint (.swift-format: layout only, ADR 0030; \`make format\` fixes it)"
swift format lint --strict --recursive --parallel Package.swift services shared tools fuzz bench
log "==> hadolint"
"$GM_VENV/bin/hadolint" Dockerfile tools/images/base.Dockerfile
log "==> ports declared once"
"$GM_VENV/bin/python" "$GM_ROOT/tools/platform/check-ports.py"
log "==> promtool"
"$GM_ROOT/tools/platform/check-rules.sh"
log "==> canary analyses: promtool, successConditions, a local Prometheus (docs/canary-analysis.md)"
"$GM_CHARTS_VENV/bin/python" "$GM_ROOT/tools/charts/analysis.py"
log "==> no PostgresNIO withTransaction in service code"
# It waits for good when the server closed the connection; withTransactionEndingWithConnection
# (GameMetricsPostgres) does not (ADR 0021).
if grep -rn --include='*.swift' '\.withTransaction(' shared/Sources services/*/Sources; then
    die "use withTransactionEndingWithConnection or withTimedTransaction instead (ADR 0021)"
fi
log "==> no unbounded wait for a process on the cooperative pool"
# Test helpers stop processes from synchronous code on Swift's cooperative pool (two threads
# here): waitUntilExit() or a loop on isRunning that never sees the exit stalls every test in the
# process. Process.waitForExit(atMost:) (GameMetricsTesting) is bounded; ChildProcess.run awaits.
if grep -rnE --include='*.swift' 'waitUntilExit\(\)|isRunning \{ *usleep' shared services tools; then
    die "wait for a process with Process.waitForExit(atMost:) or ChildProcess.run, never unboundedly"
fi
log "==> openapi-spec-validator"
"$GM_VENV/bin/openapi-spec-validator" "$GM_ROOT"/services/*/Sources/*/openapi.json
log "==> charts: render, schemas, policies, checkov"
"$GM_CHARTS_VENV/bin/python" "$GM_ROOT/tools/charts/check.py"
log "==> terraform: parse, module interfaces, variables, environment roots, fmt, checkov (tools/terraform)"
"$GM_CHARTS_VENV/bin/python" "$GM_ROOT/tools/terraform/check.py"
log "==> GitHub workflows and Dockerfiles: schema, pins, permissions, fork safety, checkov"
"$GM_CHARTS_VENV/bin/python" "$GM_ROOT/tools/workflows/check.py"
log "==> release tool and smoke test (tools/release), on throwaway git repositories"
"$GM_CHARTS_VENV/bin/python" -m unittest discover -s "$GM_ROOT/tools/release" -p 'test_*.py'
log "==> browser harness and accessibility rules on their fixtures (tools/browser, headless Chromium)"
"$GM_VENV/bin/python" -m unittest discover -s "$GM_ROOT/tools/browser" -p 'test_*.py'

# 2. throwaway servers -------------------------------------------------------------------------
# Leftovers of an interrupted earlier run (killed with SIGKILL) are stopped first.
if [[ -d "$TEST_DIR" ]]; then
    stop_test_servers
    remove_outside_pgdata
    rm -rf "$TEST_DIR"
fi
mkdir -p "$PIDS" "$LOGS"
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Every executable (devkafka, the processor and the user service are run by the tests), so that their link lists can
# be checked: the simulator links no HTTP server or database driver, devkafka no database
# driver, each service only the C clients it uses (ADR 0020).
log "==> swift build"
swift build
BIN="$(swift build --show-bin-path)"
"$GM_ROOT/tools/platform/link-lists.sh" --check "$BIN"

log "==> test servers: postgres :$PG_PORT and :$((25433 + PORT_OFFSET)) (restartable), devkafka :$DEVKAFKA_PORT, s3 :$S3_PORT"
super_pw="$(gen_secret 16)" role_pw="$(gen_secret 16)"
pgdata="$(pg_datadir "$TEST_DIR/pg")"
# Data outside .gm may survive from a killed run of another checkout at the same path: stop a
# server still running on it and start from an empty folder.
pg_stop "$pgdata" "$PIDS/postgres.pid"
find "$pgdata" -mindepth 1 -delete
require_free_port "test postgres" "$PG_PORT"
pg_init "$pgdata" "$PG_PORT" "$super_pw" "$LOGS/postgres-init.log"
pg_start "$pgdata" "$LOGS/postgres.log" "$PIDS/postgres.pid"
wait_until "test postgres" "$TIMEOUT" "$PIDS/postgres.pid" "$GM_PGBIN/postgres" \
    "$LOGS/postgres.log" pg_ready "$PG_PORT"
# pgvector in template1 first: gamemetrics_test and every test's own database (TestDatabase)
# are made from it (ADR 0037).
pg_enable_vector "$PG_PORT" "$super_pw"
pg_ensure_db "$PG_PORT" "$super_pw" gm_test "$role_pw" gamemetrics_test
restartable_pg_url="$("$RESTARTABLE_PG" init)"

s3_key="$(gen_secret 12)" s3_secret="$(gen_secret 24)"
s3_audit_key="$(gen_secret 12)" s3_audit_secret="$(gen_secret 24)"
start_s3 "$S3_PORT" "$TEST_DIR/s3" "$s3_key" "$s3_secret" gm-test "$PIDS/s3.pid" "$LOGS/s3.log" \
    "$TIMEOUT" "$s3_audit_key" "$s3_audit_secret"

start_devkafka "$BIN/devkafka" "$DEVKAFKA_PORT" "$TEST_DIR/kafka/bootstrap" "$PIDS/devkafka.pid" \
    "$LOGS/devkafka.log" "$TIMEOUT"

export GM_TEST_PG_URL="postgres://gm_test:$role_pw@127.0.0.1:$PG_PORT/gamemetrics_test"
for svc in "${GM_PG_SERVICES[@]}"; do
    svc_pw="$(gen_secret 16)"
    pg_ensure_service_role "$PG_PORT" "$super_pw" "$(pg_role_of "$svc")" "$svc_pw"
    export "GM_TEST_PG_$(svc_var "$svc")_URL=postgres://$(pg_role_of "$svc"):$svc_pw@127.0.0.1:$PG_PORT/gamemetrics_test"
done
export GM_TEST_PG_ADMIN_URL="postgres://postgres:$super_pw@127.0.0.1:$PG_PORT/gamemetrics_test"
GM_TEST_KAFKA_BOOTSTRAP="$(tr -d '[:space:]' <"$TEST_DIR/kafka/bootstrap")"
export GM_TEST_KAFKA_BOOTSTRAP
export GM_TEST_DEVKAFKA_URL="http://127.0.0.1:$DEVKAFKA_PORT"
export GM_TEST_S3_ENDPOINT="http://127.0.0.1:$S3_PORT"
export GM_TEST_S3_ACCESS_KEY="$s3_key" GM_TEST_S3_SECRET_KEY="$s3_secret"
export GM_TEST_S3_REGION=us-east-1 GM_TEST_S3_BUCKET=gm-test
export GM_TEST_S3_AUDIT_ACCESS_KEY="$s3_audit_key" GM_TEST_S3_AUDIT_SECRET_KEY="$s3_audit_secret"
GM_TEST_REDIS_SERVER="$(command -v redis-server)"
export GM_TEST_REDIS_SERVER
export GM_TEST_PROCESSOR_BIN="$BIN/processor" GM_TEST_USER_BIN="$BIN/user" GM_TEST_DEVKAFKA_BIN="$BIN/devkafka"
export GM_TEST_INGESTION_BIN="$BIN/ingestion" GM_TEST_ANALYTICS_API_BIN="$BIN/analytics-api" GM_TEST_NOTIFICATION_BIN="$BIN/notification"
export GM_TEST_RETENTION_BIN="$BIN/retention" GM_TEST_RECOMMENDATION_BIN="$BIN/recommendation"
export GM_TEST_SIMULATOR_BIN="$BIN/player-simulator"
export GM_TEST_SERVICE_LOGS="$LOGS"
export GM_TEST_DEVKAFKA_LIBRARY_PATH="$GM_DEVKAFKA_LIB_DIR"
export GM_TEST_SCHEMATHESIS="$GM_VENV/bin/st" GM_TEST_SCHEMATHESIS_CONFIG="$GM_ROOT/tools/platform/schemathesis.toml"
export GM_TEST_RESTARTABLE_PG_URL="$restartable_pg_url" GM_TEST_RESTARTABLE_PG_CONTROL="$RESTARTABLE_PG"
export GM_TEST_CHARTS_PYTHON="${GM_TEST_CHARTS_PYTHON:-$GM_CHARTS_VENV/bin/python}"

# 3. the tests ---------------------------------------------------------------------------------
# A test server that dies mid-run fails every later test that needs it, and a test waiting on it
# may wait for good: the watchdog stops the run at once, or after GM_TEST_TIME_LIMIT seconds, and
# says why and which tests had not finished.
TEST_LOG="$LOGS/swift-test.log"
STOP_REASON="$TEST_DIR/stopped-because"
TIME_LIMIT="${GM_TEST_TIME_LIMIT:-2400}"

dead_test_server() {
    pid_alive "$PIDS/devkafka.pid" "$BIN/devkafka" >/dev/null || { echo devkafka; return; }
    pid_alive "$PIDS/s3.pid" "$GM_RCLONE" >/dev/null || { echo s3; return; }
    pid_alive "$PIDS/postgres.pid" >/dev/null || { echo postgres; return; }
}

# shellcheck disable=SC2317  # runs in the background
watch_test_run() {
    local group="$1" started="$SECONDS" dead
    while pid_running "$group"; do
        sleep 2
        dead="$(dead_test_server)"
        if [[ -n "$dead" ]]; then
            echo "the test server $dead died (its log: $LOGS/$dead.log)" >"$STOP_REASON"
        elif ((SECONDS - started > TIME_LIMIT)); then
            echo "the tests ran longer than GM_TEST_TIME_LIMIT ($TIME_LIMIT s)" >"$STOP_REASON"
        else
            continue
        fi
        kill -TERM -- "-$group" 2>/dev/null || true
        sleep 10
        kill -KILL -- "-$group" 2>/dev/null || true
        return
    done
}

# Tests swift-testing started but never finished, from its console output (a parameterized
# test's cases are left out; its own line names it).
unfinished_tests() {
    grep -a '◇ Test ' "$TEST_LOG" | grep -av '◇ Test case ' |
        sed -E 's/^.*◇ Test (.*) started\.$/\1/' | grep -vx run | sort -u >"$TEST_DIR/started" || true
    grep -aE '^[✔✘➜] Test ' "$TEST_LOG" | grep -av 'recorded an issue' |
        sed -E 's/ with [0-9]+ test cases? / /; s/^[^ ]+ Test (.*) (passed|failed|skipped)( after.*|\.)?$/\1/' |
        sort -u >"$TEST_DIR/ended" || true
    comm -23 "$TEST_DIR/started" "$TEST_DIR/ended"
}

# At most this many tests at once (swift-testing runs every test at once otherwise): each
# integration test starts services and child processes, and on two cores an unbounded start
# left user-service start-ups and a Redis restart waiting past their 60 s liveness bounds.
export SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH="${GM_TEST_PARALLEL_TESTS:-12}"
log "==> swift test (at most $SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH tests at once; watchdog: test servers alive, at most $TIME_LIMIT s)"
status=0
rm -f "$STOP_REASON"
# Its own process group, so that the watchdog can stop it with every process it started.
# shellcheck disable=SC2016  # expanded by the inner bash
setsid bash -c 'set -o pipefail; swift test "$@" 2>&1 | tee "$0"' "$TEST_LOG" "$@" &
test_group=$!
watch_test_run "$test_group" &
watcher=$!
# Interrupting make test stops the tests too, not only the servers.
trap 'kill -TERM -- "-$test_group" 2>/dev/null; exit 130' INT
trap 'kill -TERM -- "-$test_group" 2>/dev/null; exit 143' TERM
wait "$test_group" || status=$?
kill "$watcher" 2>/dev/null || true
if [[ -s "$STOP_REASON" ]]; then
    log "error: test run stopped: $(cat "$STOP_REASON")"
    dead="$(dead_test_server)"
    [[ -z "$dead" ]] || log_tail "$LOGS/$dead.log" 40
    log "tests that had not finished:"
    unfinished_tests | sed 's/^/    /' >&2
    status=1
fi
# The console in a real browser against the local platform, after a full run of the suites
# (a filtered run is for one suite): tools/browser/console-tests.sh.
if ((status == 0 && $# == 0)); then
    GM_BIN_DIR="$BIN" "$GM_ROOT/tools/browser/console-tests.sh" || status=$?
fi
exit "$status"
