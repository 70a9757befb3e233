# shellcheck shell=bash
# shellcheck disable=SC2034  # the variables below are used by the scripts that source this file
# The preamble the bench harnesses share (sourced by bench/*/run.sh, not executed): a throwaway
# stack of their own under .gm/<name>/ — PostgreSQL 15, redis-server, devkafka, the release
# executables — its clean-up on exit, the demo seed, and the wait for a quiet machine.
#
# A harness calls, in this order: bench_begin NAME, bench_build PRODUCT..., then what it needs of
# bench_postgres, bench_redis, bench_devkafka, bench_seed_demo, and bench_quiet_wait before
# measuring. It may define bench_before_exit (stops its own load generators); the EXIT trap
# calls it before stopping the stack.

# shellcheck source=tools/platform/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../tools/platform/lib.sh"

BENCH_TIMEOUT=120
# Compilers and test runners of someone else's build: their CPU would pollute the figures.
BENCH_BUSY_PATTERN='swift-build|swift-frontend|swift-test|swift-driver|\.xctest'

bench_busy_processes() { pgrep -fc "$BENCH_BUSY_PATTERN" 2>/dev/null || true; }

# bench_begin NAME: BENCH (.gm/NAME), PIDS, stamp, RUN (BENCH/runs/<UTC time>), LOGS, RAW; stops
# what an interrupted earlier run left behind and installs the traps that stop this run's stack.
bench_begin() {
    BENCH="$GM_DIR/$1"
    PIDS="$BENCH/pids"
    stamp="$(date -u +%Y%m%dT%H%M%SZ)"
    RUN="$BENCH/runs/$stamp"
    LOGS="$RUN/logs"
    RAW="$RUN/raw"
    cd "$GM_ROOT" || die "cannot enter $GM_ROOT"
    "$GM_ROOT/tools/platform/install-deps.sh"
    ensure_swift
    if [[ -d "$PIDS" ]]; then
        bench_stop_stack
        bench_remove_pgdata
    fi
    rm -rf "$BENCH/redis" "$BENCH/kafka" "$BENCH/s3" "$PIDS"
    mkdir -p "$PIDS" "$LOGS" "$RAW"
    trap bench_on_exit EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
}

# Services first, then what they use; each pid file names its executable (see start_bg).
bench_stop_stack() {
    local name
    for name in hello ingestion processor user s3 devkafka redis; do
        stop_pid "$name" "$PIDS/$name.pid"
    done
    pg_stop_at "$BENCH/pg" "$PIDS/postgres.pid"
}

# The PostgreSQL data is throwaway; it may live outside .gm (see pg_datadir in lib.sh).
bench_remove_pgdata() {
    pg_remove_outside "$BENCH/pg" "${LOGS:+$LOGS/postgres.log}"
    rm -rf "$BENCH/pg"
}

# shellcheck disable=SC2317  # invoked by the EXIT trap
bench_on_exit() {
    local status=$?
    trap - EXIT INT TERM
    if [[ "$(type -t bench_before_exit)" == function ]]; then bench_before_exit || true; fi
    log "==> stopping the bench stack"
    bench_stop_stack || true
    bench_remove_pgdata || true
    exit "$status"
}

# bench_build PRODUCT...: BIN, the folder of release executables: GM_BIN_DIR when set (built
# elsewhere), else `swift build -c release` of each product — the same build `make up` makes.
bench_build() {
    local product
    if [[ -n "${GM_BIN_DIR:-}" ]]; then
        BIN="$(cd "$GM_BIN_DIR" && pwd)"
        log "==> using prebuilt executables in $BIN (GM_BIN_DIR)"
    else
        for product in "$@"; do
            log "==> swift build -c release --product $product"
            swift build -c release --product "$product" >>"$LOGS/build.log" 2>&1 ||
                { log_tail "$LOGS/build.log" 30; die "release build of $product failed"; }
        done
        BIN="$(swift build -c release --show-bin-path)"
    fi
    for product in "$@"; do
        [[ -x "$BIN/$product" ]] || die "$BIN/$product is missing"
    done
}

