#!/usr/bin/env bash
# The retention service (issue 19): archival throughput, its cost to the processor, and an erasure
# across a year of archives. Starts a throwaway stack of its own under .gm/bench-retention/
# (PostgreSQL 15 with the processor's and retention's migrations, devkafka with the topics of
# charts/kafka/topics.json plus the bench's own, redis-server for the processor, rclone's S3 server
# over a folder as the archive bucket, the release `retention` and `processor`) on loopback ports
# that collide with neither `make up`, `make test` nor the other harnesses. Everything runs as the
# schema owner gm (as bench/processor does): the bench has no per-service roles. Then:
#   1. archive   ROUNDS rounds of, alternating which part size goes first, for GM_RETENTION_PART_ROWS
#                100000 and SMALL_PART: ROWS events generated straight into events_raw
#                (bench/retention/generate.sql: 4 tenants, 10 UTC days 10-19 days old, ~700-byte
#                archive lines), VACUUM ANALYZE, then
#                - baseline: `COPY (SELECT <the archive line> ... ORDER BY tenant, time, id) TO
#                  STDOUT | gzip -6` of the same rows: what the machine does for read + compress;
#                - `retention run` with every tenant's policy hot 5 days: rows/s, compressed and
#                  raw-text MB/s, and the fraction of the baseline's rate;
#   2. processor ROUNDS rounds: PROC_EVENTS events (bench/processor/feed.py) written to a raw topic
#                of 48 partitions while the processor is stopped, then the processor started and
#                its sustained rate measured as bench/processor does — alone, then while a
#                `retention run` archives a BACKLOG_ROWS-row backlog of other tenants (started
#                first; the pass must still be running when the processor has stored its
#                events, else the round says so); the pass is then stopped (SIGTERM).
#   3. erasure   one tenant with ERASURE_DAYS archived days of ERASURE_ROWS_PER_DAY rows (the
#                player p-target in every day), one with BIG_DAYS days of BIG_ROWS_PER_DAY rows,
#                both archived by one `retention run`; then the retention service runs with
#                GM_RETENTION_ERASURE_TOPIC on a private topic and `erasure.requested` for
#                p-target of each tenant is produced there with kcat: the time from the
#                request's Kafka timestamp to retention's `erasure.completed`, the objects
#                rewritten, the cost per object of either size; meanwhile the processor stores
#                1,000 events/s (its lag from Kafka to stored_at, over the events ingested during
#                the erasure) and a probe takes the erasure lock shared (what every processor
#                batch store takes) every 0.25 s and records how long it waited.
# Every long step runs under `timeout`; the whole run takes ~25 min at the defaults on 2 cores.
#
#   bash bench/retention/run.sh [rows=2000000] [rounds=3]
#
# Environment: GM_BIN_DIR (prebuilt release executables; default: `swift build -c release`, the
# build `make up` uses), GM_BENCH_QUIET_WAIT (seconds to wait for running swift builds/tests to
# finish before measuring, default 600; 0 skips), GM_BENCH_RETENTION_SMALL_PART (10000),
# GM_BENCH_RETENTION_PROC_EVENTS (300000), GM_BENCH_RETENTION_BACKLOG_ROWS (rows),
# GM_BENCH_RETENTION_ERASURE="DAYS ROWS_PER_DAY BIG_DAYS BIG_ROWS_PER_DAY" ("365 2000 10 50000"),
# GM_BENCH_RETENTION_PHASES (which of "archive processor erasure" to run; all by default).
# Results: .gm/bench-retention/results.md (the latest run) and .gm/bench-retention/runs/<UTC time>/
# (results.md, raw/records.jsonl: one JSON object per measurement, each pass's report, logs).
# The report's arithmetic is tested: python3 -m unittest discover -s bench/retention.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

rows="${1:-2000000}" rounds="${2:-3}"
[[ "$rows" =~ ^[1-9][0-9]*$ && "$rounds" =~ ^[1-9][0-9]*$ ]] || die "usage: bench/retention/run.sh [rows=2000000] [rounds=3]"
small_part="${GM_BENCH_RETENTION_SMALL_PART:-10000}"
proc_events="${GM_BENCH_RETENTION_PROC_EVENTS:-300000}"
backlog_rows="${GM_BENCH_RETENTION_BACKLOG_ROWS:-$rows}"
read -r erasure_days erasure_rows_per_day big_days big_rows_per_day <<<"${GM_BENCH_RETENTION_ERASURE:-365 2000 10 50000}"
phases="${GM_BENCH_RETENTION_PHASES:-archive processor erasure}"
for n in "$small_part" "$proc_events" "$backlog_rows" "$erasure_days" "$erasure_rows_per_day" "$big_days" "$big_rows_per_day"; do
    [[ "$n" =~ ^[1-9][0-9]*$ ]] || die "not a positive number: $n (GM_BENCH_RETENTION_*)"
