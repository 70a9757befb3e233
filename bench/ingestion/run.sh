#!/usr/bin/env bash
# The ingestion HTTP API under load, against a Hummingbird hello-world measured in the same run.
# Starts a throwaway stack of its own under .gm/bench-ingestion/ (PostgreSQL 15, devkafka,
# redis-server, the user and ingestion services and hello-world-server, release builds, on
# loopback ports that collide with neither `make up` nor `make test`), seeds the demo tenants,
# raises the bench tenant's request limit above the offered rate through the user service's API
# (so the limiter runs, and its cost is measured), then drives each scenario with wrk for the
# given time after a 5 s warm-up (wrk -t1, the given connections):
#   hello GET     wrk without a script (the machine's HTTP ceiling)
#   hello POST    the single-event body below, posted to hello-world (like with like)
#   single        POST /v1/events, one bet_placed event per request
#   batched       POST /v1/events, {"events":[100 events]}
# Every request carries fresh event ids (bench/ingestion/load.lua), so the service writes every
# event to Kafka instead of taking its dedupe path. Every answer must be 202 (200 for hello); the
# events that reached Kafka are cross-checked against the service's accepted-events counter.
# During each scenario the ingestion service's RSS is sampled every second, and CPU time is read
# per process and per thread (ingestion, devkafka) before and after.
#
#   bash bench/ingestion/run.sh [seconds=60] [connections=64]
#
# Environment: GM_BIN_DIR (prebuilt release executables; default: `swift build -c release`, the
# build `make up` uses), GM_BENCH_QUIET_WAIT (seconds to wait for running swift builds/tests to finish
# before measuring, default 600; 0 skips), GM_BENCH_SCENARIOS (default
# "hello-get hello-post single batched"), GM_BENCH_INGESTION_ENV (extra KEY=VALUE words for the
# ingestion service, e.g. "GM_KAFKA_LINGER_MS=1", for experiments; recorded in the results),
# GM_BENCH_PROFILE=perf (`perf record -e cpu-clock -g` of the server during each measured
# scenario, reports in raw/<scenario>.perf.txt and .perf-inclusive.txt; this machine has no
# hardware counters, and valgrind 3.19's callgrind crashes on Swift 6.3 binaries, so CPU time
# samples are the profile).
# Results: .gm/bench-ingestion/results.md (the latest run) and .gm/bench-ingestion/runs/<UTC time>/
# (that run's results.md, raw wrk output, samples, thread CPU, logs). Exit status 1 when an answer
# was not the expected status, the Kafka cross-check failed or a target was missed.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

seconds="${1:-60}" connections="${2:-64}"
[[ "$seconds" =~ ^[1-9][0-9]*$ && "$connections" =~ ^[1-9][0-9]*$ ]] ||
    die "usage: bench/ingestion/run.sh [seconds=60] [connections=64]"
warmup=5 batch_size=100
scenarios="${GM_BENCH_SCENARIOS:-hello-get hello-post single batched}"
read -r -a ingestion_env <<<"${GM_BENCH_INGESTION_ENV:-}"
for word in "${ingestion_env[@]}"; do
    [[ "$word" =~ ^[A-Z_][A-Z0-9_]*=.*$ ]] || die "GM_BENCH_INGESTION_ENV: not a KEY=VALUE word: $word"
done
quiet_wait="${GM_BENCH_QUIET_WAIT:-600}"
profile="${GM_BENCH_PROFILE:-}"
[[ -z "$profile" || "$profile" == perf ]] || die "GM_BENCH_PROFILE: perf or nothing, not $profile"

# Loopback ports: none of `make up` (8080-8087, 5432, 6379, 9000, 9090, 9644), `make test`
# (55432, 55433, 59644, 59000) or the other harnesses (55600, 18085, 59700).
PG_PORT=55620 REDIS_PORT=56390 DEVKAFKA_PORT=59720 S3_PORT=59721
USER_PORT=18285 INGESTION_PORT=18281 HELLO_PORT=18290
# Internal ports (/metrics): never `make up`'s 9080-9087.
USER_INTERNAL_PORT=18385 INGESTION_INTERNAL_PORT=18381

INGESTION_URL="http://127.0.0.1:$INGESTION_PORT"
HELLO_URL="http://127.0.0.1:$HELLO_PORT"
INGESTION_METRICS_URL="http://127.0.0.1:$INGESTION_INTERNAL_PORT/metrics"
CLK_TCK="$(getconf CLK_TCK)"
TIMEOUT="$BENCH_TIMEOUT"

