#!/usr/bin/env bash
# analytics-api under the load the issue names, with the simulator at 2,000 events/s so that the
# processor stores batches (and the cache is retired by their live deltas) all along:
#   freshness  one subscriber; EVENTS events POSTed to ingestion at 20/s: from each 202 to
#              the subscription message holding it (p50/p99)
#   hello      Hummingbird hello-world GET in the same run (the machine's HTTP ceiling)
#   cached     POST /graphql overview, the same range every request (misses only after a delta)
#   uncached   the same query, a range of its own per request (every request reads PostgreSQL)
#   fanout     SUBSCRIBERS WebSocket subscribers of one tenant for SECONDS: update arrival minus
#              the processor's commit time (p50/p99), every subscriber got every update, RSS
# Runs against the local platform: `make demo` with GM_DEMO_RATE=2000 (release build), started if
# needed, with GM_BENCH_HISTORY_DAYS (30; 0: none) days of synthetic history added for both demo
# tenants; its credentials come from .gm/demo.env.
#
#   bash bench/analytics-api/run.sh [seconds=30] [connections=64] [subscribers=1000] [events=1000]
#
# Results: .gm/bench-analytics/results.md and .gm/bench-analytics/runs/<UTC time>/ (raw output).
set -euo pipefail
# shellcheck source=tools/platform/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../tools/platform/lib.sh"
cd "$GM_ROOT"

seconds="${1:-30}" connections="${2:-64}" subscribers="${3:-1000}" events="${4:-1000}"
for number in "$seconds" "$connections" "$subscribers" "$events"; do
    [[ "$number" =~ ^[1-9][0-9]*$ ]] || die "usage: bench/analytics-api/run.sh [seconds] [connections] [subscribers] [events]"
done
BENCH="$GM_DIR/bench-analytics"
RUN="$BENCH/runs/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$RUN"
HELLO_PORT=18490

"$GM_ROOT/tools/platform/install-deps.sh"
if ! "$GM_VENV/bin/python" -c 'import websockets' 2>/dev/null; then
    log "==> pip install websockets (bench only) into .venv"
    "$GM_VENV/bin/pip" install -q --disable-pip-version-check websockets==15.0.1 || die "pip install websockets failed"
fi
GM_DEMO_RATE=2000 "$GM_ROOT/tools/platform/demo.sh" >"$RUN/demo.log" 2>&1 || { tail -20 "$RUN/demo.log"; die "make demo failed"; }
set -a
# shellcheck source=/dev/null
source "$GM_DIR/demo.env"
set +a

# A fresh demo holds minutes of data; a running platform holds months. History as steady traffic
# leaves it (bench/analytics-api/history.sql), so that range reads meet that many rows.
history_days="${GM_BENCH_HISTORY_DAYS:-30}"
[[ "$history_days" =~ ^[0-9]+$ ]] || die "GM_BENCH_HISTORY_DAYS must be a number of days"
if ((history_days > 0)); then
    log "==> $history_days days of synthetic history for $GM_TENANT and $GM_TENANT_B (1,000 players each)"
    owner_password="$(sed -n 's/^GM_PG_PASSWORD=//p' "$GM_DIR/secrets.env")"
    for tenant in "$GM_TENANT" "$GM_TENANT_B"; do
        PGPASSWORD="$owner_password" "$GM_PGBIN/psql" -X -q -h 127.0.0.1 -p 5432 -U gm -d gamemetrics -v tenant="$tenant" -v players=1000 \
            -v days="$history_days" -f bench/analytics-api/history.sql >>"$RUN/history.log" 2>&1 || die "history.sql failed (postgres: $RUN/history.log)"
    done