# bench_postgres PORT [name=value...]: a fresh server (the local platform's settings plus the
# given ones), role gm owning database gamemetrics; sets super_pw, role_pw and PG_URL.
bench_postgres() {
    local port="$1" pgdata
    shift
    super_pw="$(gen_secret 16)" role_pw="$(gen_secret 16)"
    pgdata="$(pg_datadir "$BENCH/pg")"
    find "$pgdata" -mindepth 1 -delete
    require_free_port "bench postgres" "$port"
    pg_init "$pgdata" "$port" "$super_pw" "$LOGS/postgres-init.log"
    if (($#)); then
        printf '# bench settings\n' >>"$pgdata/postgresql.conf"
        printf '%s\n' "$@" | sed 's/=/ = /' >>"$pgdata/postgresql.conf"
    fi
    pg_start "$pgdata" "$LOGS/postgres.log" "$PIDS/postgres.pid"
    wait_until "bench postgres" "$BENCH_TIMEOUT" "$PIDS/postgres.pid" "$GM_PGBIN/postgres" "$LOGS/postgres.log" \
        pg_ready "$port"
    pg_ensure_db "$port" "$super_pw" gm "$role_pw" gamemetrics
    PG_URL="postgres://gm:$role_pw@127.0.0.1:$port/gamemetrics"
}

bench_redis() {
    start_redis "$1" "$BENCH/redis" "$PIDS/redis.pid" "$LOGS/redis.log" "$BENCH_TIMEOUT"
}

# bench_devkafka PORT: devkafka with the topics of charts/kafka/topics.json; sets KAFKA_BOOTSTRAP.
bench_devkafka() {
    GM_LOG_LEVEL=warning start_devkafka "$BIN/devkafka" "$1" "$BENCH/kafka/bootstrap" \
        "$PIDS/devkafka.pid" "$LOGS/devkafka.log" "$BENCH_TIMEOUT"
    KAFKA_BOOTSTRAP="$(tr -d '[:space:]' <"$BENCH/kafka/bootstrap")"
}

# bench_seed_demo MAC_FILE: `user seed-demo` with that write-key MAC secret; its KEY=VALUE
# lines are read back with seed_value KEY.
bench_seed_demo() {
    log "==> seeding the demo tenants (user seed-demo)"
    seed="$(GM_PG_URL="$PG_URL" GM_LOG_LEVEL=warning GM_WRITE_KEY_MAC_SECRET_FILE="$1" "$BIN/user" seed-demo 2>>"$LOGS/seed.log")" ||
        { log_tail "$LOGS/seed.log"; die "user seed-demo failed"; }
}

seed_value() {
    local value
    value="$(sed -n "s/^$1=//p" <<<"$seed" | head -n1)"
    [[ -n "$value" ]] || die "user seed-demo printed no $1"
    printf '%s' "$value"
}

# bench_user PORT INTERNAL_PORT S3_PORT MAC_FILE [KEY=VALUE...]: the user service with the
# write-key MAC secret in MAC_FILE, a throwaway audit key and signing-key sealing key, and its
# audit anchor on an rclone S3 server of its own at S3_PORT; sets USER_URL and
# USER_METRICS_URL. Runs as the schema owner gm: the bench has no per-service roles.
bench_user() {
    local port="$1" internal_port="$2" s3_port="$3" mac_file="$4" s3_key s3_secret
    shift 4
    s3_key="$(gen_secret 12)" s3_secret="$(gen_secret 24)"
    (umask 077 && gen_secret 32 >"$BENCH/audit-hmac.key")
    start_s3 "$s3_port" "$BENCH/s3" "$s3_key" "$s3_secret" gm-audit-anchors "$PIDS/s3.pid" "$LOGS/s3.log" "$BENCH_TIMEOUT"
    require_free_port user "$port"
    START_EXE="$BIN/user" start_bg "$PIDS/user.pid" "$LOGS/user.log" \
        env GM_HTTP_HOST=127.0.0.1 GM_HTTP_PORT="$port" GM_INTERNAL_HTTP_PORT="$internal_port" \
        GM_LOG_LEVEL=warning GM_PG_URL="$PG_URL" GM_KAFKA_BOOTSTRAP="$KAFKA_BOOTSTRAP" \
        GM_WRITE_KEY_MAC_SECRET_FILE="$mac_file" GM_AUDIT_HMAC_KEY_FILE="$BENCH/audit-hmac.key" \
        GM_SIGNING_KEY_ENCRYPTION_KEY="$(head -c 32 /dev/urandom | base64 -w0)" \
        GM_AUDIT_ANCHOR_S3_ENDPOINT="http://127.0.0.1:$s3_port" GM_AUDIT_ANCHOR_S3_ACCESS_KEY="$s3_key" \
        GM_AUDIT_ANCHOR_S3_SECRET_KEY="$s3_secret" GM_AUDIT_ANCHOR_S3_BUCKET=gm-audit-anchors \
        "$@" "$BIN/user"
    USER_URL="http://127.0.0.1:$port"
    USER_METRICS_URL="http://127.0.0.1:$internal_port/metrics"
    wait_until user "$BENCH_TIMEOUT" "$PIDS/user.pid" "$BIN/user" "$LOGS/user.log" http_ready "$USER_URL/health/ready"
}

# bench_ingestion_base PG_PORT REDIS_PORT DEVKAFKA_PORT: what ingestion stands on — PostgreSQL
# (for the user service), redis-server, devkafka — with the demo tenants seeded under a fresh
# write-key MAC secret (mac_file, read only by this run's user and ingestion services); sets
# INGESTION_CLIENT_ID/SECRET (ingestion's own client, role ingestion) and write_key.
bench_ingestion_base() {
    mac_file="$BENCH/write-key-mac.secret"
    (umask 077 && gen_secret 32 >"$mac_file")
    bench_postgres "$1"
    bench_redis "$2"
    bench_devkafka "$3"
    bench_seed_demo "$mac_file"
    INGESTION_CLIENT_ID="$(seed_value GM_INGESTION_CLIENT_ID)"
    INGESTION_CLIENT_SECRET="$(seed_value GM_INGESTION_CLIENT_SECRET)"
    write_key="$(seed_value GM_WRITE_KEY)"
}

# bench_quiet_wait SECONDS: waits up to SECONDS for other builds and tests to finish; sets
# quiet_waited_s and busy_at_start (what was still running when measuring began).
bench_quiet_wait() {
    local limit="$1" start=$SECONDS
    log "==> load: $(cut -d' ' -f1-3 /proc/loadavg); waiting up to ${limit}s for other builds/tests to finish"
    while (($(bench_busy_processes) > 0 && SECONDS - start < limit)); do sleep 5; done
    quiet_waited_s=$((SECONDS - start))
    busy_at_start="$(bench_busy_processes)"
    ((busy_at_start == 0)) || log "    warning: $busy_at_start build/test processes still running; measuring anyway"
}
