#!/usr/bin/env bash
# The notification service's webhook deliveries, against a local receiver measured in the same run.
# Starts a throwaway stack of its own under .gm/bench-notification/ (PostgreSQL 15 with every
# service's role and migrations and db/roles.sql, devkafka with the topics of
# charts/kafka/topics.json, the user service for tokens, the SMTP sink readiness needs, the release
# notification service as its own role gm_notification) on loopback ports that collide with
# neither `make up`, `make test` nor the other harnesses; registers two webhook endpoints as the
# demo tenant's admin (PKCE sign-in), each pointing at a receiver of its own
# (bench/notification/receiver.py: Python asyncio, one core, checks every signature), then, each
# figure the median of ROUNDS rounds:
#   1. baseline   wrk -t1 -c32 -d10s POSTing a ~300-byte webhook-shaped body to the receiver
#                 (bench/notification/post.lua): what the receiver can take;
#   2. deliveries COUNT notifications (operator_message to the endpoint) produced to
#                 notifications.requested with kcat, the service running: deliveries/s from the
#                 receiver's first to its last 2xx, and the intake (rows queued/s, created_at of
#                 the first to the last row) separately;
#   3. backlog    COUNT copies of the smoke test's row inserted by the owner, all due at once:
#                 deliveries/s of the workers alone, draining a full queue;
#   4. 50% failing the same (through the topic) into a receiver that answers 500 to a seeded random half of the
#                 requests: attempts/s, deliveries/s, the DLQ (status 'dead') over time against
#                 the expected 0.5^4 = 6.25 %, none lost, the service's RSS (every 0.5 s) against
#                 idle.
# Every round checks exactly-once from the receiver's side: the ids it answered 2xx are exactly the
# delivered rows, none twice, and its request count equals the attempts the service recorded.
# The service runs with GM_NOTIFICATION_MAX_ATTEMPTS=4, backoff 50 ms doubling to 1 s, and
# GM_NOTIFICATION_DESTINATION_CONCURRENCY = GM_NOTIFICATION_CONCURRENCY (one receiver is the only
# destination, so the per-destination limit would otherwise be the figure).
#
#   bash bench/notification/run.sh [count=20000] [rounds=3]
#
# Environment: GM_BIN_DIR (prebuilt release executables; default: `swift build -c release`, the
# build `make up` uses), GM_BENCH_QUIET_WAIT (seconds to wait for running swift builds/tests to
# finish before measuring, default 600; 0 skips), GM_BENCH_NOTIFICATION_CONCURRENCY (32, the
# service's default), GM_BENCH_NOTIFICATION_ENV (extra KEY=VALUE words for the service, recorded
# in the results), GM_BENCH_PROFILE=perf (`perf record -e cpu-clock -g -a`, the whole machine,
# during the first backlog round; raw/backlog.perf-by-process.txt and raw/backlog.perf.txt).
# Results: .gm/bench-notification/results.md (the latest run) and
# .gm/bench-notification/runs/<UTC time>/ (results.md, one JSON per round with the DLQ and RSS
# timelines, wrk output, logs). Exit status 1 when a round lost a notification, got stuck, or
# failed an exactly-once check (round.py `passed`; bench/notification/test_bench.py shows each
# check failing on a bad fixture: python3 -m unittest discover -s bench/notification).
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
# round.py queries the server with the platform's psql.
export GM_PGBIN

count="${1:-20000}" rounds="${2:-3}"
[[ "$count" =~ ^[1-9][0-9]*$ && "$rounds" =~ ^[1-9][0-9]*$ ]] || die "usage: bench/notification/run.sh [count=20000] [rounds=3]"
concurrency="${GM_BENCH_NOTIFICATION_CONCURRENCY:-32}"
[[ "$concurrency" =~ ^[1-9][0-9]*$ ]] || die "GM_BENCH_NOTIFICATION_CONCURRENCY must be a number"
read -r -a notification_env <<<"${GM_BENCH_NOTIFICATION_ENV:-}"
for word in "${notification_env[@]}"; do
    [[ "$word" =~ ^[A-Z_][A-Z0-9_]*=.*$ ]] || die "GM_BENCH_NOTIFICATION_ENV: not a KEY=VALUE word: $word"
done
quiet_wait="${GM_BENCH_QUIET_WAIT:-600}"
profile="${GM_BENCH_PROFILE:-}"
[[ -z "$profile" || "$profile" == perf ]] || die "GM_BENCH_PROFILE: perf or nothing, not $profile"
max_attempts=4 backoff_base_ms=50 backoff_max_ms=1000 fail_ratio=0.5 baseline_seconds=10 baseline_connections=32

