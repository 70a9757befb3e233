#!/usr/bin/env bash
# Ingestion under a flood of forged write keys (issue 11, defect 3), with a real tenant beside it.
# Starts a throwaway stack of its own under .gm/bench-forged-keys/ (PostgreSQL 15, devkafka,
# redis-server, the user and ingestion services, release builds, loopback ports that collide
# with neither `make up`, `make test` (any GM_TEST_PORT_OFFSET) nor the other harnesses), with
# a write-key MAC secret of its own and legacy keys accepted (so the third phase can reach the
# user service at all), seeds the demo tenants, then runs four phases back to back, each with
# wrk -t1 and the given connections flooding from 127.0.0.1 while a real tenant (wrk -t1 -c1,
# bench/ingestion/load.lua, one event per request, DELAY_MS apart) sends single events with its
# real key from the same address:
#   no-key    POST /v1/events without X-API-Key (the baseline: refused before any key work)
#   forged    gmk_ + 64 random characters: a signed key's shape, MAC computed by nobody
#   no-key-after  the baseline again: on a shared machine the load drifts, so the forged rate is
#             compared with the mean of the baselines before and after it
#   unknown   gmk_ + 43 random characters: legacy-shaped keys never issued (these do reach the
#             user service, within the per-peer budget of failed lookups)
# Before and after each phase the user service's write-key lookups
# (gm_http_requests_total{route="/v1/write-keys/resolve"}) are read from its /metrics.
#
#   bash bench/ingestion-forged-keys/run.sh [flood seconds=150] [connections=64] [baseline seconds=30]
#
# Targets (exit status 1 when one is missed): the real tenant gets only 202s in every phase; the
# forged flood's rate is >= 80% of the no-key flood's; the forged phase causes no more lookups
# than the real tenant's own refreshes (one per GM_INGESTION_CREDENTIAL_CACHE_SECONDS); the
# unknown phase at most 20 per second from the one peer (plus the bucket's burst of 20).
# Environment: GM_BIN_DIR (prebuilt release executables; default: `swift build -c release`, as `make up`),
# GM_BENCH_QUIET_WAIT (seconds to wait for running swift builds/tests first, default 600; 0
# skips), GM_BENCH_TENANT_DELAY_MS (the real tenant's pause between events, default 10).
# Results: .gm/bench-forged-keys/results.md and .gm/bench-forged-keys/runs/<UTC time>/.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

seconds="${1:-150}" connections="${2:-64}" baseline_seconds="${3:-30}"
[[ "$seconds" =~ ^[1-9][0-9]*$ && "$connections" =~ ^[1-9][0-9]*$ && "$baseline_seconds" =~ ^[1-9][0-9]*$ ]] ||
    die "usage: bench/ingestion-forged-keys/run.sh [flood seconds=150] [connections=64] [baseline seconds=30]"
quiet_wait="${GM_BENCH_QUIET_WAIT:-600}"
tenant_delay_ms="${GM_BENCH_TENANT_DELAY_MS:-10}"
warmup=5
cache_seconds=10

# Loopback ports: none of `make up`, `make test` (55432/59644/59000 + a multiple of 100) or the
# other harnesses (bench/ingestion 55620 56390 59720 18281-18290, bench/processor 55640 56391
# 59740 18282, bench/user-tokens 18085).
PG_PORT=55650 REDIS_PORT=56395 DEVKAFKA_PORT=59750 S3_PORT=59751 USER_PORT=18385 INGESTION_PORT=18381
# Internal ports (/metrics): never `make up`'s 9080-9087 nor bench/ingestion's.
USER_INTERNAL_PORT=18485 INGESTION_INTERNAL_PORT=18481
TIMEOUT="$BENCH_TIMEOUT"
INGESTION_URL="http://127.0.0.1:$INGESTION_PORT"

# shellcheck disable=SC2317  # invoked by bench_on_exit
bench_before_exit() {
    local job
    for job in ${flood_job:-} ${tenant_job:-}; do
        if kill -0 "$job" 2>/dev/null; then kill "$job" 2>/dev/null || true; wait "$job" 2>/dev/null || true; fi
    done
}

bench_begin bench-forged-keys
bench_build ingestion user devkafka

# --- the stack --------------------------------------------------------------------------------
log "==> stack: postgres :$PG_PORT, redis :$REDIS_PORT, devkafka :$DEVKAFKA_PORT, user :$USER_PORT, ingestion :$INGESTION_PORT"
bench_ingestion_base "$PG_PORT" "$REDIS_PORT" "$DEVKAFKA_PORT"