done
quiet_wait="${GM_BENCH_QUIET_WAIT:-600}"
large_part=100000 days=10 oldest=19 tenants=4 hot_days=5 archive_days=3650

# Loopback ports: none of `make up` (8080-8087, 5432, 6379, 9000, 9090, 9644, 2525), `make test`
# (55432, 55433, 59644, 59000) or the other harnesses (55600-55640, 55680, 5639x, 597xx-59781,
# 182xx-183xx, 184xx-185xx).
PG_PORT=55690 REDIS_PORT=56396 DEVKAFKA_PORT=59790 S3_PORT=59791
PROCESSOR_PORT=18682 PROCESSOR_INTERNAL_PORT=18782 RETENTION_PORT=18687 RETENTION_INTERNAL_PORT=18787
# Retention verifies callers' tokens against the user service; no request here carries one, so
# nothing needs to listen at this (loopback) address.
UNUSED_USER_PORT=18688
RAW_TOPIC=bench.events.raw RAW_PARTITIONS=48 ERASURE_TOPIC=bench.privacy.erasure BUCKET=gm-archive-bench
TIMEOUT="$BENCH_TIMEOUT"
HERE="$GM_ROOT/bench/retention"
PYTHON=/usr/bin/python3
# ErasedSubjects.lockKey ("gmerase"): the erasure takes it exclusive, every store of player data shared.
ERASURE_LOCK_KEY=$((0x676D6572617365))

stop_own() {
    local name
    # The live feed is a pipeline (feed.py | kcat) in a session of its own: its whole group goes.
    if [[ -f "$1/feed.pid" ]]; then
        kill -TERM -- "-$(sed -n 1p "$1/feed.pid")" 2>/dev/null || true
        rm -f "$1/feed.pid"
    fi
    for name in retention retention-run probe; do
        stop_pid "$name" "$1/$name.pid"
    done
}
# shellcheck disable=SC2317  # invoked by bench_on_exit
bench_before_exit() { stop_own "$PIDS"; }
stop_own "$GM_DIR/bench-retention/pids" # what an interrupted run left behind

bench_begin bench-retention
bench_build retention processor devkafka
records="$RAW/records.jsonl"
: >"$records"

# --- the stack --------------------------------------------------------------------------------
log "==> stack: postgres :$PG_PORT, redis :$REDIS_PORT, devkafka :$DEVKAFKA_PORT, s3 :$S3_PORT"
bench_postgres "$PG_PORT"
bench_redis "$REDIS_PORT"
bench_devkafka "$DEVKAFKA_PORT"
for topic in "$RAW_TOPIC:$RAW_PARTITIONS" "$ERASURE_TOPIC:1" "$ERASURE_TOPIC.dlq:1"; do
    curl -sf -X POST -H 'Content-Type: application/json' -d "{\"name\":\"${topic%:*}\",\"partitions\":${topic##*:}}" \
        "http://127.0.0.1:$DEVKAFKA_PORT/v1/topics" >/dev/null || die "devkafka did not create ${topic%:*}"
done
s3_key="$(gen_secret 12)" s3_secret="$(gen_secret 24)"
start_s3 "$S3_PORT" "$BENCH/s3" "$s3_key" "$s3_secret" "$BUCKET" "$PIDS/s3.pid" "$LOGS/s3.log" "$TIMEOUT"
subject_key="$(head -c 32 /dev/urandom | base64 -w0)"
for svc in processor retention; do
    GM_PG_MIGRATION_URL="$PG_URL" GM_LOG_LEVEL=warning "$BIN/$svc" migrate >>"$LOGS/migrate.log" 2>&1 ||
        { log_tail "$LOGS/migrate.log"; die "$svc migrate failed"; }
done