# Loopback ports: none of `make up` (8080-8087, 5432, 6379, 9000, 9090, 9644, 2525), `make test`
# (55432, 55433, 59644, 59000) or the other harnesses (55600-55640, 5639x, 597xx, 182xx-183xx, 18490).
PG_PORT=55680 DEVKAFKA_PORT=59780 S3_PORT=59781 SMTP_PORT=18525
USER_PORT=18485 USER_INTERNAL_PORT=18585
NOTIFICATION_PORT=18486 NOTIFICATION_INTERNAL_PORT=18586
RECEIVER_PORT=18491 FAILING_RECEIVER_PORT=18492
NOTIFICATION_URL="http://127.0.0.1:$NOTIFICATION_PORT"
RECEIVER_URL="http://127.0.0.1:$RECEIVER_PORT"
FAILING_RECEIVER_URL="http://127.0.0.1:$FAILING_RECEIVER_PORT"
TIMEOUT="$BENCH_TIMEOUT"
HERE="$GM_ROOT/bench/notification"
PYTHON=/usr/bin/python3

# What bench_stop_stack does not know: the service, the SMTP sink, the receivers.
stop_own() {
    local name
    for name in notification receiver failing-receiver smtp; do
        stop_pid "$name" "$1/$name.pid"
    done
}
# shellcheck disable=SC2317  # invoked by bench_on_exit
bench_before_exit() { stop_own "$PIDS"; }
stop_own "$GM_DIR/bench-notification/pids" # what an interrupted run left behind

bench_begin bench-notification
bench_build notification user devkafka processor analytics-api

# --- the stack --------------------------------------------------------------------------------
log "==> stack: postgres :$PG_PORT, devkafka :$DEVKAFKA_PORT, user :$USER_PORT, notification :$NOTIFICATION_PORT," \
    "smtp sink :$SMTP_PORT, receivers :$RECEIVER_PORT and :$FAILING_RECEIVER_PORT"
mac_file="$BENCH/write-key-mac.secret"
(umask 077 && gen_secret 32 >"$mac_file")
bench_postgres "$PG_PORT"
bench_devkafka "$DEVKAFKA_PORT"
bench_seed_demo "$mac_file"
TENANT="$(seed_value GM_TENANT)"

# Every service's role (db/roles.sql grants to all of them), every migration as the owner, then
# the grants: the service runs as gm_notification, as under `make up` (tools/platform/up.sh).
log "==> service roles, migrations (as the owner gm) and db/roles.sql"
notification_pw="$(gen_secret 16)"
for svc in "${GM_PG_SERVICES[@]}"; do
    if [[ "$svc" == notification ]]; then pw="$notification_pw"; else pw="$(gen_secret 16)"; fi
    pg_ensure_service_role "$PG_PORT" "$super_pw" "$(pg_role_of "$svc")" "$pw"
done
for svc in "${GM_PG_MIGRATING_SERVICES[@]}"; do
    GM_PG_MIGRATION_URL="$PG_URL" GM_LOG_LEVEL=warning "$BIN/$svc" migrate >>"$LOGS/migrate.log" 2>&1 ||
        { log_tail "$LOGS/migrate.log"; die "$svc migrate failed"; }
done
pg_apply_grants "$PG_PORT" gm "$role_pw" gamemetrics || die "applying db/roles.sql failed"

bench_user "$USER_PORT" "$USER_INTERNAL_PORT" "$S3_PORT" "$mac_file"

require_free_port smtp "$SMTP_PORT"
START_EXE="$PYTHON" start_bg "$PIDS/smtp.pid" "$LOGS/smtp.log" "$PYTHON" "$GM_ROOT/tools/smtp-sink/smtp_sink.py" \
    --port "$SMTP_PORT" --dir "$BENCH/mail"
wait_until smtp "$TIMEOUT" "$PIDS/smtp.pid" "$PYTHON" "$LOGS/smtp.log" port_open "$SMTP_PORT"