# shellcheck disable=SC2317  # invoked by bench_on_exit
bench_before_exit() {
    if [[ -n "${wrk_job:-}" ]] && kill -0 "$wrk_job" 2>/dev/null; then
        kill "$wrk_job" 2>/dev/null || true
        wait "$wrk_job" 2>/dev/null || true
    fi
}

bench_begin bench-ingestion
bench_build ingestion user devkafka hello-world-server

# --- the stack --------------------------------------------------------------------------------
log "==> stack: postgres :$PG_PORT, redis :$REDIS_PORT, devkafka :$DEVKAFKA_PORT, user :$USER_PORT," \
    "ingestion :$INGESTION_PORT, hello-world :$HELLO_PORT"
bench_ingestion_base "$PG_PORT" "$REDIS_PORT" "$DEVKAFKA_PORT"
PLATFORM_CLIENT_ID="$(seed_value GM_PLATFORM_CLIENT_ID)"
PLATFORM_CLIENT_SECRET="$(seed_value GM_PLATFORM_CLIENT_SECRET)"
TENANT="$(seed_value GM_TENANT)"

require_free_port ingestion "$INGESTION_PORT"
require_free_port hello-world-server "$HELLO_PORT"
bench_user "$USER_PORT" "$USER_INTERNAL_PORT" "$S3_PORT" "$mac_file"

log "==> raising $TENANT's request limit to 5,000,000/s (PATCH /v1/tenants/$TENANT)"
platform_token="$(curl -sf -u "$PLATFORM_CLIENT_ID:$PLATFORM_CLIENT_SECRET" -d grant_type=client_credentials \
    "$USER_URL/oauth/token" | jq -r .access_token)" || die "no platform token from $USER_URL/oauth/token"
limit="$(curl -sf -X PATCH -H "Authorization: Bearer $platform_token" -H 'Content-Type: application/json' \
    -d '{"requests_per_second_limit": 5000000}' "$USER_URL/v1/tenants/$TENANT" |
    jq -r .requests_per_second_limit)" || die "PATCH /v1/tenants/$TENANT failed"
[[ "$limit" == 5000000 ]] || die "the tenant's limit reads $limit after the PATCH"

START_EXE="$BIN/ingestion" start_bg "$PIDS/ingestion.pid" "$LOGS/ingestion.log" \
    env GM_HTTP_HOST=127.0.0.1 GM_HTTP_PORT="$INGESTION_PORT" GM_INTERNAL_HTTP_PORT="$INGESTION_INTERNAL_PORT" \
    GM_LOG_LEVEL=warning \
    GM_KAFKA_BOOTSTRAP="$KAFKA_BOOTSTRAP" GM_REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0" \
    GM_USER_URL="$USER_URL" GM_INGESTION_CLIENT_ID="$INGESTION_CLIENT_ID" \
    GM_INGESTION_CLIENT_SECRET="$INGESTION_CLIENT_SECRET" GM_WRITE_KEY_MAC_SECRET_FILE="$mac_file" \
    "${ingestion_env[@]}" "$BIN/ingestion"
wait_until ingestion "$TIMEOUT" "$PIDS/ingestion.pid" "$BIN/ingestion" "$LOGS/ingestion.log" \
    http_ready "$INGESTION_URL/health/ready"

start_bg "$PIDS/hello.pid" "$LOGS/hello.log" "$BIN/hello-world-server" "$HELLO_PORT"
wait_until hello-world-server "$TIMEOUT" "$PIDS/hello.pid" "$BIN/hello-world-server" "$LOGS/hello.log" \
    http_ready "$HELLO_URL/"

pid_of() { sed -n 1p "$PIDS/$1.pid"; }
ingestion_pid="$(pid_of ingestion)" devkafka_pid="$(pid_of devkafka)" hello_pid="$(pid_of hello)"

occurred_at="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
log "==> smoke test: one event"
answer="$(curl -s -w '\n%{http_code}' -X POST "$INGESTION_URL/v1/events" -H "X-API-Key: $write_key" \
    -H 'Content-Type: application/json' -d '{"event_id":"'"$(cat /proc/sys/kernel/random/uuid)"'",
    "player_id":"player-00001","type":"bet_placed","occurred_at":"'"$occurred_at"'","game_id":"roulette-eu",
    "amount":{"minor":250,"currency":"EUR"}}')"
[[ "$(tail -n1 <<<"$answer")" == 202 && "$answer" == *'"accepted":1,"duplicates":0'* ]] ||
    die "smoke test: expected 202 with accepted 1, got: $answer"

# --- measurement helpers ----------------------------------------------------------------------