sql() { PGPASSWORD="$role_pw" PGTZ=UTC "$GM_PGBIN/psql" -X -h 127.0.0.1 -p "$PG_PORT" -U gm -d gamemetrics -Atq -v ON_ERROR_STOP=1 -c "$1"; }
now() { date +%s.%N; }
# generate PREFIX TENANTS ROWS DAYS OLDEST PLAYERS TARGET_EVERY SEED
generate() {
    PGPASSWORD="$role_pw" "$GM_PGBIN/psql" -X -h 127.0.0.1 -p "$PG_PORT" -U gm -d gamemetrics -q -v ON_ERROR_STOP=1 \
        -v prefix="$1" -v tenants="$2" -v rows="$3" -v days="$4" -v oldest="$5" -v players="$6" \
        -v target=p-target -v target_every="$7" -v seed="$8" -f "$HERE/generate.sql" >>"$LOGS/generate.log" 2>&1 ||
        { log_tail "$LOGS/generate.log"; die "generating $3 rows failed"; }
}
# policy PREFIX TENANTS: hot 5 days, archived 10 years, for PREFIX1..PREFIXn.
policy() {
    sql "INSERT INTO retention_policies (tenant_id, hot_days, archive_days, updated_by)
         SELECT '$1' || g, $hot_days, $archive_days, 'bench' FROM generate_series(1, $2) AS g
         ON CONFLICT (tenant_id) DO UPDATE SET hot_days = excluded.hot_days, archive_days = excluded.archive_days"
}
# Forgets the archive: catalogue, restores, tenant status, erasures, and the bucket's objects.
reset_archive() {
    sql "DELETE FROM archive_objects; DELETE FROM restores; DELETE FROM retention_tenant_status; DELETE FROM retention_policies;
         DELETE FROM erased_subjects; DELETE FROM erasure_ledger_retention"
    find "$BENCH/s3/$BUCKET" -mindepth 1 -delete
}
# What `retention run` and the service share (the service adds its HTTP and Kafka settings).
retention_env=(GM_LOG_LEVEL=warning GM_PG_URL="$PG_URL" GM_S3_ENDPOINT="http://127.0.0.1:$S3_PORT" GM_S3_BUCKET="$BUCKET"
    GM_S3_ACCESS_KEY="$s3_key" GM_S3_SECRET_KEY="$s3_secret" GM_ERASURE_SUBJECT_KEY="$subject_key"
    GM_AUDIT_HMAC_KEY="bench-retention-audit-chain-key-0123456789"
    GM_AUDIT_ANCHOR_S3_ENDPOINT="http://127.0.0.1:$S3_PORT" GM_AUDIT_ANCHOR_S3_BUCKET="$BUCKET"
    GM_AUDIT_ANCHOR_S3_ACCESS_KEY="$s3_key" GM_AUDIT_ANCHOR_S3_SECRET_KEY="$s3_secret")
# retention_pass NAME PART_ROWS: `retention run` in the foreground; its report in RAW/NAME.json,
# the wall time in pass_seconds.
retention_pass() {
    local started
    started="$(now)"
    timeout 1800 env "${retention_env[@]}" GM_RETENTION_PART_ROWS="$2" "$BIN/retention" run >"$RAW/$1.json" 2>>"$LOGS/retention-run.log" ||
        { log_tail "$LOGS/retention-run.log"; die "retention run ($1) failed: $(tail -c 2000 "$RAW/$1.json")"; }
    pass_seconds="$(python3 -c "print(round($(now) - $started, 3))")"
}
# What a part writes per row (DayArchiver): the row as PostgreSQL's row_to_json, in UTC.
archive_line="row_to_json(events_raw)::text"
start_processor() {
    require_free_port processor "$PROCESSOR_PORT"
    START_EXE="$BIN/processor" start_bg "$PIDS/processor.pid" "$LOGS/processor.log" \
        env GM_HTTP_HOST=127.0.0.1 GM_HTTP_PORT="$PROCESSOR_PORT" GM_INTERNAL_HTTP_PORT="$PROCESSOR_INTERNAL_PORT" \
        GM_LOG_LEVEL=warning GM_PG_URL="$PG_URL" GM_KAFKA_BOOTSTRAP="$KAFKA_BOOTSTRAP" \
        GM_REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0" GM_PROCESSOR_RAW_TOPIC="$RAW_TOPIC" \
        GM_ERASURE_SUBJECT_KEY="$subject_key" "$BIN/processor"
}
pid_of() { sed -n 1p "$PIDS/$1.pid"; }
has_phase() { [[ " $phases " == *" $1 "* ]]; }