fi
BIN="${GM_BIN_DIR:-$(swift build -c "$(gm_build_config)" --show-bin-path)}"
[[ -x "$BIN/hello-world-server" ]] || swift build -c "$(gm_build_config)" --product hello-world-server >>"$RUN/build.log" 2>&1
API="http://127.0.0.1:${GM_SERVICE_PORT[analytics-api]}"
WS="ws://127.0.0.1:${GM_SERVICE_PORT[analytics-api]}/graphql"
INGESTION="http://127.0.0.1:${GM_SERVICE_PORT[ingestion]}"
USER_URL="http://127.0.0.1:${GM_SERVICE_PORT[user]}"
API_PID="$(head -1 "$GM_DIR/pids/analytics-api.pid")"
API_INTERNAL="http://127.0.0.1:${GM_SERVICE_INTERNAL_PORT[analytics-api]}"

token="$(curl -sf -u "$GM_CLIENT_ID:$GM_CLIENT_SECRET" -d grant_type=client_credentials "$USER_URL/oauth/token" |
    "$GM_VENV/bin/python" -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')" || die "no access token for the demo operator client"

"$BIN/hello-world-server" "$HELLO_PORT" >"$RUN/hello.log" 2>&1 &
hello_pid=$!
trap 'kill "$hello_pid" 2>/dev/null || true' EXIT
sleep 1

log "==> freshness: $events events, ingestion 202 to subscription message"
GM_BENCH_TOKEN="$token" "$GM_VENV/bin/python" bench/analytics-api/live.py freshness "$WS" "$INGESTION" "$events" >"$RUN/freshness.json"