# utime+stime of a process in clock ticks (0 when it is gone).
proc_ticks() {
    local stat fields
    stat="$(cat "/proc/$1/stat" 2>/dev/null)" || { echo 0; return; }
    read -r -a fields <<<"${stat##*) }"
    echo $((fields[11] + fields[12]))
}

# Busy and total ticks of the whole machine (all cores).
machine_ticks() {
    local _cpu user nice system idle iowait irq softirq steal _rest
    read -r _cpu user nice system idle iowait irq softirq steal _rest </proc/stat
    echo "$((user + nice + system + irq + softirq + steal)) $((user + nice + system + idle + iowait + irq + softirq + steal))"
}

# One line per thread of $1: "tid<TAB>name<TAB>ticks".
thread_ticks() {
    local dir stat name fields
    for dir in "/proc/$1/task"/*; do
        stat="$(cat "$dir/stat" 2>/dev/null)" || continue
        name="${stat#*(}"
        name="${name%)*}"
        read -r -a fields <<<"${stat##*) }"
        printf '%s\t%s\t%s\n' "${dir##*/}" "$name" "$((fields[11] + fields[12]))"
    done
}

# One line per thread of $1: "tid<TAB>name<TAB>voluntary<TAB>involuntary" context switches; a
# voluntary switch is a thread going to sleep to wait (for a socket, a lock, a queue), and each
# such sleep ends in a wake-up: per request, they count the thread hops.
thread_switches() {
    local dir
    for dir in "/proc/$1/task"/*; do
        awk -v tid="${dir##*/}" '/^Name:/ { name = $2 } /^voluntary_ctxt_switches:/ { v = $2 }
            /^nonvoluntary_ctxt_switches:/ { n = $2 } END { if (name != "") printf "%s\t%s\t%s\t%s\n", tid, name, v, n }' \
            "$dir/status" 2>/dev/null || true
    done
}

metric_sum() { # metric_sum FILE NAME: the sum of every series of a counter
    awk -v m="$2" 'index($0, m "{") == 1 || index($0, m " ") == 1 { s += $NF } END { printf "%.0f", s }' "$1"
}

snapshot_metrics() { curl -sf "$INGESTION_METRICS_URL" >"$1" || die "GET $INGESTION_METRICS_URL failed"; }

# run_wrk NAME URL MODE EVENTS EXPECT SECONDS [write key]: one wrk run in the background, its output
# in $RAW/NAME.txt, the CPU time it used (bash `times` of its subshell) in $RAW/NAME.times.
run_wrk() {
    local name="$1" url="$2" mode="$3" events="$4" expect="$5" duration="$6" key="${7:-}"
    local prefix
    prefix="$(gen_secret 4)-$(gen_secret 2)-4$(gen_secret 2 | cut -c1-3)"
    (
        export BENCH_MODE="$mode" EVENTS_PER_REQUEST="$events" EXPECT_STATUS="$expect" ID_PREFIX="$prefix" \
            OCCURRED_AT="$occurred_at"
        if [[ -n "$key" ]]; then export WRITE_KEY="$key"; fi
        status=0
        wrk -t1 -c"$connections" -d"${duration}s" --latency -s bench/ingestion/load.lua "$url" >"$RAW/$name.txt" 2>&1 ||
            status=$?
        times >"$RAW/$name.times"
        exit "$status"
    ) &
    wrk_job=$!
}

