#!/usr/bin/env bash
# The event processor from Kafka to committed PostgreSQL rows and aggregates.
# Starts a throwaway stack of its own under .gm/bench-processor/ (PostgreSQL 15, devkafka with
# the topics of charts/kafka/topics.json, redis-server, the release processor) on loopback ports
# that collide with neither `make up`, `make test` nor the ingestion bench, then:
#   1. backlog: writes <events> events to the raw topic with kcat (acks=all) while the
#      processor is stopped, starts it and times how long it takes until events_raw holds them
#      all (every aggregate commits in the same transactions) -> events/s, max RSS;
#   2. live: with the processor running, writes <rate> events/s for 30 s and reports the
#      end-to-end lag per event, from the record's Kafka timestamp to the row's stored_at
#      (the transaction's time), p50/p99, and the processor's own gm_processor_end_to_end_seconds.
# Events come from bench/processor/feed.py: 10,000 players over two tenants, every event type,
# occurred_at = the time of writing. The raw topic is bench.events.raw with 48 partitions, not
# player.events.raw's 12: devkafka's mock brokers keep only a few MB per partition and drop the
# oldest records beyond, which would lose part of a large backlog.
#
#   bash bench/processor/run.sh [events=400000] [rate=20000]
#
# Environment: GM_BIN_DIR (prebuilt release executables; default: build them into
# .build-release), GM_BENCH_PROCESSOR_ENV (extra KEY=VALUE words for the processor),
# GM_BENCH_PG_SETTINGS (name=value words appended to the bench server's postgresql.conf, on top
# of the local platform's settings in tools/platform/lib.sh; e.g. "shared_buffers=1GB fsync=on").
# Results: .gm/bench-processor/results.md (the latest run) and .gm/bench-processor/runs/<UTC time>/.
set -euo pipefail
# shellcheck source=tools/platform/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../tools/platform/lib.sh"

events="${1:-400000}" rate="${2:-20000}"
[[ "$events" =~ ^[1-9][0-9]*$ && "$rate" =~ ^[1-9][0-9]*$ ]] || die "usage: bench/processor/run.sh [events=400000] [rate=20000]"
read -r -a processor_env <<<"${GM_BENCH_PROCESSOR_ENV:-}"
read -r -a pg_settings <<<"${GM_BENCH_PG_SETTINGS:-}"
for word in "${pg_settings[@]}"; do
    [[ "$word" =~ ^[a-z_]+=[A-Za-z0-9._-]+$ ]] || die "GM_BENCH_PG_SETTINGS: not a name=value word: $word"
done
live_seconds=30

PG_PORT=55640 REDIS_PORT=56391 DEVKAFKA_PORT=59740 PROCESSOR_PORT=18282 PROCESSOR_INTERNAL_PORT=18382
RAW_TOPIC=bench.events.raw RAW_PARTITIONS=48
TIMEOUT=120
BENCH="$GM_DIR/bench-processor"
PIDS="$BENCH/pids"
RUN="$BENCH/runs/$(date -u +%Y%m%dT%H%M%SZ)"
LOGS="$RUN/logs"
PROCESSOR_URL="http://127.0.0.1:$PROCESSOR_PORT"
PROCESSOR_INTERNAL_URL="http://127.0.0.1:$PROCESSOR_INTERNAL_PORT"  # /metrics

stop_stack() {
    stop_pid processor "$PIDS/processor.pid"
    stop_pid devkafka "$PIDS/devkafka.pid"
    stop_pid redis "$PIDS/redis.pid"
    pg_stop_at "$BENCH/pg" "$PIDS/postgres.pid"
}

# shellcheck disable=SC2317  # invoked by the EXIT trap
on_exit() {
    local status=$?
    trap - EXIT INT TERM
    log "==> stopping the bench stack"
    stop_stack || true
    pg_remove_outside "$BENCH/pg" || true
    rm -rf "$BENCH/pg"
    exit "$status"
}

cd "$GM_ROOT"
"$GM_ROOT/tools/platform/install-deps.sh"
ensure_swift
if [[ -d "$PIDS" ]]; then
    stop_stack
    pg_remove_outside "$BENCH/pg"
    rm -rf "$BENCH/pg"