require_free_port notification "$NOTIFICATION_PORT"
require_free_port "notification (internal)" "$NOTIFICATION_INTERNAL_PORT"
START_EXE="$BIN/notification" start_bg "$PIDS/notification.pid" "$LOGS/notification.log" \
    env GM_HTTP_HOST=127.0.0.1 GM_HTTP_PORT="$NOTIFICATION_PORT" GM_INTERNAL_HTTP_PORT="$NOTIFICATION_INTERNAL_PORT" \
    GM_LOG_LEVEL=warning GM_PG_URL="postgres://gm_notification:$notification_pw@127.0.0.1:$PG_PORT/gamemetrics" \
    GM_KAFKA_BOOTSTRAP="$KAFKA_BOOTSTRAP" GM_USER_URL="$USER_URL" \
    GM_ERASURE_SUBJECT_KEY="$(head -c 32 /dev/urandom | base64 -w0)" \
    GM_NOTIFICATION_SECRET_KEY="$(head -c 32 /dev/urandom | base64 -w0)" \
    GM_NOTIFICATION_SMTP_URL="smtp://127.0.0.1:$SMTP_PORT" GM_NOTIFICATION_SMTP_TLS=none \
    GM_NOTIFICATION_ALLOW_PRIVATE_DESTINATIONS=true GM_NOTIFICATION_PUBLIC_URL="$NOTIFICATION_URL" \
    GM_NOTIFICATION_MAX_ATTEMPTS="$max_attempts" GM_NOTIFICATION_BACKOFF_BASE_MS="$backoff_base_ms" \
    GM_NOTIFICATION_BACKOFF_MAX_MS="$backoff_max_ms" GM_NOTIFICATION_CONCURRENCY="$concurrency" \
    GM_NOTIFICATION_DESTINATION_CONCURRENCY="$concurrency" \
    "${notification_env[@]}" "$BIN/notification"
wait_until notification "$TIMEOUT" "$PIDS/notification.pid" "$BIN/notification" "$LOGS/notification.log" \
    http_ready "$NOTIFICATION_URL/health/ready"

# The tenant's admin: the demo operator signs in through the dashboard's client (authorization
# code with PKCE; the redirect URI is the one seed-demo registers, nothing needs to listen there).
log "==> admin token (PKCE sign-in of the demo operator) and two webhook endpoints"
verifier="$(gen_secret 32)"
challenge="$("$PYTHON" -c 'import base64, hashlib, sys; print(base64.urlsafe_b64encode(hashlib.sha256(sys.argv[1].encode()).digest()).decode().rstrip("="))' "$verifier")"
redirect_uri="http://127.0.0.1:${GM_SERVICE_PORT[admin]}/auth/callback"
dashboard="$(seed_value GM_DASHBOARD_CLIENT_ID)"
location="$(curl -s -o /dev/null -w '%{redirect_url}' "$USER_URL/oauth/authorize" \
    --data-urlencode response_type=code --data-urlencode "client_id=$dashboard" --data-urlencode "redirect_uri=$redirect_uri" \
    --data-urlencode state=bench --data-urlencode "code_challenge=$challenge" --data-urlencode code_challenge_method=S256 \
    --data-urlencode "tenant=$TENANT" --data-urlencode "email=$(seed_value GM_OPERATOR_USER)" \
    --data-urlencode "password=$(seed_value GM_OPERATOR_PASSWORD)")"
code="$("$PYTHON" -c 'import sys, urllib.parse; print(urllib.parse.parse_qs(urllib.parse.urlsplit(sys.argv[1]).query)["code"][0])' "$location")" ||
    die "the operator's sign-in did not redirect with a code (Location: $location)"
admin_token="$(curl -sf "$USER_URL/oauth/token" --data-urlencode grant_type=authorization_code --data-urlencode "code=$code" \
    --data-urlencode "redirect_uri=$redirect_uri" --data-urlencode "client_id=$dashboard" --data-urlencode "code_verifier=$verifier" |
    jq -r .access_token)" || die "no admin token from $USER_URL/oauth/token"
# register NAME URL: the endpoint's id on stdout, its secret in $BENCH/NAME.secret (mode 600).
register() {
    local answer
    answer="$(curl -sf -X POST -H "Authorization: Bearer $admin_token" -H 'Content-Type: application/json' \
        -d "{\"kind\":\"webhook\",\"url\":\"$2/hook\"}" "$NOTIFICATION_URL/v1/endpoints")" || die "POST /v1/endpoints ($1) failed"
    (umask 077 && jq -r .secret <<<"$answer" >"$BENCH/$1.secret")
    jq -r .endpoint_id <<<"$answer"
}
endpoint="$(register receiver "$RECEIVER_URL")"
failing_endpoint="$(register failing-receiver "$FAILING_RECEIVER_URL")"

