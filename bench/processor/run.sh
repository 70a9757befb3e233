#!/usr/bin/env bash
# The event processor from Kafka to committed PostgreSQL rows and aggregates.
# Starts a throwaway stack of its own under .gm/bench-processor/ (PostgreSQL 15, devkafka with
# the topics of charts/kafka/topics.json, redis-server, the release processor) on loopback ports
# that collide with neither `make up`, `make test` nor the ingestion bench, then:
#   1. backlog: writes <events> events to the raw topic with kcat (acks=all) while the
#      processor is stopped, starts it and times how long it takes until events_raw holds them
#      all (every aggregate commits in the same transactions) -> events/s, max RSS;
#   2. baseline: the same rows, as events_raw now holds them, written by a bare `\copy` (psql)
#      into a table keyed like the processor's dedupe, PRIMARY KEY (tenant_id, event_id), on the
#      same server right after the backlog -> rows/s; the processor's sustained rate is reported
#      as a ratio to it (the machine is shared: only same-run ratios compare);
#   3. live: with the processor running, writes <rate> events/s for 30 s and reports the
#      end-to-end lag per event, from the record's Kafka timestamp to the row's stored_at
#      (the transaction's time), p50/p99, and the processor's own gm_processor_end_to_end_seconds.
# Events come from bench/processor/feed.py: 10,000 players over two tenants, every event type,
# occurred_at = the time of writing. The raw topic is bench.events.raw with 48 partitions, not
# player.events.raw's 12: devkafka's mock brokers keep only a few MB per partition and drop the
# oldest records beyond, which would lose part of a large backlog.
#
#   bash bench/processor/run.sh [events=400000] [rate=20000]
#
# Environment: GM_BIN_DIR (prebuilt release executables; default: `swift build -c release`, the
# build `make up` uses), GM_BENCH_QUIET_WAIT (seconds to wait for running swift builds/tests to
# finish before measuring, default 600; 0 skips), GM_BENCH_PROCESSOR_ENV (extra KEY=VALUE words for the processor),
# GM_BENCH_PG_SETTINGS (name=value words appended to the bench server's postgresql.conf, on top
# of the local platform's settings in tools/platform/lib.sh; e.g. "shared_buffers=1GB fsync=on"),
# GM_BENCH_EXPLAIN=1 (PostgreSQL logs the EXPLAIN ANALYZE plan of every statement over 100 ms
# through auto_explain, and bench/processor/plan_times.py reports each table's share of the
# storing statement in plan-times.md; the timing overhead lowers the rates of such a run).
# Results: .gm/bench-processor/results.md (the latest run) and .gm/bench-processor/runs/<UTC time>/.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

events="${1:-400000}" rate="${2:-20000}"
[[ "$events" =~ ^[1-9][0-9]*$ && "$rate" =~ ^[1-9][0-9]*$ ]] || die "usage: bench/processor/run.sh [events=400000] [rate=20000]"
read -r -a processor_env <<<"${GM_BENCH_PROCESSOR_ENV:-}"
read -r -a pg_settings <<<"${GM_BENCH_PG_SETTINGS:-}"
for word in "${pg_settings[@]}"; do
    [[ "$word" =~ ^[a-z_.]+=[A-Za-z0-9._-]+$ ]] || die "GM_BENCH_PG_SETTINGS: not a name=value word: $word"
done
live_seconds=30
if [[ "${GM_BENCH_EXPLAIN:-0}" == 1 ]]; then
    pg_settings+=(shared_preload_libraries=auto_explain auto_explain.log_min_duration=100
        auto_explain.log_analyze=on auto_explain.log_buffers=on auto_explain.log_timing=on)
fi
quiet_wait="${GM_BENCH_QUIET_WAIT:-600}"

PG_PORT=55640 REDIS_PORT=56391 DEVKAFKA_PORT=59740 PROCESSOR_PORT=18282 PROCESSOR_INTERNAL_PORT=18382
RAW_TOPIC=bench.events.raw RAW_PARTITIONS=48
TIMEOUT="$BENCH_TIMEOUT"
PROCESSOR_URL="http://127.0.0.1:$PROCESSOR_PORT"
PROCESSOR_INTERNAL_URL="http://127.0.0.1:$PROCESSOR_INTERNAL_PORT"  # /metrics