# scenario NAME URL MODE EVENTS EXPECT [write key]
scenario() {
    local name="$1" url="$2" mode="$3" events="$4" expect="$5" key="${6:-}"
    local target_pid="$ingestion_pid" ingests=1
    if [[ "$name" == hello-* ]]; then target_pid="$hello_pid" ingests=0; fi
    log "==> $name: warm-up ${warmup}s"
    run_wrk "$name-warmup" "$url" "$mode" "$events" "$expect" "$warmup" "$key"
    wait "$wrk_job" || die "wrk failed in the $name warm-up: $(tail -n5 "$RAW/$name-warmup.txt")"
    sleep 1 # requests in flight when wrk stopped finish before the counters are read
    ((ingests)) && snapshot_metrics "$RAW/$name.metrics-before"

    log "==> $name: ${seconds}s, $connections connections"
    local -A before=()
    local p m0 m1 t0 t1 rss max_rss=0 samples=0 busy_samples=0 max_busy=0 n elapsed top_taken=0 top_jobs=()
    for p in ingestion devkafka redis user hello; do before[$p]="$(proc_ticks "$(pid_of "$p")")"; done
    thread_ticks "$target_pid" >"$RAW/$name.threads-server-before"
    thread_ticks "$devkafka_pid" >"$RAW/$name.threads-devkafka-before"
    thread_switches "$target_pid" >"$RAW/$name.switches-server-before"
    m0="$(machine_ticks)"
    t0="$(date +%s.%N)"
    run_wrk "$name" "$url" "$mode" "$events" "$expect" "$seconds" "$key"
    local perf_job=""
    if [[ "$profile" == perf ]]; then
        perf record -e cpu-clock -F 499 -g -o "$RAW/$name.perf.data" -p "$target_pid" -- sleep "$seconds" \
            >"$RAW/$name.perf.log" 2>&1 &
        perf_job=$!
    fi
    : >"$RAW/$name.rss"
    while kill -0 "$wrk_job" 2>/dev/null; do
        rss="$(awk '/^VmRSS:/ { print $2 }' "/proc/$target_pid/status" 2>/dev/null || echo 0)"
        printf '%s\n' "$rss" >>"$RAW/$name.rss"
        ((rss > max_rss)) && max_rss=$rss
        n="$(bench_busy_processes)"
        ((n > 0)) && busy_samples=$((busy_samples + 1))
        ((n > max_busy)) && max_busy=$n
        samples=$((samples + 1))
        elapsed="$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%d", b - a }')"
        if ((!top_taken && elapsed >= seconds / 2)); then
            top_taken=1
            { top -H -b -d1 -n2 -p "$target_pid" | awk '/^top -/ { frame++ } frame == 2' | head -n 40 \
                >"$RAW/$name.top-threads.txt"; } 2>/dev/null &
            top_jobs+=($!)
            { top -b -d1 -n2 | awk '/^top -/ { frame++ } frame == 2' | head -n 25 \
                >"$RAW/$name.top.txt"; } 2>/dev/null &
            top_jobs+=($!)
        fi
        sleep 1
    done
    wait "$wrk_job" || die "wrk failed in $name: $(tail -n5 "$RAW/$name.txt")"
    wrk_job=""
    t1="$(date +%s.%N)"
    m1="$(machine_ticks)"
    local -A cpu=()
    for p in ingestion devkafka redis user hello; do
        cpu[$p]=$(($(proc_ticks "$(pid_of "$p")") - before[$p]))
    done
    thread_ticks "$target_pid" >"$RAW/$name.threads-server-after"
    thread_ticks "$devkafka_pid" >"$RAW/$name.threads-devkafka-after"
    thread_switches "$target_pid" >"$RAW/$name.switches-server-after"
    if [[ -n "$perf_job" ]]; then
        wait "$perf_job" || true
        perf report -i "$RAW/$name.perf.data" --no-children --sort dso,symbol --stdio -g none --percent-limit 0.3 2>/dev/null |
            swift-demangle --simplified >"$RAW/$name.perf.txt" || true
        perf report -i "$RAW/$name.perf.data" --children --sort symbol --stdio -g none 2>/dev/null |
            swift-demangle --simplified >"$RAW/$name.perf-inclusive.txt" || true
    fi
    local hwm
    hwm="$(awk '/^VmHWM:/ { print $2 }' "/proc/$target_pid/status")"
    for p in "${top_jobs[@]}"; do wait "$p" || true; done # the top snapshots (not the servers: no bare wait)

    local accepted=0 duplicates=0 throttled=0 rejected_requests=0 rejected_events=0
    if ((ingests)); then
        sleep 1 # requests in flight when wrk stopped finish before the counters are read
        snapshot_metrics "$RAW/$name.metrics-after"
        local f0="$RAW/$name.metrics-before" f1="$RAW/$name.metrics-after"
        accepted=$(($(metric_sum "$f1" gm_ingestion_events_accepted_total) - $(metric_sum "$f0" gm_ingestion_events_accepted_total)))
        duplicates=$(($(metric_sum "$f1" gm_ingestion_events_duplicate_total) - $(metric_sum "$f0" gm_ingestion_events_duplicate_total)))
        throttled=$(($(metric_sum "$f1" gm_ingestion_requests_throttled_total) - $(metric_sum "$f0" gm_ingestion_requests_throttled_total)))
        rejected_requests=$(($(metric_sum "$f1" gm_ingestion_requests_rejected_total) - $(metric_sum "$f0" gm_ingestion_requests_rejected_total)))
        rejected_events=$(($(metric_sum "$f1" gm_ingestion_events_rejected_total) - $(metric_sum "$f0" gm_ingestion_events_rejected_total)))
    fi
    local wrk_cpu
    wrk_cpu="$(awk 'NR == 2 { t = 0; for (i = 1; i <= 2; i++) { split($i, a, /[ms]/); t += a[1] * 60 + a[2] } printf "%.2f", t }' \
        "$RAW/$name.times")"
    tail -n1 "$RAW/$name.txt" | jq -c \
        --arg name "$name" --argjson events "$events" --argjson conns "$connections" \
        --argjson wall "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')" \
        --argjson tck "$CLK_TCK" --argjson wrk "$wrk_cpu" \
        --argjson ing "${cpu[ingestion]}" --argjson dk "${cpu[devkafka]}" --argjson rd "${cpu[redis]}" \
        --argjson us "${cpu[user]}" --argjson he "${cpu[hello]}" \
        --argjson m0 "[${m0// /,}]" --argjson m1 "[${m1// /,}]" \
        --argjson rss "$max_rss" --argjson hwm "${hwm:-0}" --argjson samples "$samples" \
        --argjson busy "$busy_samples" --argjson maxbusy "$max_busy" \
        --argjson accepted "$accepted" --argjson dup "$duplicates" --argjson thr "$throttled" \
        --argjson rreq "$rejected_requests" --argjson rev "$rejected_events" \
        '. + {name: $name, events_per_request: $events, connections: $conns, wall_s: $wall,
              cpu_s: {ingestion: ($ing / $tck), devkafka: ($dk / $tck), redis: ($rd / $tck), user: ($us / $tck),
                      hello: ($he / $tck), wrk: $wrk,
                      machine_busy: (($m1[0] - $m0[0]) / $tck), machine_total: (($m1[1] - $m0[1]) / $tck)},
              rss_kib: {max_sampled: $rss, hwm: $hwm, samples: $samples},
              busy_samples: $busy, max_busy_processes: $maxbusy,
              metrics: {accepted: $accepted, duplicates: $dup, throttled: $thr,
                        rejected_requests: $rreq, rejected_events: $rev}}' >>"$RUN/results.jsonl"
    log "    $(tail -n1 "$RAW/$name.txt")"
}