start_receiver() { # NAME PORT FAIL_RATIO
    require_free_port "$1" "$2"
    START_EXE="$PYTHON" start_bg "$PIDS/$1.pid" "$LOGS/$1.log" "$PYTHON" "$HERE/receiver.py" --port "$2" \
        --fail-ratio "$3" --seed 1 --secret-file "$BENCH/$1.secret"
    wait_until "$1" "$TIMEOUT" "$PIDS/$1.pid" "$PYTHON" "$LOGS/$1.log" port_open "$2"
}
start_receiver receiver "$RECEIVER_PORT" 0
start_receiver failing-receiver "$FAILING_RECEIVER_PORT" "$fail_ratio"
pid_of() { sed -n 1p "$PIDS/$1.pid"; }

# One notification end to end before measuring: the service, its grants and the receiver work.
log "==> smoke test: one notification through the topic"
PGHOST=127.0.0.1 PGUSER=gm PGPASSWORD="$role_pw" PGDATABASE=gamemetrics \
    "$PYTHON" "$HERE/round.py" --receiver "$RECEIVER_URL" --bootstrap "$KAFKA_BOOTSTRAP" --topic notifications.requested \
    --tenant "$TENANT" --endpoint "$endpoint" --count 1 --prefix "smoke-$stamp-" --fail-ratio 0 --seed 1 \
    --service-pid "$(pid_of notification)" --postgres-pid "$(pid_of postgres)" --receiver-pid "$(pid_of receiver)" \
    --devkafka-pid "$(pid_of devkafka)" --pg-port "$PG_PORT" --stall-seconds 60 >"$RAW/smoke.json" ||
    die "the smoke round failed (see $LOGS/notification.log)"
jq -e '.final.delivered == 1 and .passed' "$RAW/smoke.json" >/dev/null ||
    die "smoke test: the notification was not delivered once with a valid signature: $(jq -c '{final, receiver, checks}' "$RAW/smoke.json")"

# --- a quiet machine --------------------------------------------------------------------------
bench_quiet_wait "$quiet_wait"
sleep 5 # the smoke round's tail (DLQ publisher, metrics) settles; the idle RSS is read after it
rss_idle_kib="$(awk '/^VmRSS:/ { print $2 }' "/proc/$(pid_of notification)/status")"
{
    printf 'stamp=%s\ncount=%s\nrounds=%s\nconcurrency=%s\n' "$stamp" "$count" "$rounds" "$concurrency"
    printf 'max_attempts=%s\nbackoff_base_ms=%s\nbackoff_max_ms=%s\nfail_ratio=%s\n' "$max_attempts" "$backoff_base_ms" "$backoff_max_ms" "$fail_ratio"
    printf 'waited_s=%s\nbusy_at_start=%s\nloadavg_at_start=%s\n' "$quiet_waited_s" "$busy_at_start" "$(cut -d' ' -f1-3 /proc/loadavg)"
    printf 'commit=%s\ndirty=%s\n' "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)" \
        "$(git status --porcelain 2>/dev/null | grep -q . && echo yes || echo no)"
    printf 'cpu=%s\ncores=%s\n' "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)" "$(nproc)"
    printf 'command=%sbash bench/notification/run.sh %s %s\n' \
        "${GM_BENCH_NOTIFICATION_ENV:+GM_BENCH_NOTIFICATION_ENV=\"$GM_BENCH_NOTIFICATION_ENV\" }" "$count" "$rounds"
    printf 'notification_env=%s\nrss_idle_kib=%s\n' "${GM_BENCH_NOTIFICATION_ENV:-}" "$rss_idle_kib"
} >"$RUN/meta.env"

# --- 1. the receiver's ceiling ----------------------------------------------------------------
for ((r = 1; r <= rounds; r++)); do
    log "==> baseline $r/$rounds: wrk -t1 -c$baseline_connections -d${baseline_seconds}s POST to the receiver"
    curl -sf -X POST "$RECEIVER_URL/reset?fail_ratio=0" >/dev/null
    before="$(awk '{print $14 + $15}' "/proc/$(pid_of receiver)/stat")"
    wrk -t1 -c"$baseline_connections" -d"${baseline_seconds}s" --latency -s "$HERE/post.lua" "$RECEIVER_URL/hook" >"$RAW/baseline-$r.txt"
    after="$(awk '{print $14 + $15}' "/proc/$(pid_of receiver)/stat")"
    curl -sf "$RECEIVER_URL/stats" | jq -c --argjson cpu "$((after - before))" --argjson tck "$(getconf CLK_TCK)" \
        --argjson wrk "$(tail -n1 "$RAW/baseline-$r.txt")" \
        '{wrk: $wrk, receiver_cpu_s: ($cpu / $tck), requests: .requests, bad_signatures: .bad_signatures}' >"$RAW/baseline-$r.json"
    log "    $(cat "$RAW/baseline-$r.json")"