bench_quiet_wait "$quiet_wait"
{
    printf 'stamp=%s\nrows=%s\nrounds=%s\nsmall_part=%s\nlarge_part=%s\n' "$stamp" "$rows" "$rounds" "$small_part" "$large_part"
    printf 'proc_events=%s\nbacklog_rows=%s\nerasure=%s %s %s %s\nphases=%s\n' "$proc_events" "$backlog_rows" \
        "$erasure_days" "$erasure_rows_per_day" "$big_days" "$big_rows_per_day" "$phases"
    printf 'waited_s=%s\nbusy_at_start=%s\nloadavg_at_start=%s\n' "$quiet_waited_s" "$busy_at_start" "$(cut -d' ' -f1-3 /proc/loadavg)"
    printf 'commit=%s\ndirty=%s\n' "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)" \
        "$(git status --porcelain 2>/dev/null | grep -q . && echo yes || echo no)"
    printf 'cpu=%s\ncores=%s\n' "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)" "$(nproc)"
    printf 'command=bash bench/retention/run.sh %s %s\n' "$rows" "$rounds"
} >"$RUN/meta.env"
# Build and test processes seen during the run (sampled at each measurement).
busy_note() { printf '"busy": %s, "loadavg": "%s"' "$(bench_busy_processes)" "$(cut -d' ' -f1-3 /proc/loadavg)"; }

# --- 1. archival throughput -------------------------------------------------------------------
if has_phase archive; then
    for ((r = 1; r <= rounds; r++)); do
        if ((r % 2)); then order=("$large_part" "$small_part"); else order=("$small_part" "$large_part"); fi
        for part in "${order[@]}"; do
            log "==> archive $r/$rounds, part rows $part: generating $rows rows (4 tenants, 10 days)"
            reset_archive
            generate bench-t "$tenants" "$rows" "$days" "$oldest" 20000 0 "0.$r$part"
            sql "VACUUM ANALYZE events_raw" >/dev/null
            PGPASSWORD="$super_pw" "$GM_PGBIN/psql" -X -h 127.0.0.1 -p "$PG_PORT" -U postgres -d gamemetrics -q -c CHECKPOINT
            policy bench-t "$tenants"
            log "    baseline: COPY (SELECT <archive line> ...) TO STDOUT | gzip -6"
            started="$(now)"
            sql "COPY (SELECT $archive_line FROM events_raw WHERE tenant_id LIKE 'bench-t%'
                       ORDER BY tenant_id, occurred_at, event_id) TO STDOUT" |
                tee >(wc -c >"$RAW/baseline-raw-bytes") | gzip -6 | wc -c >"$RAW/baseline-gzip-bytes"
            baseline_seconds="$(python3 -c "print(round($(now) - $started, 3))")"
            sleep 1 # the tee's wc has written its count
            printf '{"phase": "baseline", "round": %s, "part_rows": %s, "rows": %s, "seconds": %s, "raw_bytes": %s, "gzip_bytes": %s, %s}\n' \
                "$r" "$part" "$rows" "$baseline_seconds" "$(tr -d ' ' <"$RAW/baseline-raw-bytes")" \
                "$(tr -d ' ' <"$RAW/baseline-gzip-bytes")" "$(busy_note)" >>"$records"
            log "    $(tail -n1 "$records")"
            log "    retention run, GM_RETENTION_PART_ROWS=$part"
            retention_pass "archive-$r-$part" "$part"
            left="$(sql "SELECT count(*) FROM events_raw WHERE tenant_id LIKE 'bench-t%'")"
            "$PYTHON" "$HERE/report.py" pass-record "$RAW/archive-$r-$part.json" --phase archive --round "$r" \
                --part-rows "$part" --rows "$rows" --seconds "$pass_seconds" --raw-bytes "$(tr -d ' ' <"$RAW/baseline-raw-bytes")" \
                --rows-left "$left" --busy "$(bench_busy_processes)" --loadavg "$(cut -d' ' -f1-3 /proc/loadavg)" >>"$records"
            log "    $(tail -n1 "$records")"
        done
    done
fi