fi
rm -rf "$BENCH/redis" "$BENCH/kafka" "$PIDS"
mkdir -p "$PIDS" "$LOGS"
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [[ -n "${GM_BIN_DIR:-}" ]]; then
    BIN="$(cd "$GM_BIN_DIR" && pwd)"
else
    for product in processor devkafka; do
        log "==> swift build -c release --scratch-path .build-release --product $product"
        swift build -c release --scratch-path .build-release --product "$product" >>"$LOGS/build.log" 2>&1 ||
            { log_tail "$LOGS/build.log" 30; die "release build of $product failed"; }
    done
    BIN="$(swift build -c release --scratch-path .build-release --show-bin-path)"
fi

log "==> stack: postgres :$PG_PORT, redis :$REDIS_PORT, devkafka :$DEVKAFKA_PORT, processor :$PROCESSOR_PORT"
super_pw="$(gen_secret 16)" role_pw="$(gen_secret 16)"
pgdata="$(pg_datadir "$BENCH/pg")"
find "$pgdata" -mindepth 1 -delete
require_free_port "bench postgres" "$PG_PORT"
pg_init "$pgdata" "$PG_PORT" "$super_pw" "$LOGS/postgres-init.log"
if ((${#pg_settings[@]})); then
    printf '# GM_BENCH_PG_SETTINGS\n' >>"$pgdata/postgresql.conf"
    printf '%s\n' "${pg_settings[@]}" | sed 's/=/ = /' >>"$pgdata/postgresql.conf"
fi
pg_start "$pgdata" "$LOGS/postgres.log" "$PIDS/postgres.pid"
wait_until "bench postgres" "$TIMEOUT" "$PIDS/postgres.pid" "$GM_PGBIN/postgres" "$LOGS/postgres.log" pg_ready "$PG_PORT"
pg_ensure_db "$PG_PORT" "$super_pw" gm "$role_pw" gamemetrics
PG_URL="postgres://gm:$role_pw@127.0.0.1:$PG_PORT/gamemetrics"
start_redis "$REDIS_PORT" "$BENCH/redis" "$PIDS/redis.pid" "$LOGS/redis.log" "$TIMEOUT"
GM_LOG_LEVEL=warning start_devkafka "$BIN/devkafka" "$DEVKAFKA_PORT" "$BENCH/kafka/bootstrap" \
    "$PIDS/devkafka.pid" "$LOGS/devkafka.log" "$TIMEOUT"
KAFKA_BOOTSTRAP="$(tr -d '[:space:]' <"$BENCH/kafka/bootstrap")"
curl -sf -X POST -H 'Content-Type: application/json' -d "{\"name\":\"$RAW_TOPIC\",\"partitions\":$RAW_PARTITIONS}" \
    "http://127.0.0.1:$DEVKAFKA_PORT/v1/topics" >/dev/null || die "devkafka did not create $RAW_TOPIC"

sql() { PGPASSWORD="$role_pw" psql -h 127.0.0.1 -p "$PG_PORT" -U gm -d gamemetrics -Atq -c "$1"; }
stored() { sql "SELECT count(*) FROM events_raw" 2>/dev/null || echo 0; }
feed() { # count rate
    python3 "$GM_ROOT/bench/processor/feed.py" "$1" "$2" |
        kcat -P -b "$KAFKA_BOOTSTRAP" -t "$RAW_TOPIC" -K $'\t' -X acks=all -X enable.idempotence=true \
            -X linger.ms=5 2>>"$LOGS/kcat.log"
}
start_processor() {
    require_free_port processor "$PROCESSOR_PORT"
    START_EXE="$BIN/processor" start_bg "$PIDS/processor.pid" "$LOGS/processor.log" \
        env GM_HTTP_HOST=127.0.0.1 GM_HTTP_PORT="$PROCESSOR_PORT" GM_INTERNAL_HTTP_PORT="$PROCESSOR_INTERNAL_PORT" \
        GM_LOG_LEVEL=warning GM_PG_URL="$PG_URL" \
        GM_KAFKA_BOOTSTRAP="$KAFKA_BOOTSTRAP" GM_REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0" \
        GM_PROCESSOR_RAW_TOPIC="$RAW_TOPIC" GM_ERASURE_SUBJECT_KEY="$(head -c 32 /dev/urandom | base64 -w0)" \
        "${processor_env[@]}" "$BIN/processor"
}
processor_pid() { head -n1 "$PIDS/processor.pid"; }
max_rss_mib() { awk '/VmHWM/ {printf "%.1f", $2 / 1024}' "/proc/$(processor_pid)/status"; }

# --- 1. backlog -------------------------------------------------------------------------------
log "==> backlog: writing $events events to $RAW_TOPIC (kcat, acks=all)"
feed "$events" 0
start_processor
started="$(date +%s.%N)"
wait_until processor "$TIMEOUT" "$PIDS/processor.pid" "$BIN/processor" "$LOGS/processor.log" http_ready "$PROCESSOR_URL/health/ready"
log "==> backlog: processor started; waiting for events_raw to hold $events rows"
while (($(stored) < events)); do
    kill -0 "$(processor_pid)" 2>/dev/null || die "the processor exited (see $LOGS/processor.log)"
    sleep 0.5
done
finished="$(date +%s.%N)"
backlog_rss="$(max_rss_mib)"
backlog_rate="$(python3 -c "print(round($events / ($finished - $started)))")"
backlog_seconds="$(python3 -c "print(round($finished - $started, 1))")"
# Sustained rate, without the start and the group join: the rows of every transaction but the
# last, over the time from the first transaction's start to the last one's (stored_at = now()).
sustained_rate="$(sql "WITH span AS (SELECT min(stored_at) AS first, max(stored_at) AS last FROM events_raw)
                       SELECT round((SELECT count(*) FROM events_raw, span WHERE stored_at < last)
                                    / extract(epoch FROM last - first)) FROM span")"
log "==> backlog: $events events in $backlog_seconds s = $backlog_rate events/s ($sustained_rate events/s sustained), max RSS $backlog_rss MiB"

# --- 2. live ----------------------------------------------------------------------------------
live_events=$((rate * live_seconds))
log "==> live: $rate events/s for $live_seconds s"
boundary="$(sql "SELECT now()")"
feed "$live_events" "$rate"
while (($(stored) < events + live_events)); do sleep 0.5; done
lag="$(sql "SELECT round(1000 * extract(epoch FROM percentile_cont(0.5) WITHIN GROUP (ORDER BY stored_at - ingested_at)))::int
              || ' ' || round(1000 * extract(epoch FROM percentile_cont(0.99) WITHIN GROUP (ORDER BY stored_at - ingested_at)))::int
            FROM events_raw WHERE ingested_at >= '$boundary'")"
read -r lag_p50 lag_p99 <<<"$lag"
curl -sf "$PROCESSOR_INTERNAL_URL/metrics" | grep '^gm_processor_end_to_end_seconds' >"$RUN/end_to_end_histogram.txt" || true
live_rss="$(max_rss_mib)"
metrics_count="$(sql "SELECT count(*) FROM event_metrics")"

{
    echo "### Processor, run $(basename "$RUN")"
    echo
    echo "- command: \`bash bench/processor/run.sh $events $rate\` (commit $(git rev-parse --short HEAD))"
    echo "- machine: $(nproc) cores, shared by the processor, PostgreSQL, devkafka, kcat and feed.py; load average at the end $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "- processor env: ${GM_BENCH_PROCESSOR_ENV:-defaults}"
    echo "- PostgreSQL settings beyond tools/platform/lib.sh's: ${GM_BENCH_PG_SETTINGS:-none}"
    echo
    echo "| phase | events | result | processor max RSS (VmHWM) |"
    echo "|---|---|---|---|"
    echo "| backlog (all in Kafka before start) | $events | $sustained_rate events/s sustained, first to last transaction; $backlog_rate events/s from the process start ($backlog_seconds s) | $backlog_rss MiB |"
    echo "| live, $rate events/s for $live_seconds s | $live_events | lag Kafka timestamp -> stored_at: p50 $lag_p50 ms, p99 $lag_p99 ms | $live_rss MiB |"
    echo
    echo "event_metrics rows after the run: $metrics_count. The processor's histogram (Kafka or ingestion time to commit): $RUN/end_to_end_histogram.txt"
} | tee "$RUN/results.md"
cp "$RUN/results.md" "$BENCH/results.md"