done
curl -sf -X POST "$RECEIVER_URL/reset?fail_ratio=0" >/dev/null

# --- 2., 3. and 4. the rounds ---------------------------------------------------------------------
status=0
run_round() { # PHASE ROUND RECEIVER_NAME RECEIVER_URL ENDPOINT FAIL_RATIO [round.py options]
    local phase="$1" r="$2"
    log "==> $phase $r/$rounds: $count notifications${7:+ ($7)}"
    PGHOST=127.0.0.1 PGUSER=gm PGPASSWORD="$role_pw" PGDATABASE=gamemetrics \
        "$PYTHON" "$HERE/round.py" --receiver "$4" --bootstrap "$KAFKA_BOOTSTRAP" --topic notifications.requested \
        --tenant "$TENANT" --endpoint "$5" --count "$count" --prefix "$phase-$stamp-$r-" --fail-ratio "$6" --seed "$r" \
        --service-pid "$(pid_of notification)" --postgres-pid "$(pid_of postgres)" --receiver-pid "$(pid_of "$3")" \
        --devkafka-pid "$(pid_of devkafka)" --pg-port "$PG_PORT" "${@:7}" >"$RAW/$phase-$r.json" ||
        die "round $phase $r failed (see $LOGS/notification.log)"
    jq -c '{wall_s, intake_rows_per_s, deliveries_per_s, attempts_per_s, dead, lost, stuck, rss_peak_kib: .rss_kib.peak_sampled, checks}' \
        "$RAW/$phase-$r.json" >&2
    jq -e .passed "$RAW/$phase-$r.json" >/dev/null ||
        { log "    warning: round $phase $r failed a check (lost, stuck or exactly-once): see $RAW/$phase-$r.json"; status=1; }
}
for ((r = 1; r <= rounds; r++)); do run_round deliveries "$r" receiver "$RECEIVER_URL" "$endpoint" 0; done
for ((r = 1; r <= rounds; r++)); do
    perf_job=""
    if [[ "$profile" == perf && "$r" == 1 ]]; then
        perf record -e cpu-clock -F 499 -g -a -o "$RAW/backlog.perf.data" >"$RAW/backlog.perf.log" 2>&1 &
        perf_job=$!
    fi
    run_round backlog "$r" receiver "$RECEIVER_URL" "$endpoint" 0 --backlog-like "smoke-$stamp-000000"
    if [[ -n "$perf_job" ]]; then
        kill -INT "$perf_job" 2>/dev/null || true
        wait "$perf_job" || true
        perf report -i "$RAW/backlog.perf.data" --no-children --sort comm,dso --stdio -g none --percent-limit 0.5 \
            >"$RAW/backlog.perf-by-process.txt" 2>/dev/null || true
        perf report -i "$RAW/backlog.perf.data" --no-children --pid "$(pid_of notification)" --sort dso,symbol --stdio -g none \
            --percent-limit 0.1 2>/dev/null | swift-demangle --simplified >"$RAW/backlog.perf.txt" || true
        perf report -i "$RAW/backlog.perf.data" --no-children --comm postgres --sort symbol --stdio -g none \
            --percent-limit 0.1 >"$RAW/backlog.perf-postgres.txt" 2>/dev/null || true
    fi
done
for ((r = 1; r <= rounds; r++)); do run_round failing "$r" failing-receiver "$FAILING_RECEIVER_URL" "$failing_endpoint" "$fail_ratio"; done
rss_after_kib="$(awk '/^VmRSS:/ { print $2 }' "/proc/$(pid_of notification)/status")"
printf 'rss_after_kib=%s\nloadavg_at_end=%s\n' "$rss_after_kib" "$(cut -d' ' -f1-3 /proc/loadavg)" >>"$RUN/meta.env"
grep -c 'notification dead-lettered' "$LOGS/notification.log" >"$RAW/dead-lettered-log-lines.txt" || true
grep -v 'notification dead-lettered' "$LOGS/notification.log" | tail -n 50 >"$RAW/other-log-lines.txt" || true

# --- the report -------------------------------------------------------------------------------
"$PYTHON" "$HERE/report.py" "$RUN" >"$RUN/results.md"
cp "$RUN/results.md" "$BENCH/results.md"
cat "$RUN/results.md"
log "results: $BENCH/results.md (raw: $RUN)"
exit "$status"