now="$(date -u +%s)"
range_to=$((now - now % 60 + 60)) range_from=$((now - now % 60 - 86400))
snapshot() { # FILE: CPU ticks (utime + stime) of analytics-api and of every PostgreSQL process, the machine's busy and all ticks, the cache counters
    { awk '{print "cpu_ticks", $14 + $15}' "/proc/$API_PID/stat"
      for stat in /proc/[0-9]*/stat; do
          if [[ "$(cat "${stat%stat}comm" 2>/dev/null)" == postgres ]]; then cat "$stat" 2>/dev/null || true; fi
      done | awk '{ticks += $14 + $15} END {print "postgres_cpu_ticks", ticks + 0}'
      awk '/^cpu / {print "machine_busy_ticks", $2 + $3 + $4 + $7 + $8 + $9; print "machine_ticks", $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9}' /proc/stat
      curl -sf "$API_INTERNAL/metrics" | grep -E '^gm_analytics_(response_)?cache_requests_total' || true; } >"$1"
}
wrk_run() { # NAME URL [MODE]: wrk after a 5 s warm-up; the JSON line of overview.lua, or wrk's own figures
    local name="$1" url="$2" mode="${3:-}"
    if [[ -n "$mode" ]]; then
        BODY_MODE="$mode" TOKEN="$token" RANGE_FROM="$range_from" RANGE_TO="$range_to" \
            wrk -t1 -c"$connections" -d5s -s bench/analytics-api/overview.lua "$url" >/dev/null
        snapshot "$RUN/$name.before"
        BODY_MODE="$mode" TOKEN="$token" RANGE_FROM="$range_from" RANGE_TO="$range_to" \
            wrk -t1 -c"$connections" -d"${seconds}s" --latency -s bench/analytics-api/overview.lua "$url" >"$RUN/$name.txt"
        snapshot "$RUN/$name.after"
        tail -1 "$RUN/$name.txt" >"$RUN/$name.json"
    else
        wrk -t1 -c"$connections" -d5s "$url" >/dev/null
        snapshot "$RUN/$name.before"
        wrk -t1 -c"$connections" -d"${seconds}s" --latency "$url" >"$RUN/$name.txt"
        snapshot "$RUN/$name.after"
        "$GM_VENV/bin/python" - "$RUN/$name.txt" >"$RUN/$name.json" <<'PY'
import json, re, sys
text = open(sys.argv[1]).read()
def ms(label):
    match = re.search(r"%s\s+([\d.]+)(us|ms|s)" % label, text)
    value, unit = float(match.group(1)), match.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
print(json.dumps({"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)), "p50_ms": ms("50%"), "p99_ms": ms("99%")}))
PY
    fi
}
log "==> hello-world GET, overview cached, overview uncached (${seconds}s each, $connections connections)"
wrk_run hello "http://127.0.0.1:$HELLO_PORT/"
wrk_run cached "$API/graphql" fixed
wrk_run uncached "$API/graphql" varied

log "==> fanout: $subscribers subscribers for ${seconds}s"
GM_BENCH_TOKEN="$token" "$GM_VENV/bin/python" bench/analytics-api/live.py fanout "$WS" "$subscribers" "$seconds" "$API_PID" >"$RUN/fanout.json"

"$GM_VENV/bin/python" - "$RUN" "$seconds" "$connections" >"$RUN/results.md" <<'PY'
import json, sys
run, seconds, connections = sys.argv[1], sys.argv[2], sys.argv[3]
load = lambda name: json.load(open(f"{run}/{name}.json"))
fresh, hello, cached, uncached, fan = load("freshness"), load("hello"), load("cached"), load("uncached"), load("fanout")
print(f"| measure | figure |\n|---|---|")
print(f"| freshness, 202 to subscription message ({fresh['received']}/{fresh['events']} events matched) | p50 {fresh['p50_ms']:.0f} ms, p99 {fresh['p99_ms']:.0f} ms |")
print(f"| hello-world GET ({connections} connections, {seconds} s) | {hello['rps']:.0f} req/s, p99 {hello['p99_ms']:.1f} ms |")
def counters(name):
    values = {}
    for line in open(f"{run}/{name}"):
        key, _, value = line.rpartition(" ")
        values[key] = float(value)
    return values
def delta(name):
    before, after = counters(f"{name}.before"), counters(f"{name}.after")
    return {key: after.get(key, 0) - before.get(key, 0) for key in after}
# PostgreSQL's own work while hello-world runs: the pipeline's writes, not the queries'.
postgres_background_ticks_per_s = delta("hello")["postgres_cpu_ticks"] / float(seconds)
def spent(name, row):
    change = delta(name)
    def share(metric):
        hits = change.get(f'{metric}{{outcome="hit"}}', 0)
        total = sum(value for key, value in change.items() if key.startswith(metric + "{"))
        return f"{100 * hits / total:.0f} %" if total else "none"
    requests = max(row["requests"], 1)
    queries_ticks = change["postgres_cpu_ticks"] - postgres_background_ticks_per_s * row["seconds"]
    api_ms, postgres_ms = change["cpu_ticks"] * 10 / requests, queries_ticks * 10 / requests
    busy = 100 * change["machine_busy_ticks"] / max(change["machine_ticks"], 1)
    return (f"CPU per request: analytics-api {api_ms:.2f} ms, PostgreSQL {postgres_ms:.2f} ms beyond the pipeline's; machine {busy:.0f} % busy; "
            f"hits: responses {share('gm_analytics_response_cache_requests_total')}, answers {share('gm_analytics_cache_requests_total')}")
for key, name, row in (("cached", "overview, cached", cached), ("uncached", "overview, uncached", uncached)):
    print(f"| {name} | {row['rps']:.0f} req/s ({row['rps'] / hello['rps']:.2f}x hello), p50 {row['p50_ms']:.1f} ms, p99 {row['p99_ms']:.1f} ms; non-200 {row['non_200']}, GraphQL errors {row['graphql_errors']}, socket errors {row['socket_errors']}; {spent(key, row)} |")
print(f"| fan-out to {fan['subscribers']} subscribers ({fan['updates']} updates; {fan['subscribers_with_every_update']} got every one) | commit to arrival p50 {fan['p50_ms']:.0f} ms, p99 {fan['p99_ms']:.0f} ms; RSS {fan['rss_before_mib']} MiB before, median {fan['rss_median_mib']}, max {fan['rss_max_mib']} MiB |")
PY
cp "$RUN/results.md" "$BENCH/results.md"
cat "$RUN/results.md"
log "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