# --- 2. the processor alone and during a pass -------------------------------------------------
if has_phase processor; then
    demo_rows() { sql "SELECT count(*) FROM events_raw WHERE tenant_id IN ('demo-casino', 'demo-sportsbook')" 2>/dev/null || echo 0; }
    # processor_round ROUND MODE: feeds, starts the processor, waits for the rows, records the rate.
    processor_round() {
        local r="$1" mode="$2" target boundary started finished pass_running=null sustained
        target=$(($(demo_rows) + proc_events))
        log "==> processor $r/$rounds ($mode): $proc_events events to $RAW_TOPIC, processor stopped"
        python3 "$GM_ROOT/bench/processor/feed.py" "$proc_events" 0 "$((r * 10 + ${#mode}))" |
            kcat -P -b "$KAFKA_BOOTSTRAP" -t "$RAW_TOPIC" -K $'\t' -X acks=all -X enable.idempotence=true \
                -X linger.ms=5 2>>"$LOGS/kcat.log"
        if [[ "$mode" == with-pass ]]; then
            policy bench-b "$tenants"
            START_EXE="$BIN/retention" start_bg "$PIDS/retention-run.pid" "$LOGS/retention-run-background.log" \
                env "${retention_env[@]}" GM_RETENTION_PART_ROWS="$large_part" "$BIN/retention" run
            # The pass is archiving (its first part is catalogued) before the processor starts.
            for ((i = 0; i < 240; i++)); do
                [[ "$(sql "SELECT count(*) FROM archive_objects")" -gt 0 ]] && break
                pid_alive "$PIDS/retention-run.pid" "$BIN/retention" >/dev/null || die "the background retention run exited early"
                sleep 0.5
            done
        fi
        boundary="$(sql "SELECT now()")"
        started="$(now)"
        start_processor
        wait_until processor "$TIMEOUT" "$PIDS/processor.pid" "$BIN/processor" "$LOGS/processor.log" \
            http_ready "http://127.0.0.1:$PROCESSOR_PORT/health/ready"
        while (($(demo_rows) < target)); do
            pid_alive "$PIDS/processor.pid" "$BIN/processor" >/dev/null || die "the processor exited (see $LOGS/processor.log)"
            ((SECONDS < 7200)) || die "bounded: the run took over 2 h"
            sleep 0.5
        done
        finished="$(now)"
        if [[ "$mode" == with-pass ]]; then
            if pid_alive "$PIDS/retention-run.pid" "$BIN/retention" >/dev/null; then pass_running=true; else pass_running=false; fi
        fi
        # As bench/processor: the rows of every transaction but the last, first to last transaction.
        sustained="$(sql "WITH mine AS (SELECT stored_at FROM events_raw WHERE tenant_id IN ('demo-casino', 'demo-sportsbook')
                                          AND stored_at >= '$boundary'),
                              span AS (SELECT min(stored_at) AS first, max(stored_at) AS last FROM mine)
                         SELECT round((SELECT count(*) FROM mine, span WHERE stored_at < last) / extract(epoch FROM last - first))
                           FROM span")"
        archived_during="$(sql "SELECT coalesce(sum(rows), 0) FROM archive_objects")"
        stop_pid processor "$PIDS/processor.pid"
        stop_pid retention-run "$PIDS/retention-run.pid"
        printf '{"phase": "processor", "round": %s, "mode": "%s", "events": %s, "events_per_s": %s, "from_start_s": %s, "pass_running_at_end": %s, "archived_rows_by_then": %s, %s}\n' \
            "$r" "$mode" "$proc_events" "$sustained" "$(python3 -c "print(round($finished - $started, 2))")" "$pass_running" \
            "$archived_during" "$(busy_note)" >>"$records"
        log "    $(tail -n1 "$records")"
    }
    for ((r = 1; r <= rounds; r++)); do
        reset_archive
        log "==> processor $r/$rounds: a backlog of $backlog_rows rows (4 other tenants, 10 days) for the pass"
        sql "DELETE FROM events_raw WHERE tenant_id LIKE 'bench-b%'"
        generate bench-b "$tenants" "$backlog_rows" "$days" "$oldest" 20000 0 "0.9$r"
        sql "VACUUM ANALYZE events_raw" >/dev/null
        processor_round "$r" alone
        processor_round "$r" with-pass
    done
    sql "DELETE FROM events_raw WHERE tenant_id LIKE 'bench-b%'"
