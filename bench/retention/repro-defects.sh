#!/usr/bin/env bash
# Reproduces two defects of the retention service found while benchmarking it (docs/benchmarks.md,
# issue 19), on a throwaway stack of its own under .gm/bench-retention-repro/ (loopback):
#   1. An erasure deletes an archive object it emptied before its transaction commits. When a later
#      step of the same erasure fails (here: the next object is not gzip; equally an S3 5xx, a
#      PostgreSQL error, SIGKILL), the catalogue row comes back with the rollback but the object does
#      not, and every retry then fails on GET with "S3 object does not exist": the erasure never
#      completes, even after the failing object is repaired.
#   2. `retention restore TENANT DAY` fails at cb06e44: make_interval(days => $5) with $5 bound as
#      bigint (PostgreSQL 15: 42883, no such function); fixed by 98baf97.
#
#   GM_BIN_DIR=<release build> bash bench/retention/repro-defects.sh    (~1 min; prints what it sees)
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
PG_PORT=55691 DEVKAFKA_PORT=59792 S3_PORT=59793 RP=18689 RIP=18789 UP=18690 BUCKET=gm-archive-repro TOPIC=repro.privacy.erasure
# shellcheck disable=SC2317  # invoked by bench_on_exit
bench_before_exit() { stop_pid retention "$PIDS/retention.pid"; }
bench_begin bench-retention-repro
bench_build retention processor devkafka
bench_postgres "$PG_PORT"
bench_devkafka "$DEVKAFKA_PORT"
for t in "$TOPIC" "$TOPIC.dlq"; do curl -sf -X POST -H 'Content-Type: application/json' -d "{\"name\":\"$t\",\"partitions\":1}" "http://127.0.0.1:$DEVKAFKA_PORT/v1/topics" >/dev/null; done
k="$(gen_secret 12)" s="$(gen_secret 24)"
start_s3 "$S3_PORT" "$BENCH/s3" "$k" "$s" "$BUCKET" "$PIDS/s3.pid" "$LOGS/s3.log" 60
for svc in processor retention; do GM_PG_MIGRATION_URL="$PG_URL" GM_LOG_LEVEL=warning "$BIN/$svc" migrate >>"$LOGS/migrate.log" 2>&1; done
sql() { PGPASSWORD="$role_pw" PGTZ=UTC "$GM_PGBIN/psql" -X -h 127.0.0.1 -p "$PG_PORT" -U gm -d gamemetrics -Atq -v ON_ERROR_STOP=1 -c "$1"; }
gen() { PGPASSWORD="$role_pw" "$GM_PGBIN/psql" -X -h 127.0.0.1 -p "$PG_PORT" -U gm -d gamemetrics -q -v ON_ERROR_STOP=1 -v prefix=repro -v tenants=1 \
        -v rows="$1" -v days=1 -v oldest="$2" -v players=50 -v target=p-target -v target_every="$3" -v seed=0.3 -f "$GM_ROOT/bench/retention/generate.sql" >/dev/null; }
gen 5 12 1      # day C (12 days ago): only p-target
gen 200 11 40   # day B (11 days ago): 200 rows, p-target among them
sql "INSERT INTO retention_policies VALUES ('repro1', 5, 3650, now(), 'repro')"
key=$(head -c 32 /dev/urandom | base64 -w0)
envs=(GM_LOG_LEVEL=warning GM_PG_URL="$PG_URL" GM_S3_ENDPOINT="http://127.0.0.1:$S3_PORT" GM_S3_BUCKET="$BUCKET" GM_S3_ACCESS_KEY="$k" GM_S3_SECRET_KEY="$s" GM_ERASURE_SUBJECT_KEY="$key")
env "${envs[@]}" "$BIN/retention" run
echo "--- catalogue after the pass"; sql "SELECT day, part, object_key, rows FROM archive_objects ORDER BY day"
dayB="$(sql "SELECT object_key FROM archive_objects ORDER BY day DESC LIMIT 1")"
dayC="$(sql "SELECT object_key FROM archive_objects ORDER BY day LIMIT 1")"
cp "$BENCH/s3/$BUCKET/$dayB" "$BENCH/dayB.saved"
printf 'not gzip\n' >"$BENCH/s3/$BUCKET/$dayB"   # stands for any failure after the first object's delete (S3 5xx, PG error, SIGKILL)
START_EXE="$BIN/retention" start_bg "$PIDS/retention.pid" "$LOGS/retention.log" env "${envs[@]}" GM_HTTP_HOST=127.0.0.1 GM_HTTP_PORT=$RP \
    GM_INTERNAL_HTTP_PORT=$RIP GM_KAFKA_BOOTSTRAP="$KAFKA_BOOTSTRAP" GM_USER_URL="http://127.0.0.1:$UP" GM_RETENTION_ERASURE_TOPIC="$TOPIC" \
    GM_RETENTION_SCHEDULE="0 0 1 1 *" "$BIN/retention"
wait_until retention 60 "$PIDS/retention.pid" "$BIN/retention" "$LOGS/retention.log" http_ready "http://127.0.0.1:$RP/health/ready"
sleep 3
printf 'repro1:p-target\t{"type":"erasure.requested","version":1,"request_id":"%s","tenant_id":"repro1","player_id":"p-target","requested_at":"%s","requested_by":"repro"}\n' \
  "$(cat /proc/sys/kernel/random/uuid)" "$(date -u +%Y-%m-%dT%H:%M:%S.000Z)" | kcat -P -b "$KAFKA_BOOTSTRAP" -t "$TOPIC" -K $'\t' 2>/dev/null
sleep 8
echo "--- after the failing attempt: day C's object in S3? catalogue?"
ls -la "$BENCH/s3/$BUCKET/$dayC" 2>&1 || true
sql "SELECT day, part, rows FROM archive_objects ORDER BY day"
cp "$BENCH/dayB.saved" "$BENCH/s3/$BUCKET/$dayB"   # day B repaired
echo "--- day B repaired; waiting 25 s for the retries"
sleep 25
echo "--- completions on the topic:"; kcat -C -b "$KAFKA_BOOTSTRAP" -t "$TOPIC" -o beginning -e -q 2>/dev/null | grep -c erasure.completed || true
echo "--- the service's log (errors, last 6, cut):"; grep -i 'error\|retry\|fail' "$LOGS/retention.log" | tail -n 6 | cut -c1-400
echo "--- restore of day C:"; env "${envs[@]}" "$BIN/retention" restore repro1 "$(sql "SELECT day FROM archive_objects ORDER BY day LIMIT 1")" 2>&1 | tail -2 | cut -c1-300 || true