# --- a quiet machine --------------------------------------------------------------------------
bench_quiet_wait "$quiet_wait"
{
    printf 'stamp=%s\nseconds=%s\nconnections=%s\nwarmup=%s\n' "$stamp" "$seconds" "$connections" "$warmup"
    printf 'waited_s=%s\nbusy_at_start=%s\nloadavg_at_start=%s\n' "$quiet_waited_s" "$busy_at_start" \
        "$(cut -d' ' -f1-3 /proc/loadavg)"
    printf 'commit=%s\ndirty=%s\n' "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)" \
        "$(git status --porcelain 2>/dev/null | grep -q . && echo yes || echo no)"
    printf 'cpu=%s\ncores=%s\nwrk=%s\n' "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)" \
        "$(nproc)" "$(wrk -v 2>&1 | head -n1 | cut -d' ' -f1-2)"
    printf 'command=%sbash bench/ingestion/run.sh %s %s\n' \
        "${GM_BENCH_INGESTION_ENV:+GM_BENCH_INGESTION_ENV=\"$GM_BENCH_INGESTION_ENV\" }" "$seconds" "$connections"
    printf 'ingestion_env=%s\nprofile=%s\n' "${GM_BENCH_INGESTION_ENV:-}" "$profile"
    printf 'ingestion_binary=%s, built %s, sha256 %s\n' "$BIN/ingestion" \
        "$(date -u -r "$BIN/ingestion" +%Y-%m-%dT%H:%M:%SZ)" "$(sha256sum "$BIN/ingestion" | cut -c1-12)"
} >"$RUN/meta.env"

# --- the scenarios ----------------------------------------------------------------------------
: >"$RUN/results.jsonl"
for name in $scenarios; do
    case "$name" in
    hello-get) scenario hello-get "$HELLO_URL/" get 1 200 ;;
    hello-post) scenario hello-post "$HELLO_URL/" post 1 200 ;;
    single) scenario single "$INGESTION_URL/v1/events" post 1 202 "$write_key" ;;
    batched) scenario batched "$INGESTION_URL/v1/events" post "$batch_size" 202 "$write_key" ;;
    *) die "unknown scenario $name (GM_BENCH_SCENARIOS: hello-get hello-post single batched)" ;;
    esac
done

# --- the report -------------------------------------------------------------------------------
status=0
python3 "$GM_ROOT/bench/ingestion/report.py" "$RUN" >"$RUN/results.md" || status=$?
cp "$RUN/results.md" "$BENCH/results.md"
cat "$RUN/results.md"
log "results: $BENCH/results.md (raw: $RUN)"
exit "$status"