fi

# --- 3. erasure across a year of archives ------------------------------------------------------
if has_phase erasure; then
    reset_archive
    log "==> erasure: $erasure_days days x $erasure_rows_per_day rows (bench-year1) and $big_days days x $big_rows_per_day rows (bench-big1)"
    # p-target: about 5 rows a day in each tenant.
    generate bench-year 1 "$((erasure_days * erasure_rows_per_day))" "$erasure_days" "$((erasure_days + 9))" 2000 \
        "$((erasure_rows_per_day / 5))" 0.11
    generate bench-big 1 "$((big_days * big_rows_per_day))" "$big_days" "$((big_days + 9))" 20000 "$((big_rows_per_day / 5))" 0.12
    sql "VACUUM ANALYZE events_raw" >/dev/null
    policy bench-year 1
    policy bench-big 1
    log "    retention run: archiving them ($((erasure_days + big_days)) days)"
    retention_pass erasure-archive "$large_part"
    "$PYTHON" "$HERE/report.py" pass-record "$RAW/erasure-archive.json" --phase erasure-archive --round 1 --part-rows "$large_part" \
        --rows "$((erasure_days * erasure_rows_per_day + big_days * big_rows_per_day))" --seconds "$pass_seconds" --raw-bytes 0 \
        --rows-left "$(sql "SELECT count(*) FROM events_raw WHERE tenant_id IN ('bench-year1', 'bench-big1')")" \
        --busy "$(bench_busy_processes)" --loadavg "$(cut -d' ' -f1-3 /proc/loadavg)" >>"$records"
    log "    $(tail -n1 "$records")"

    require_free_port retention "$RETENTION_PORT"
    START_EXE="$BIN/retention" start_bg "$PIDS/retention.pid" "$LOGS/retention.log" \
        env "${retention_env[@]}" GM_LOG_LEVEL=info GM_HTTP_HOST=127.0.0.1 GM_HTTP_PORT="$RETENTION_PORT" \
        GM_INTERNAL_HTTP_PORT="$RETENTION_INTERNAL_PORT" GM_KAFKA_BOOTSTRAP="$KAFKA_BOOTSTRAP" \
        GM_USER_URL="http://127.0.0.1:$UNUSED_USER_PORT" GM_RETENTION_ERASURE_TOPIC="$ERASURE_TOPIC" \
        GM_RETENTION_SCHEDULE="0 0 1 1 *" "$BIN/retention"
    wait_until retention "$TIMEOUT" "$PIDS/retention.pid" "$BIN/retention" "$LOGS/retention.log" \
        http_ready "http://127.0.0.1:$RETENTION_PORT/health/ready"
    sleep 3 # the erasure consumer has joined its group (readiness checks the broker, not the assignment)

    # The probe (bench/retention/probe.sh): takes the erasure lock shared, as each processor batch does.
    PGPASSWORD="$role_pw" GM_PGBIN="$GM_PGBIN" START_EXE=/usr/bin/bash start_bg "$PIDS/probe.pid" "$LOGS/probe.log" \
        /usr/bin/bash "$HERE/probe.sh" "$PG_PORT" "$ERASURE_LOCK_KEY" "$RAW/probe.txt"

    # The processor at a steady 1,000 events/s meanwhile: its lag shows what the erasure costs it.
    start_processor
    wait_until processor "$TIMEOUT" "$PIDS/processor.pid" "$BIN/processor" "$LOGS/processor.log" \
        http_ready "http://127.0.0.1:$PROCESSOR_PORT/health/ready"
    # shellcheck disable=SC2016  # expanded by the inner bash
    START_EXE=/usr/bin/bash start_bg "$PIDS/feed.pid" "$LOGS/feed.log" /usr/bin/bash -c \
        'python3 "$1" 1800000 1000 77 | kcat -P -b "$2" -t "$3" -K "$(printf "\t")" -X acks=all -X linger.ms=5' \
        feed "$GM_ROOT/bench/processor/feed.py" "$KAFKA_BOOTSTRAP" "$RAW_TOPIC"
    sleep 10

    for tenant in bench-year1 bench-big1; do
        request_id="$(cat /proc/sys/kernel/random/uuid)"
        objects_before="$(sql "SELECT count(*) FROM archive_players WHERE tenant_id = '$tenant' AND player_id = 'p-target'")"
        bytes_before="$(sql "SELECT coalesce(sum(o.bytes), 0) FROM archive_players p JOIN archive_objects o USING (tenant_id, day, part)
                              WHERE p.tenant_id = '$tenant' AND p.player_id = 'p-target'")"
        rows_before="$(sql "SELECT coalesce(sum(o.rows), 0) FROM archive_players p JOIN archive_objects o USING (tenant_id, day, part)
                             WHERE p.tenant_id = '$tenant' AND p.player_id = 'p-target'")"
        log "==> erasure of p-target in $tenant: $objects_before objects ($rows_before rows, $bytes_before bytes) hold the player"
        printf '%s:p-target\t{"type":"erasure.requested","version":1,"request_id":"%s","tenant_id":"%s","player_id":"p-target","requested_at":"%s","requested_by":"bench"}\n' \
            "$tenant" "$request_id" "$tenant" "$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)" |
            kcat -P -b "$KAFKA_BOOTSTRAP" -t "$ERASURE_TOPIC" -K $'\t' -X acks=all 2>>"$LOGS/kcat.log"
        deadline=$((SECONDS + 3600))
        until kcat -C -b "$KAFKA_BOOTSTRAP" -t "$ERASURE_TOPIC" -o beginning -e -q -f '%T\t%s\n' 2>>"$LOGS/kcat.log" \
            >"$RAW/erasure-topic.txt" && "$PYTHON" "$HERE/report.py" completed "$RAW/erasure-topic.txt" "$request_id"; do
            ((SECONDS < deadline)) || die "no erasure.completed for $request_id within an hour"
            pid_alive "$PIDS/retention.pid" "$BIN/retention" >/dev/null || die "the retention service exited (see $LOGS/retention.log)"
            sleep 1
        done
        sleep 5 # rows the processor stored late show their lag
        read -r window_start window_end <<<"$("$PYTHON" "$HERE/report.py" window "$RAW/erasure-topic.txt" "$request_id")"
        read -r lag_max lag_p50 lag_rows <<<"$(sql "SELECT coalesce(round(1000 * extract(epoch FROM max(stored_at - ingested_at))), -1),
                coalesce(round(1000 * extract(epoch FROM percentile_cont(0.5) WITHIN GROUP (ORDER BY stored_at - ingested_at))), -1), count(*)
              FROM events_raw WHERE tenant_id IN ('demo-casino', 'demo-sportsbook')
               AND ingested_at BETWEEN to_timestamp($window_start / 1000.0) AND to_timestamp($window_end / 1000.0)" | tr '|' ' ')"
        left="$(sql "SELECT count(*) FROM archive_players WHERE tenant_id = '$tenant' AND player_id = 'p-target'")"
        sample_key="$(sql "SELECT object_key FROM archive_objects WHERE tenant_id = '$tenant' ORDER BY day LIMIT 1")"
        in_sample="$(gzip -dc "$BENCH/s3/$BUCKET/$sample_key" | grep -c '"player_id" : "p-target"' || true)"
        "$PYTHON" "$HERE/report.py" erasure-record "$RAW/erasure-topic.txt" "$request_id" --tenant "$tenant" \
            --objects-before "$objects_before" --rows-before "$rows_before" --bytes-before "$bytes_before" \
            --index-left "$left" --lines-left-in-sample "$in_sample" --probe "$RAW/probe.txt" \
            --processor-lag-max-ms "$lag_max" --processor-lag-p50-ms "$lag_p50" --processor-rows "$lag_rows" \
            --busy "$(bench_busy_processes)" --loadavg "$(cut -d' ' -f1-3 /proc/loadavg)" >>"$records"
        log "    $(tail -n1 "$records")"
    done
    stop_own "$PIDS"
    grep -c 'timed out\|canceling statement' "$LOGS/processor.log" >"$RAW/processor-timeouts.txt" || true
    stop_pid processor "$PIDS/processor.pid"
fi

printf 'loadavg_at_end=%s\n' "$(cut -d' ' -f1-3 /proc/loadavg)" >>"$RUN/meta.env"
"$PYTHON" "$HERE/report.py" report "$RUN" >"$RUN/results.md"
cp "$RUN/results.md" "$BENCH/results.md"
cat "$RUN/results.md"
log "results: $BENCH/results.md (raw: $RUN)"
