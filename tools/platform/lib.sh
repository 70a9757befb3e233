# shellcheck shell=bash
# shellcheck disable=SC2034  # the variables below are used by the scripts that source this file
# Shared helpers for the local platform scripts (sourced, not executed).
#
# Everything started here runs on loopback, keeps its state under .gm/ and is tracked by a pid
# file, so that `make down` can stop exactly what `make up` started.

GM_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
GM_DIR="$GM_ROOT/.gm"
GM_VENV="$GM_ROOT/.venv"
# The chart tools (helm-python-sdk, kubernetes-validate, checkov): a venv of their own, since
# checkov pins versions the project venv's schemathesis does not accept.
GM_CHARTS_VENV="$GM_ROOT/.venv-charts"
GM_PGBIN="${GM_PGBIN:-/usr/lib/postgresql/15/bin}"
GM_RCLONE="$GM_VENV/bin/rclone"
# devkafka loads the patched librdkafka built here (tools/devkafka/librdkafka/build.sh, ADR 0022).
GM_DEVKAFKA_LIB_DIR="$GM_DIR/lib/devkafka"

# The eight services, in start order. Their ports are declared once, in
# shared/Sources/GameMetricsKit/Configuration/PlatformService.swift (docs/architecture.md,
# "Services and ports"); gm_read_ports reads them from there into GM_SERVICE_PORT (public) and
# GM_SERVICE_INTERNAL_PORT (/metrics and operator-only endpoints such as the processor's /v1/lag,
# which the public port answers with 404).
GM_SERVICES=(ingestion processor recommendation analytics-api user notification retention admin)
GM_PORTS_SOURCE="$GM_ROOT/shared/Sources/GameMetricsKit/Configuration/PlatformService.swift"
declare -A GM_SERVICE_PORT=() GM_SERVICE_INTERNAL_PORT=()