bench_user "$USER_PORT" "$USER_INTERNAL_PORT" "$S3_PORT" "$mac_file"
require_free_port ingestion "$INGESTION_PORT"
START_EXE="$BIN/ingestion" start_bg "$PIDS/ingestion.pid" "$LOGS/ingestion.log" \
    env GM_HTTP_HOST=127.0.0.1 GM_HTTP_PORT="$INGESTION_PORT" GM_INTERNAL_HTTP_PORT="$INGESTION_INTERNAL_PORT" GM_LOG_LEVEL=error \
    GM_KAFKA_BOOTSTRAP="$KAFKA_BOOTSTRAP" GM_REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0" \
    GM_USER_URL="$USER_URL" GM_INGESTION_CLIENT_ID="$INGESTION_CLIENT_ID" GM_INGESTION_CLIENT_SECRET="$INGESTION_CLIENT_SECRET" \
    GM_WRITE_KEY_MAC_SECRET_FILE="$mac_file" GM_INGESTION_ACCEPT_LEGACY_WRITE_KEYS=true \
    GM_INGESTION_CREDENTIAL_CACHE_SECONDS="$cache_seconds" "$BIN/ingestion"
wait_until ingestion "$TIMEOUT" "$PIDS/ingestion.pid" "$BIN/ingestion" "$LOGS/ingestion.log" \
    http_ready "$INGESTION_URL/health/ready"

occurred_at="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
log "==> smoke test: one event with the real key"
answer="$(curl -s -o /dev/null -w '%{http_code}' -X POST "$INGESTION_URL/v1/events" -H "X-API-Key: $write_key" \
    -H 'Content-Type: application/json' -d '{"event_id":"'"$(cat /proc/sys/kernel/random/uuid)"'","player_id":"p-1",
    "type":"page_view","occurred_at":"'"$occurred_at"'"}')"
[[ "$answer" == 202 ]] || die "smoke test: expected 202 with the seeded key, got $answer"

lookups() { # the user service's write-key lookups so far
    curl -sf "$USER_METRICS_URL" | awk 'index($0, "gm_http_requests_total{") == 1 && index($0, "route=\"/v1/write-keys/resolve\"") { s += $NF }
        END { printf "%.0f", s }'
}

# phase NAME KEY_MODE SECONDS: the flood and the real tenant side by side; results in $RAW/NAME.*.
phase() {
    local name="$1" mode="$2" duration="$3" l0 l1 t0 t1 prefix
    log "==> $name: warm-up ${warmup}s"
    KEY_MODE="$mode" OCCURRED_AT="$occurred_at" wrk -t1 -c"$connections" -d"${warmup}s" \
        -s bench/ingestion-forged-keys/flood.lua "$INGESTION_URL/v1/events" >"$RAW/$name-warmup.txt" 2>&1 ||
        die "wrk failed in the $name warm-up: $(tail -n5 "$RAW/$name-warmup.txt")"
    sleep 1
    l0="$(lookups)" t0="$(date +%s.%N)"
    log "==> $name: ${duration}s, $connections connections, real tenant every ${tenant_delay_ms} ms"
    prefix="$(gen_secret 4)-$(gen_secret 2)-4$(gen_secret 2 | cut -c1-3)"
    KEY_MODE="$mode" OCCURRED_AT="$occurred_at" wrk -t1 -c"$connections" -d"${duration}s" \
        -s bench/ingestion-forged-keys/flood.lua "$INGESTION_URL/v1/events" >"$RAW/$name-flood.txt" 2>&1 &
    flood_job=$!
    BENCH_MODE=post EVENTS_PER_REQUEST=1 EXPECT_STATUS=202 ID_PREFIX="$prefix" OCCURRED_AT="$occurred_at" \
        WRITE_KEY="$write_key" DELAY_MS="$tenant_delay_ms" wrk -t1 -c1 -d"${duration}s" --latency \
        -s bench/ingestion/load.lua "$INGESTION_URL/v1/events" >"$RAW/$name-tenant.txt" 2>&1 &
    tenant_job=$!
    wait "$flood_job" || die "wrk (flood) failed in $name: $(tail -n5 "$RAW/$name-flood.txt")"
    wait "$tenant_job" || die "wrk (tenant) failed in $name: $(tail -n5 "$RAW/$name-tenant.txt")"
    flood_job="" tenant_job=""
    t1="$(date +%s.%N)"
    sleep 1
    l1="$(lookups)"
    jq -nc --arg name "$name" --argjson flood "$(tail -n1 "$RAW/$name-flood.txt")" \
        --argjson tenant "$(tail -n1 "$RAW/$name-tenant.txt")" --argjson lookups "$((l1 - l0))" \
        --argjson wall "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')" \
        '{name: $name, wall_s: $wall, lookups: $lookups, flood: $flood, tenant: $tenant}' >>"$RUN/results.jsonl"
    log "    flood $(jq -r '.rps' <<<"$(tail -n1 "$RAW/$name-flood.txt")") req/s; lookups $((l1 - l0));" \
        "tenant p99 $(jq -r '.latency_ms.p99' <<<"$(tail -n1 "$RAW/$name-tenant.txt")") ms"
}