bench_begin bench-processor
bench_build processor devkafka

log "==> stack: postgres :$PG_PORT, redis :$REDIS_PORT, devkafka :$DEVKAFKA_PORT, processor :$PROCESSOR_PORT"
bench_postgres "$PG_PORT" "${pg_settings[@]}"
bench_redis "$REDIS_PORT"
bench_devkafka "$DEVKAFKA_PORT"
curl -sf -X POST -H 'Content-Type: application/json' -d "{\"name\":\"$RAW_TOPIC\",\"partitions\":$RAW_PARTITIONS}" \
    "http://127.0.0.1:$DEVKAFKA_PORT/v1/topics" >/dev/null || die "devkafka did not create $RAW_TOPIC"

sql() { PGPASSWORD="$role_pw" "$GM_PGBIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U gm -d gamemetrics -Atq -c "$1"; }
stored() { sql "SELECT count(*) FROM events_raw" 2>/dev/null || echo 0; }
feed() { # count rate seed (the live phase's seed differs: the same ids would be dropped as already stored)
    python3 "$GM_ROOT/bench/processor/feed.py" "$1" "$2" "$3" |
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
# utime+stime in clock ticks of the given pids (those gone count 0).
ticks_of() {
    local pid stat fields total=0
    for pid in "$@"; do
        stat="$(cat "/proc/$pid/stat" 2>/dev/null)" || continue
        read -r -a fields <<<"${stat##*) }"
        total=$((total + fields[11] + fields[12]))
    done
    echo "$total"
}
# PostgreSQL: the postmaster and every server process under it (the processor's connections).
postgres_ticks() {
    local postmaster children
    postmaster="$(head -n1 "$PIDS/postgres.pid")"
    mapfile -t children < <(pgrep -P "$postmaster")
    ticks_of "$postmaster" "${children[@]}"
}
max_rss_mib() { awk '/VmHWM/ {printf "%.1f", $2 / 1024}' "/proc/$(processor_pid)/status"; }

# --- 1. backlog -------------------------------------------------------------------------------
log "==> backlog: writing $events events to $RAW_TOPIC (kcat, acks=all)"
feed "$events" 0 1
bench_quiet_wait "$quiet_wait"
loadavg_start="$(cut -d' ' -f1-3 /proc/loadavg)"
start_processor
started="$(date +%s.%N)"
pg_ticks0="$(postgres_ticks)" devkafka_ticks0="$(ticks_of "$(head -n1 "$PIDS/devkafka.pid")")"
wait_until processor "$TIMEOUT" "$PIDS/processor.pid" "$BIN/processor" "$LOGS/processor.log" http_ready "$PROCESSOR_URL/health/ready"
log "==> backlog: processor started; waiting for events_raw to hold $events rows"
while (($(stored) < events)); do
    kill -0 "$(processor_pid)" 2>/dev/null || die "the processor exited (see $LOGS/processor.log)"
    sleep 0.5
done
finished="$(date +%s.%N)"
# CPU per event over the backlog, from the process start (the processor's own count starts at 0).
clk_tck="$(getconf CLK_TCK)"
cpu_us_per_event() { python3 -c "print(round(1e6 * $1 / $clk_tck / $events, 1))"; }
processor_cpu="$(cpu_us_per_event "$(ticks_of "$(processor_pid)")")"
postgres_cpu="$(cpu_us_per_event "$(($(postgres_ticks) - pg_ticks0))")"
devkafka_cpu="$(cpu_us_per_event "$(($(ticks_of "$(head -n1 "$PIDS/devkafka.pid")") - devkafka_ticks0))")"
backlog_rss="$(max_rss_mib)"
backlog_rate="$(python3 -c "print(round($events / ($finished - $started)))")"
backlog_seconds="$(python3 -c "print(round($finished - $started, 1))")"
# Sustained rate, without the start and the group join: the rows of every transaction but the
# last, over the time from the first transaction's start to the last one's (stored_at = now()).
sustained_rate="$(sql "WITH span AS (SELECT min(stored_at) AS first, max(stored_at) AS last FROM events_raw)
                       SELECT round((SELECT count(*) FROM events_raw, span WHERE stored_at < last)
                                    / extract(epoch FROM last - first)) FROM span")"
log "==> backlog: $events events in $backlog_seconds s = $backlog_rate events/s ($sustained_rate events/s sustained), max RSS $backlog_rss MiB"
log "    CPU µs per event: processor $processor_cpu, PostgreSQL $postgres_cpu, devkafka $devkafka_cpu"

# --- 2. the bare \copy baseline ---------------------------------------------------------------
log "==> baseline: a bare \\copy of the same $events rows into a table keyed (tenant_id, event_id)"
rows_file="$RUN/rows.copy"
# psql ends a backslash command at the newline: each \copy is one line.
copy_columns="tenant_id, event_id, player_id, type, occurred_at, game_id, amount_minor, currency, session_duration_ms, properties, ingested_at, kafka_partition, kafka_offset"
sql "\copy (SELECT $copy_columns FROM events_raw) TO '$rows_file'"
sql "CREATE TABLE copy_baseline (LIKE events_raw INCLUDING DEFAULTS, PRIMARY KEY (tenant_id, event_id))"
copy_started="$(date +%s.%N)"
sql "\copy copy_baseline ($copy_columns) FROM '$rows_file'"
copy_finished="$(date +%s.%N)"
copy_rows="$(sql "SELECT count(*) FROM copy_baseline")"
copy_rate="$(python3 -c "print(round($copy_rows / ($copy_finished - $copy_started)))")"
ratio="$(python3 -c "print(f'{$sustained_rate / $copy_rate:.2f}')")"
sql "DROP TABLE copy_baseline"
rm -f "$rows_file"
log "==> baseline: $copy_rows rows in $(python3 -c "print(round($copy_finished - $copy_started, 2))") s = $copy_rate rows/s; processor sustained / copy = $ratio"

# --- 3. live ----------------------------------------------------------------------------------
live_events=$((rate * live_seconds))
log "==> live: $rate events/s for $live_seconds s"
boundary="$(sql "SELECT now()")"
feed "$live_events" "$rate" 2
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
    echo "- command: \`bash bench/processor/run.sh $events $rate\` (commit ${GM_BENCH_COMMIT:-$(git rev-parse --short HEAD 2>/dev/null || echo unknown)})"
    echo "- machine: $(nproc) cores, shared by the processor, PostgreSQL, devkafka, kcat and feed.py; build/test processes at the start $busy_at_start; load average at the start $loadavg_start, at the end $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "- processor env: ${GM_BENCH_PROCESSOR_ENV:-defaults}"
    echo "- PostgreSQL settings beyond tools/platform/lib.sh's: ${pg_settings[*]:-none}"
    echo
    echo "| phase | events | result | processor max RSS (VmHWM) |"
    echo "|---|---|---|---|"
    echo "| backlog (all in Kafka before start) | $events | $sustained_rate events/s sustained, first to last transaction; $backlog_rate events/s from the process start ($backlog_seconds s) | $backlog_rss MiB |"
    # shellcheck disable=SC2016  # backquotes are Markdown here
    printf '| bare `\\copy` of the same rows (psql), PRIMARY KEY (tenant_id, event_id) | %s | %s rows/s; **processor sustained / copy = %s** | — |\n' \
        "$copy_rows" "$copy_rate" "$ratio"
    echo "| CPU per event over the backlog (utime+stime from /proc) | $events | processor $processor_cpu µs, PostgreSQL $postgres_cpu µs, devkafka $devkafka_cpu µs | — |"
    echo "| live, $rate events/s for $live_seconds s | $live_events | lag Kafka timestamp -> stored_at: p50 $lag_p50 ms, p99 $lag_p99 ms | $live_rss MiB |"
    echo
    echo "event_metrics rows after the run: $metrics_count. The processor's histogram (Kafka or ingestion time to commit): $RUN/end_to_end_histogram.txt"
} | tee "$RUN/results.md"
if [[ "${GM_BENCH_EXPLAIN:-0}" == 1 ]]; then
    python3 "$GM_ROOT/bench/processor/plan_times.py" "$LOGS/postgres.log" | tee "$RUN/plan-times.md"
fi
cp "$RUN/results.md" "$BENCH/results.md"