# gm_read_ports: fills both tables from the `static let NAME = PlatformService(name: "...",
# port: N, internalPort: M)` lines; fails unless it finds exactly the services of GM_SERVICES.
gm_read_ports() {
    local name port internal svc
    GM_SERVICE_PORT=() GM_SERVICE_INTERNAL_PORT=()
    [[ -r "$GM_PORTS_SOURCE" ]] || { printf 'error: %s not found\n' "$GM_PORTS_SOURCE" >&2; return 1; }
    while read -r name port internal; do
        GM_SERVICE_PORT[$name]="$port"
        GM_SERVICE_INTERNAL_PORT[$name]="$internal"
    done < <(sed -n 's/^ *public static let [A-Za-z]* = PlatformService(name: "\([a-z-]*\)", port: \([0-9]*\), internalPort: \([0-9]*\)).*$/\1 \2 \3/p' "$GM_PORTS_SOURCE")
    if ((${#GM_SERVICE_PORT[@]} != ${#GM_SERVICES[@]})); then
        printf 'error: %s declares %s services, GM_SERVICES lists %s\n' "$GM_PORTS_SOURCE" "${#GM_SERVICE_PORT[@]}" "${#GM_SERVICES[@]}" >&2
        return 1
    fi
    for svc in "${GM_SERVICES[@]}"; do
        [[ -n "${GM_SERVICE_PORT[$svc]:-}" ]] || { printf 'error: %s declares no port for %s\n' "$GM_PORTS_SOURCE" "$svc" >&2; return 1; }
    done
}
gm_read_ports || exit 1

log() { printf '%s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Make `swift` reachable (the toolchain lives in /opt/swift on these machines).
ensure_swift() {
    if ! command -v swift >/dev/null 2>&1; then
        if [[ -x /opt/swift/usr/bin/swift ]]; then
            export PATH="/opt/swift/usr/bin:$PATH"
        else
            die "swift not found in PATH nor in /opt/swift/usr/bin"
        fi
    fi
}

# Random hex string of $1 bytes (default 16), safe in URLs and shell files.
gen_secret() {
    local bytes="${1:-16}"
    od -An -tx1 -N"$bytes" /dev/urandom | tr -d ' \n'
}

# Upper-case env-var stem of a service name: analytics-api -> ANALYTICS_API.
svc_var() {
    local s="${1^^}"
    printf '%s' "${s//-/_}"
}

# True when something accepts TCP connections on 127.0.0.1:$1.
port_open() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Last lines of a log file, indented, for error messages.
# apt_install_missing LOG PACKAGE...: installs with apt-get those of the Debian packages that are
# not installed (non-interactive, quiet, output appended to LOG, its tail shown on failure); as
# root, or through sudo.
apt_install_missing() {
    local logfile="$1" pkg
    shift
    local absent=()
    for pkg in "$@"; do
        if [[ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)" != "install ok installed" ]]; then
            absent+=("$pkg")
        fi
    done
    ((${#absent[@]} > 0)) || return 0
    local sudo=()
    if ((EUID != 0)); then
        command -v sudo >/dev/null 2>&1 || die "missing packages (${absent[*]}) and not root (no sudo)"
        sudo=(sudo)
    fi
    log "installing ${absent[*]} (apt-get; log: $logfile)"
    if ! { DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get update -qq &&
        DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${absent[@]}"; } >>"$logfile" 2>&1; then
        log_tail "$logfile" 30
        die "apt-get install failed (log: $logfile)"
    fi
}

log_tail() {
    local file="$1" n="${2:-20}"
    if [[ -s "$file" ]]; then
        printf -- '--- last %s lines of %s ---\n' "$n" "$file" >&2
        tail -n "$n" "$file" | sed 's/^/    /' >&2
    else
        printf -- '--- %s is empty or missing ---\n' "$file" >&2
    fi
}

# --- pid tracking -------------------------------------------------------------------------------

# Executable path behind a pid ("" when gone); a binary replaced on disk reads "<path> (deleted)".
pid_exe() {
    local exe
    exe="$(readlink "/proc/$1/exe" 2>/dev/null || true)"
    printf '%s' "${exe% (deleted)}"
}

# True while pid runs; a zombie (exited, not yet reaped by its parent or init) counts as gone.
pid_running() {
    local state
    kill -0 "$1" 2>/dev/null || return 1
    state="$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$1/status" 2>/dev/null || true)"
    [[ "$state" != Z && -n "$state" ]]
}

# pid_alive PIDFILE [EXPECTED_EXE]: prints the pid and succeeds when the pid file names a live
# process running EXPECTED_EXE (default: the executable recorded on the pid file's second line),
# so that a recycled pid is never taken for ours.
pid_alive() {
    local pidfile="$1" expected="${2:-}" pid exe
    [[ -s "$pidfile" ]] || return 1
    pid="$(sed -n 1p "$pidfile")"
    [[ -n "$expected" ]] || expected="$(sed -n 2p "$pidfile")"
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    pid_running "$pid" || return 1
    exe="$(pid_exe "$pid")"
    # Without root, /proc/<pid>/exe of another user's process (postgres) cannot be read.
    if [[ -n "$exe" && -n "$expected" && "$(readlink -f "$expected")" != "$exe" ]]; then
        return 1
    fi
    printf '%s' "$pid"
}

# start_bg PIDFILE LOGFILE CMD...: runs CMD detached from this shell (own session, stdin from
# /dev/null, stdout+stderr appended to LOGFILE) and records its pid and executable (START_EXE,
# default CMD itself; `env VAR=... BIN` execs BIN in the same process, so pass START_EXE=BIN).
start_bg() {
    local pidfile="$1" logfile="$2"
    shift 2
    mkdir -p "$(dirname "$pidfile")" "$(dirname "$logfile")"
    local exe i pid
    exe="$(readlink -f "${START_EXE:-$(command -v "$1")}")"
    setsid "$@" </dev/null >>"$logfile" 2>&1 &
    pid=$!
    printf '%s\n%s\n' "$pid" "$exe" >"$pidfile"
    # Wait until setsid/env have exec'd the real program, so pid_alive can recognise it.
    for ((i = 0; i < 50; i++)); do
        [[ "$(pid_exe "$pid")" == "$exe" ]] && return 0
        pid_running "$pid" || return 0
        sleep 0.05
    done
}

# stop_pid NAME PIDFILE [EXPECTED_EXE] [TIMEOUT]: TERM, wait up to TIMEOUT s (15), then KILL.
stop_pid() {
    local name="$1" pidfile="$2" expected="${3:-}" timeout="${4:-15}" pid i
    if pid="$(pid_alive "$pidfile" "$expected")"; then
        kill -TERM "$pid" 2>/dev/null || true
        for ((i = 0; i < timeout * 10; i++)); do
            pid_running "$pid" || break
            sleep 0.1
        done
        if pid_running "$pid"; then
            log "  $name (pid $pid) ignored SIGTERM for ${timeout}s: sending SIGKILL"
            kill -KILL "$pid" 2>/dev/null || true
            for ((i = 0; i < 50; i++)); do
                pid_running "$pid" || break
                sleep 0.1
            done
        fi
        log "  stopped $name (pid $pid)"
    fi
    rm -f "$pidfile"
}

# --- readiness ----------------------------------------------------------------------------------

# HTTP status code of a GET (000 when nothing answers).
http_code() {
    curl -s -o /dev/null -m 2 -w '%{http_code}' "$1" 2>/dev/null || true
}

http_ready() {
    [[ "$(http_code "$1")" == 200 ]]
}

# S3 readiness: a SigV4-signed HEAD of the bucket answers 200 (proves auth and bucket).
s3_ready() {
    local endpoint="$1" key="$2" secret="$3" bucket="$4"
    [[ "$(curl -s -o /dev/null -m 2 -w '%{http_code}' -I \
        --aws-sigv4 "aws:amz:us-east-1:s3" --user "$key:$secret" \
        "$endpoint/$bucket" 2>/dev/null || true)" == 200 ]]
}

redis_ready() {
    [[ "$(redis-cli -h 127.0.0.1 -p "$1" ping 2>/dev/null || true)" == PONG ]]
}

pg_ready() {
    "$GM_PGBIN/pg_isready" -q -h 127.0.0.1 -p "$1" >/dev/null 2>&1
}

# wait_until NAME TIMEOUT PIDFILE EXPECTED_EXE LOGFILE CHECK...: polls CHECK until it succeeds;
# fails fast with the log tail when the process dies, and after TIMEOUT seconds.
wait_until() {
    local name="$1" timeout="$2" pidfile="$3" expected="$4" logfile="$5"
    shift 5
    local deadline=$((SECONDS + timeout))
    while ! "$@"; do
        if [[ -n "$pidfile" ]] && ! pid_alive "$pidfile" "$expected" >/dev/null; then
            log "error: $name exited before it became ready"
            log_tail "$logfile"
            return 1
        fi
        if ((SECONDS >= deadline)); then
            log "error: $name not ready after ${timeout}s"
            log_tail "$logfile"
            return 1
        fi
        sleep 0.5
    done
}

# --- PostgreSQL ---------------------------------------------------------------------------------

# Runs a PostgreSQL server binary as the postgres user when we are root (it refuses root).
as_pg() {
    if ((EUID == 0)); then
        (cd / && runuser -u postgres -- "$@")
    else
        "$@"
    fi
}

# pg_datadir WANTED: prints the data directory to use. When we are root, the postgres user must
# reach WANTED; if a parent folder is closed to it (e.g. a checkout under a 0700 home), the
# data lives in /var/tmp/gm-pg-<hash>/data instead and WANTED becomes a symlink to it.
pg_datadir() {
    local wanted="$1"
    if [[ -L "$wanted" ]]; then
        readlink "$wanted"
        return
    fi
    if ((EUID != 0)); then
        printf '%s' "$wanted"
        return
    fi
    mkdir -p "$wanted"
    chown postgres:postgres "$wanted"
    chmod 700 "$wanted"
    if runuser -u postgres -- test -w "$wanted"; then
        printf '%s' "$wanted"
        return
    fi
    rmdir "$wanted"
    local alt
    alt="/var/tmp/gm-pg-$(printf '%s' "$wanted" | sha256sum | cut -c1-12)"
    mkdir -p "$alt/data"
    chown postgres:postgres "$alt" "$alt/data"
    chmod 700 "$alt" "$alt/data"
    ln -s "$alt/data" "$wanted"
    log "  note: user postgres cannot reach $wanted; PostgreSQL data lives in $alt/data"
    printf '%s' "$alt/data"
}

# pg_init DATADIR PORT SUPERUSER_PASSWORD LOGFILE: initdb on first use (TCP on 127.0.0.1 only,
# no Unix socket, SCRAM passwords everywhere).
pg_init() {
    local datadir="$1" port="$2" superpw="$3" logfile="$4"
    [[ -f "$datadir/PG_VERSION" ]] && return 0
    local pwfile
    pwfile="$(mktemp)"
    printf '%s\n' "$superpw" >"$pwfile"
    ((EUID == 0)) && chown postgres "$pwfile"
    if ! as_pg "$GM_PGBIN/initdb" -D "$datadir" -U postgres --pwfile="$pwfile" \
        --auth-local=scram-sha-256 --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 \
        >>"$logfile" 2>&1; then
        rm -f "$pwfile"
        log_tail "$logfile"
        die "initdb failed for $datadir"
    fi
    rm -f "$pwfile"
    cat >>"$datadir/postgresql.conf" <<EOF

# --- GameMetrics Pro local platform (tools/platform) ---
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = ''
# Test suites run services side by side, each pool up to 20 connections.
max_connections = 500
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
}

# pg_start DATADIR LOGFILE PIDFILE: starts the server if it is not running, waits until ready.
pg_start() {
    local datadir="$1" logfile="$2" pidfile="$3"
    if ((EUID == 0)); then
        touch "$logfile"
        chown postgres "$logfile"
        # Data moved out of reach (see pg_datadir): the server logs beside its data, and
        # LOGFILE becomes a link to that log.
        if ! runuser -u postgres -- test -w "$logfile" 2>/dev/null; then
            local real
            real="$(dirname "$datadir")/$(basename "$logfile")"
            touch "$real"
            chown postgres "$real"
            ln -sfn "$real" "$logfile"
            logfile="$real"
        fi
    fi
    if ! as_pg "$GM_PGBIN/pg_ctl" -D "$datadir" status >/dev/null 2>&1; then
        if ! as_pg "$GM_PGBIN/pg_ctl" -D "$datadir" -l "$logfile" -w -t 60 start >/dev/null; then
            log_tail "$logfile"
            die "PostgreSQL did not start (data $datadir)"
        fi
    fi
    printf '%s\n%s\n%s\n' "$(head -n1 "$datadir/postmaster.pid")" "$GM_PGBIN/postgres" "$datadir" \
        >"$pidfile"
}

pg_stop() {
    local datadir="$1" pidfile="$2"
    if [[ -f "$datadir/postmaster.pid" ]] &&
        as_pg "$GM_PGBIN/pg_ctl" -D "$datadir" status >/dev/null 2>&1; then
        as_pg "$GM_PGBIN/pg_ctl" -D "$datadir" -m fast -w -t 30 stop >/dev/null ||
            log "  warning: pg_ctl stop failed for $datadir"
        log "  stopped postgres ($datadir)"
    fi
    rm -f "$pidfile"
}

# pg_stop_at LINK PIDFILE: stops the server of the data LINK names (a directory or pg_datadir's
# symlink), if there is one.
pg_stop_at() {
    [[ -e "$1" ]] || return 0
    pg_stop "$(readlink -f "$1")" "$2"
}

# pg_remove_outside LINK [LOG_COPY]: deletes throwaway data that pg_datadir moved to /var/tmp
# (LINK is then a symlink to it), copying its server log to LOG_COPY first when given.
pg_remove_outside() {
    local link="$1" log_copy="${2:-}" outside
    [[ -L "$link" ]] || return 0
    outside="$(dirname "$(readlink -f "$link")")"
    [[ "$outside" == /var/tmp/gm-pg-* ]] || return 0
    if [[ -n "$log_copy" ]]; then
        rm -f "$log_copy"
        cp "$outside/postgres.log" "$log_copy" 2>/dev/null || true
    fi
    rm -rf "$outside"
}

# pg_ensure_db PORT SUPERPW ROLE ROLEPW DB: creates/updates the login role and its database.
pg_ensure_db() {
    local port="$1" superpw="$2" role="$3" rolepw="$4" db="$5"
    PGPASSWORD="$superpw" "$GM_PGBIN/psql" -X -q -h 127.0.0.1 -p "$port" -U postgres -d postgres \
        -v ON_ERROR_STOP=1 -v role="$role" -v pw="$rolepw" -v db="$db" >/dev/null <<'SQL'
SELECT format('CREATE ROLE %I LOGIN', :'role')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'role') \gexec
ALTER ROLE :"role" WITH LOGIN PASSWORD :'pw';
SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'role')
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'db') \gexec
SQL
}

# The services that connect to PostgreSQL, each as its own role (db/roles.sql grants them;
# ADR 0016). Ingestion and admin have no database access.
GM_PG_SERVICES=(user processor analytics-api retention recommendation notification)
# The services whose migrations `make up` runs as the owner, in this order, before the grants.
GM_PG_MIGRATING_SERVICES=(user processor analytics-api notification retention recommendation)

# pg_role_of SERVICE: the service's PostgreSQL role name (gm_analytics_api for analytics-api).
pg_role_of() {
    local s="${1,,}"
    printf 'gm_%s' "${s//-/_}"
}

# pg_ensure_service_role PORT SUPERPW ROLE ROLEPW: creates/updates a service's login role. It
# owns nothing and may create nothing (no superuser, CREATEDB, CREATEROLE, BYPASSRLS); what it
# may touch comes from db/roles.sql alone.
pg_ensure_service_role() {
    local port="$1" superpw="$2" role="$3" rolepw="$4"
    PGPASSWORD="$superpw" "$GM_PGBIN/psql" -X -q -h 127.0.0.1 -p "$port" -U postgres -d postgres \
        -v ON_ERROR_STOP=1 -v role="$role" -v pw="$rolepw" >/dev/null <<'SQL'
SELECT format('CREATE ROLE %I LOGIN', :'role')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'role') \gexec
ALTER ROLE :"role" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'pw';
SQL
}

# pg_apply_grants PORT OWNER OWNERPW DB: applies db/roles.sql as the schema owner, in one
# transaction, after every service's migrations.
pg_apply_grants() {
    local port="$1" owner="$2" ownerpw="$3" db="$4"
    PGPASSWORD="$ownerpw" "$GM_PGBIN/psql" -X -q -1 -h 127.0.0.1 -p "$port" -U "$owner" -d "$db" \
        -v ON_ERROR_STOP=1 -f "$GM_ROOT/db/roles.sql" >/dev/null
}

# --- swift --------------------------------------------------------------------------------------

# The configuration `make build/up/demo` compile: release unless GM_BUILD_CONFIG=debug. A debug
# build runs several times slower than the product (docs/benchmarks.md), which a first demo
# must not show; debug is there for a debugger. `make test` builds debug regardless.
gm_build_config() {
    local config="${GM_BUILD_CONFIG:-release}"
    [[ "$config" == release || "$config" == debug ]] ||
        die "GM_BUILD_CONFIG must be release or debug, not '$config'"
    printf '%s' "$config"
}

# --- other components (shared by up.sh and test.sh) ---------------------------------------------

# require_free_port NAME PORT: refuses to start NAME when a foreign process holds its port.
require_free_port() {
    if port_open "$2"; then
        local holder
        holder="$(ss -Hltnp "sport = :$2" 2>/dev/null | sed -n 's/.*users:((\([^)]*\)).*/\1/p' | head -n1)"
        die "cannot start $1: 127.0.0.1:$2 is already in use by a process these scripts did not" \
            "start (${holder:-unknown}); stop it or free the port"
    fi
}

# start_redis PORT DIR PIDFILE LOGFILE TIMEOUT
start_redis() {
    local port="$1" dir="$2" pidfile="$3" logfile="$4" timeout="$5" exe
    exe="$(command -v redis-server)"
    if ! pid_alive "$pidfile" "$exe" >/dev/null; then
        require_free_port redis "$port"
        mkdir -p "$dir"
        start_bg "$pidfile" "$logfile" "$exe" --bind 127.0.0.1 --port "$port" --dir "$dir" \
            --save "" --appendonly no --protected-mode yes --daemonize no
    fi
    wait_until redis "$timeout" "$pidfile" "$exe" "$logfile" redis_ready "$port"
}

# start_s3 PORT DIR KEY SECRET BUCKET PIDFILE LOGFILE TIMEOUT [KEY2 SECRET2]: rclone's S3 server
# over DIR (buckets are its folders). The key pairs go in through the environment, not argv; the
# optional second pair is the audit anchor's own credential (rclone lets every key reach every
# bucket, so locally it is a second identity, not a separate permission).
start_s3() {
    local port="$1" dir="$2" key="$3" secret="$4" bucket="$5" pidfile="$6" logfile="$7" timeout="$8"
    local auth="\"$key,$secret\""
    if [[ -n "${9:-}" ]]; then auth+=",\"$9,${10:?start_s3: a second key needs its secret}\""; fi
    mkdir -p "$dir/$bucket"
    if ! pid_alive "$pidfile" "$GM_RCLONE" >/dev/null; then
        require_free_port s3 "$port"
        RCLONE_AUTH_KEY="$auth" RCLONE_CONFIG=/dev/null \
            start_bg "$pidfile" "$logfile" "$GM_RCLONE" serve s3 --addr "127.0.0.1:$port" "$dir"
    fi
    wait_until s3 "$timeout" "$pidfile" "$GM_RCLONE" "$logfile" \
        s3_ready "http://127.0.0.1:$port" "$key" "$secret" "$bucket"
}

# start_devkafka BIN PORT BOOTSTRAP_FILE PIDFILE LOGFILE TIMEOUT: waits for the control port's
# /health/ready and for the bootstrap file devkafka writes once brokers and topics exist.
start_devkafka() {
    local bin="$1" port="$2" bootfile="$3" pidfile="$4" logfile="$5" timeout="$6"
    [[ -x "$bin" ]] || die "devkafka binary not found at $bin (did the build succeed?)"
    [[ -f "$GM_DEVKAFKA_LIB_DIR/librdkafka.so.1" ]] ||
        die "devkafka's librdkafka not built ($GM_DEVKAFKA_LIB_DIR): run tools/platform/install-deps.sh"
    if ! pid_alive "$pidfile" "$bin" >/dev/null; then
        require_free_port devkafka "$port"
        mkdir -p "$(dirname "$bootfile")"
        rm -f "$bootfile"
        GM_HTTP_HOST=127.0.0.1 GM_HTTP_PORT="$port" GM_LOG_LEVEL="${GM_LOG_LEVEL:-info}" \
            GM_DEVKAFKA_TOPICS="${GM_DEVKAFKA_TOPICS:-$GM_ROOT/charts/kafka/topics.json}" \
            GM_DEVKAFKA_BOOTSTRAP_FILE="$bootfile" LD_LIBRARY_PATH="$GM_DEVKAFKA_LIB_DIR" \
            start_bg "$pidfile" "$logfile" "$bin"
    fi
    wait_until devkafka "$timeout" "$pidfile" "$bin" "$logfile" \
        devkafka_ready "http://127.0.0.1:$port" "$bootfile"
}

devkafka_ready() {
    [[ -s "$2" ]] && http_ready "$1/health/ready"
}