bench_quiet_wait "$quiet_wait"
{
    # Inside `gm-in` the worktree's .git link does not resolve: GM_BENCH_COMMIT names the commit.
    printf 'stamp=%s\ncommit=%s\ndirty=%s\n' "$stamp" "${GM_BENCH_COMMIT:-$(git rev-parse --short HEAD 2>/dev/null || echo unknown)}" \
        "$(git status --porcelain 2>/dev/null | grep -q . && echo yes || echo no)"
    printf 'command=bash bench/ingestion-forged-keys/run.sh %s %s %s\n' "$seconds" "$connections" "$baseline_seconds"
    printf 'busy_at_start=%s\nloadavg_at_start=%s\ncores=%s\nwrk=%s\n' "$busy_at_start" "$(cut -d' ' -f1-3 /proc/loadavg)" \
        "$(nproc)" "$(wrk -v 2>&1 | head -n1 | cut -d' ' -f1-2)"
} >"$RUN/meta.env"

: >"$RUN/results.jsonl"
phase no-key none "$baseline_seconds"
phase forged forged "$seconds"
phase no-key-after none "$baseline_seconds"
phase unknown unknown "$baseline_seconds"

# --- the report -------------------------------------------------------------------------------
status=0
python3 - "$RUN" "$cache_seconds" >"$RUN/results.md" <<'PY' || status=$?
import json, sys
run, cache_seconds = sys.argv[1], int(sys.argv[2])
meta = dict(line.rstrip("\n").split("=", 1) for line in open(f"{run}/meta.env") if "=" in line)
phases = {p["name"]: p for p in map(json.loads, open(f"{run}/results.jsonl"))}
missed = []
print(f"# Forged write keys: ingestion flood ({meta['stamp']}, commit {meta['commit']}{' dirty' if meta['dirty'] == 'yes' else ''})\n")
print(f"`{meta['command']}` on {meta['cores']} cores ({meta['wrk']}); build/test processes running at start: {meta['busy_at_start']}, load {meta['loadavg_at_start']}.\n")
print("| phase | seconds | flood req/s | flood 401 | flood 429 | flood other | tenant requests | tenant non-202 | tenant p50 ms | tenant p99 ms | user-service lookups | lookups/s |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|")
for name in ("no-key", "forged", "no-key-after", "unknown"):
    p = phases[name]; f = p["flood"]; t = p["tenant"]
    rate = p["lookups"] / p["wall_s"]
    print(f"| {name} | {p['wall_s']:.0f} | {f['rps']:.0f} | {f['status_401']} | {f['status_429']} | {f['status_other']} | "
          f"{t['requests']} | {t['unexpected_status']} | {t['latency_ms']['p50']:.2f} | {t['latency_ms']['p99']:.2f} | {p['lookups']} | {rate:.2f} |")
    if t["unexpected_status"] or sum(t["socket_errors"].values()):
        missed.append(f"{name}: the real tenant got {t['unexpected_status']} answers other than 202 (last {t['last_unexpected_status']})")
    if f["status_other"]:
        missed.append(f"{name}: {f['status_other']} flood answers were neither 401 nor 429 (last {f['last_other_status']})")
baseline = (phases["no-key"]["flood"]["rps"] + phases["no-key-after"]["flood"]["rps"]) / 2
ratio = phases["forged"]["flood"]["rps"] / baseline
print(f"\nForged-key flood rate / no-key flood rate (mean of the phases before and after): **{ratio:.1%}** "
      f"({phases['forged']['flood']['rps']:.0f} / {baseline:.0f}; target >= 80%).")
if ratio < 0.8: missed.append(f"forged flood at {ratio:.1%} of the no-key rate")
# The real tenant's key is refreshed once per cache period; nothing else may reach the user service.
forged = phases["forged"]
allowed = int(forged["wall_s"] / cache_seconds) + 2
print(f"Lookups during the forged phase: {forged['lookups']} (allowed: the real tenant's refreshes, <= {allowed}; forged keys: 0).")
if forged["lookups"] > allowed: missed.append(f"forged phase: {forged['lookups']} lookups > {allowed}")
unknown = phases["unknown"]
bound = 20 + 20 * unknown["wall_s"] + int(unknown["wall_s"] / cache_seconds) + 2
print(f"Lookups during the unknown-key phase: {unknown['lookups']} from one peer in {unknown['wall_s']:.0f} s "
      f"(bound: 20 burst + 20/s + the tenant's refreshes = {bound:.0f}); the rest were answered 429 or from the negative cache.")
if unknown["lookups"] > bound: missed.append(f"unknown phase: {unknown['lookups']} lookups > {bound:.0f}")
print("\nTargets: " + ("all met." if not missed else "MISSED: " + "; ".join(missed)))
sys.exit(1 if missed else 0)
PY
cp "$RUN/results.md" "$BENCH/results.md"
cat "$RUN/results.md"
log "results: $BENCH/results.md (raw: $RUN)"
exit "$status"
