#!/usr/bin/env bash
# The recommendation service at the size issue 20 names (10,000 games, 1,000,000 players), on a
# stack of its own under .gm/bench-recommendation/ (PostgreSQL 16 + pgvector with the local
# platform's settings, redis-server, devkafka, rclone S3, the user service for tokens, the
# recommendation service; release builds; loopback ports that collide with neither `make up` nor
# `make test`), in phases:
#   data    the demo tenant's catalogue and ~22M day-grain play records with a planted taste
#           structure (bench/recommendation/serve-data.sql, as the owner gm, 100,000 players per
#           statement); skipped when the last player's records exist. Time and disk reported.
#   train   `recommendation train <tenant>` with the running service's environment under
#           /usr/bin/time -v (wall, max RSS); every 2 s the
#           train process's CPU and RSS and PostgreSQL's active statement are sampled, which
#           times the phases (history read, ALS, vector load, HNSW index).
#   serve   wrk -t2 -cCONNECTIONS -dSECONDS --latency, RUNS times each, after a 5 s warm-up:
#             hello     hello-world-server GET / with the same Lua script (the baseline)
#             uncached  a random player of the million per request (cache hits reported from
#                       gm_recommendation_served_total{cached})
#             cached    a random one of 1,000 players warmed just before
#           plus the server-side time per request from gm_recommendation_duration_seconds.
#   recall  HNSW (the service's query, ef_search 40/64/100/200, iterative scan relaxed order)
#           against exact search for 200 random players: recall@10 and time per search.
#
#   bash bench/recommendation/serve.sh [phase...]        (default: data train serve recall)
#
# Environment: GM_BENCH_PLAYERS (1000000), GM_BENCH_GAMES (10000), GM_BENCH_SECONDS (30),
# GM_BENCH_CONNECTIONS (32), GM_BENCH_RUNS (3).
# Everything runs as the schema owner gm (the bench has no per-service roles, like bench/lib.sh's).
# The PostgreSQL data stays in .gm/bench-recommendation/pg between runs (several GB: delete the
# folder, or `make clean`, to drop it); the processes stop when the script ends.
# Results: .gm/bench-recommendation/runs/<UTC time>/ (results.md, raw wrk output, metrics,
# samples) and .gm/bench-recommendation/results.md (the latest run).
set -euo pipefail
# shellcheck source=tools/platform/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../tools/platform/lib.sh"
cd "$GM_ROOT"

players="${GM_BENCH_PLAYERS:-1000000}" games="${GM_BENCH_GAMES:-10000}"
seconds="${GM_BENCH_SECONDS:-30}" connections="${GM_BENCH_CONNECTIONS:-32}" runs="${GM_BENCH_RUNS:-3}"
for number in "$players" "$games" "$seconds" "$connections" "$runs"; do
    [[ "$number" =~ ^[1-9][0-9]*$ ]] || die "GM_BENCH_* must be positive numbers"
done
phases=("$@")
((${#phases[@]})) || phases=(data train serve recall)
cached_players=1000 chunk=100000 recall_players=200
HELLO_PORT=18590
BENCH="$GM_DIR/bench-recommendation"
RUN="$BENCH/runs/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$RUN"

# Loopback ports of its own: none of `make up` (8080-8087, 9080-9087, 5432, 6379, 9000, 9090,
# 9644), `make test` or the other harnesses.
PG_PORT=55640 REDIS_PORT=56392 DEVKAFKA_PORT=59740 S3_PORT=59741
USER_PORT=18685 USER_INTERNAL_PORT=18785 REC_PORT=18683 REC_INTERNAL_PORT=18783
PIDS="$BENCH/pids" LOGS="$RUN/logs"
mkdir -p "$PIDS" "$LOGS"
TIMEOUT=120

# The stack: PostgreSQL 16 with pgvector (its data kept in .gm/bench-recommendation/pg between
# runs: the history takes minutes to make), redis-server, devkafka, rclone S3, the user service
# (tokens) and the recommendation service, release builds, as the schema owner gm (the bench has
# no per-service roles). Processes are stopped on exit; the data stays.
stack_down() {
    local name
    for name in recommendation user s3 devkafka redis; do stop_pid "$name" "$PIDS/$name.pid"; done
    pg_stop_at "$BENCH/pg" "$PIDS/postgres.pid"
}
# shellcheck disable=SC2317  # invoked by the EXIT trap
on_exit() {
    local status=$?
    trap - EXIT INT TERM
    [[ -z "${hello_pid:-}" ]] || kill "$hello_pid" 2>/dev/null || true
    log "==> stopping the bench stack (the data stays in $BENCH/pg)"
    stack_down || true
    exit "$status"
}

"$GM_ROOT/tools/platform/install-deps.sh"
ensure_swift
if [[ -d "$PIDS" ]]; then stack_down; fi
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [[ ! -s "$BENCH/secrets.env" ]]; then
    (
        umask 077
        {
            echo "super_pw=$(gen_secret 16)"
            echo "owner_password=$(gen_secret 16)"
            echo "s3_key=$(gen_secret 12)"
            echo "s3_secret=$(gen_secret 24)"
            echo "erasure_key=$(head -c 32 /dev/urandom | base64 -w0)"
            echo "signing_key=$(head -c 32 /dev/urandom | base64 -w0)"
        } >"$BENCH/secrets.env"
        gen_secret 32 >"$BENCH/write-key-mac.secret"
        gen_secret 32 >"$BENCH/audit-hmac.key"
    )
fi
super_pw="" owner_password="" s3_key="" s3_secret="" erasure_key="" signing_key=""
# shellcheck source=/dev/null
source "$BENCH/secrets.env"
pgdata="$(pg_datadir "$BENCH/pg")"
require_free_port "bench postgres" "$PG_PORT"
pg_init "$pgdata" "$PG_PORT" "$super_pw" "$LOGS/postgres-init.log"
pg_start "$pgdata" "$LOGS/postgres.log" "$PIDS/postgres.pid"
wait_until postgres "$TIMEOUT" "$PIDS/postgres.pid" "$GM_PGBIN/postgres" "$LOGS/postgres.log" pg_ready "$PG_PORT"
pg_ensure_db "$PG_PORT" "$super_pw" gm "$owner_password" gamemetrics
pg_enable_vector "$PG_PORT" "$super_pw" gamemetrics
PG_URL="postgres://gm:$owner_password@127.0.0.1:$PG_PORT/gamemetrics"
owner_psql() { PGPASSWORD="$owner_password" "$GM_PGBIN/psql" -X -q -h 127.0.0.1 -p "$PG_PORT" -U gm -d gamemetrics "$@"; }
note() { printf '%s\n' "$*" | tee -a "$RUN/notes.txt" >&2; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
tenant=demo-casino # the first tenant of `user seed-demo`

# The play history is generated into a staging table before anything else: it needs no service.
stage_history() {
    local last started first stream streams=()
    last="$(printf 'player-%07d' "$players")"
    if [[ "$(owner_psql -tAc "SELECT to_regclass('player_activity') IS NOT NULL AND EXISTS (SELECT 1 FROM player_activity WHERE tenant_id = '$tenant' AND player_id = '$last')")" == t ]]; then
        return 0
    fi
    if [[ "$(owner_psql -tAc "SELECT to_regclass('bench_play_history') IS NOT NULL")" == t ]] &&
        [[ "$(owner_psql -tAc "SELECT EXISTS (SELECT 1 FROM bench_play_history WHERE player_id = '$last')")" == t ]]; then
        note "data: the staged history is complete already"
        return 0
    fi
    owner_psql -c "DROP TABLE IF EXISTS bench_play_history" >/dev/null
    note "data: generating $players players' history over $games games ($chunk players per statement, two sessions); load $(loadavg)"
    started=$SECONDS
    # Two sessions, alternate chunks: one statement is one backend on one core.
    owner_psql -v tenant="$tenant" -v games="$games" -v first=1 -v last=0 -f bench/recommendation/serve-data.sql >>"$RUN/data.log" 2>&1
    for stream in 0 1; do
        (
            for ((first = 1 + stream * chunk; first <= players; first += 2 * chunk)); do
                owner_psql -v tenant="$tenant" -v games="$games" -v first="$first" \
                    -v last="$((first + chunk - 1 > players ? players : first + chunk - 1))" \
                    -f bench/recommendation/serve-data.sql >>"$RUN/data-$stream.log" 2>&1 || exit 1
                note "  players $first..$((first + chunk - 1)) staged: $((SECONDS - started)) s"
            done
        ) &
        streams+=($!)
    done
    for stream in "${streams[@]}"; do wait "$stream" || die "serve-data.sql failed ($RUN/data-*.log)"; done
    note "data: staged in $((SECONDS - started)) s; load $(loadavg)"
}
if [[ " ${phases[*]} " == *" data "* ]]; then stage_history; fi

BIN="${GM_BIN_DIR:-$(swift build -c release --show-bin-path)}"
if [[ -z "${GM_BIN_DIR:-}" ]]; then
    for product in recommendation user processor devkafka hello-world-server; do
        log "==> swift build -c release --product $product"
        swift build -c release --product "$product" >>"$LOGS/build.log" 2>&1 || { log_tail "$LOGS/build.log" 30; die "release build of $product failed"; }
    done
fi
for svc in user processor recommendation; do
    GM_PG_MIGRATION_URL="$PG_URL" GM_LOG_LEVEL=warning "$BIN/$svc" migrate >>"$LOGS/migrate.log" 2>&1 ||
        { log_tail "$LOGS/migrate.log"; die "$svc migrate failed"; }
done
start_redis "$REDIS_PORT" "$BENCH/redis" "$PIDS/redis.pid" "$LOGS/redis.log" "$TIMEOUT"
mkdir -p "$BENCH/s3/gm-audit-anchors"
start_s3 "$S3_PORT" "$BENCH/s3" "$s3_key" "$s3_secret" gm-models "$PIDS/s3.pid" "$LOGS/s3.log" "$TIMEOUT"
rm -rf "$BENCH/kafka"
GM_LOG_LEVEL=warning start_devkafka "$BIN/devkafka" "$DEVKAFKA_PORT" "$BENCH/kafka/bootstrap" "$PIDS/devkafka.pid" "$LOGS/devkafka.log" "$TIMEOUT"
KAFKA_BOOTSTRAP="$(tr -d '[:space:]' <"$BENCH/kafka/bootstrap")"
if [[ ! -s "$BENCH/seed.env" ]] || [[ "$("$GM_PGBIN/psql" -X "$PG_URL" -tAc "SELECT count(*) FROM tenants WHERE id = 'demo-casino'")" == 0 ]]; then
    GM_PG_URL="$PG_URL" GM_LOG_LEVEL=warning GM_WRITE_KEY_MAC_SECRET_FILE="$BENCH/write-key-mac.secret" "$BIN/user" seed-demo \
        >"$BENCH/seed.env.new" 2>>"$LOGS/seed.log" || { log_tail "$LOGS/seed.log"; die "user seed-demo failed"; }
    (umask 077 && mv "$BENCH/seed.env.new" "$BENCH/seed.env")
fi
set -a
# shellcheck source=/dev/null
source "$BENCH/seed.env"
set +a
USER_URL="http://127.0.0.1:$USER_PORT"
shared_env=(GM_HTTP_HOST=127.0.0.1 GM_LOG_LEVEL=warning GM_PG_URL="$PG_URL" GM_KAFKA_BOOTSTRAP="$KAFKA_BOOTSTRAP"
    GM_REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0" GM_S3_ENDPOINT="http://127.0.0.1:$S3_PORT" GM_S3_ACCESS_KEY="$s3_key"
    GM_S3_SECRET_KEY="$s3_secret" GM_S3_REGION=us-east-1 GM_ERASURE_SUBJECT_KEY="$erasure_key" GM_USER_URL="$USER_URL")
require_free_port user "$USER_PORT"
START_EXE="$BIN/user" start_bg "$PIDS/user.pid" "$LOGS/user.log" env "${shared_env[@]}" GM_HTTP_PORT="$USER_PORT" \
    GM_INTERNAL_HTTP_PORT="$USER_INTERNAL_PORT" GM_WRITE_KEY_MAC_SECRET_FILE="$BENCH/write-key-mac.secret" \
    GM_AUDIT_HMAC_KEY_FILE="$BENCH/audit-hmac.key" GM_SIGNING_KEY_ENCRYPTION_KEY="$signing_key" \
    GM_AUDIT_ANCHOR_S3_ENDPOINT="http://127.0.0.1:$S3_PORT" GM_AUDIT_ANCHOR_S3_ACCESS_KEY="$s3_key" \
    GM_AUDIT_ANCHOR_S3_SECRET_KEY="$s3_secret" GM_AUDIT_ANCHOR_S3_BUCKET=gm-audit-anchors "$BIN/user"
wait_until user "$TIMEOUT" "$PIDS/user.pid" "$BIN/user" "$LOGS/user.log" http_ready "$USER_URL/health/ready"
rec_env=("${shared_env[@]}" GM_S3_BUCKET=gm-models GM_HTTP_PORT="$REC_PORT" GM_INTERNAL_HTTP_PORT="$REC_INTERNAL_PORT")
require_free_port recommendation "$REC_PORT"
START_EXE="$BIN/recommendation" start_bg "$PIDS/recommendation.pid" "$LOGS/recommendation.log" env "${rec_env[@]}" "$BIN/recommendation"
API="http://127.0.0.1:$REC_PORT"
METRICS="http://127.0.0.1:$REC_INTERNAL_PORT/metrics"
wait_until recommendation "$TIMEOUT" "$PIDS/recommendation.pid" "$BIN/recommendation" "$LOGS/recommendation.log" http_ready "$API/health/ready"
[[ "$GM_TENANT" == "$tenant" ]] || die "user seed-demo's first tenant is $GM_TENANT, not $tenant"
note "run $(basename "$RUN"), commit $(git rev-parse --short HEAD), tenant $tenant, $players players, $games games," \
    "$(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)"

phase_data() {
    local last started size
    last="$(printf 'player-%07d' "$players")"
    if [[ "$(owner_psql -tAc "SELECT EXISTS (SELECT 1 FROM player_activity WHERE tenant_id = '$tenant' AND player_id = '$last')")" == t ]]; then
        note "data: $last has play records already; not generated again"
    else
        note "data: moving the staged rows into player_activity, the catalogue into rec_games; load $(loadavg)"
        started=$SECONDS
        owner_psql -v tenant="$tenant" -v games="$games" -f bench/recommendation/serve-load.sql >>"$RUN/data.log" 2>&1 ||
            die "serve-load.sql failed ($RUN/data.log)"
        note "data: loaded in $((SECONDS - started)) s (with VACUUM ANALYZE); load $(loadavg)"
    fi
    size="$(owner_psql -tAc "SELECT count(*) || ' rows, ' || count(DISTINCT player_id) || ' players, ' || count(DISTINCT game_id) || ' games; player_activity ' ||
        pg_size_pretty(pg_total_relation_size('player_activity')) || ' with its indexes; database ' || pg_size_pretty(pg_database_size(current_database()))
        FROM player_activity WHERE tenant_id = '$tenant' AND grain = 'day' AND game_id <> ''")"
    note "data: $size"
}

phase_train() {
    local train_pid status
    note "train: recommendation train $tenant; load $(loadavg)"
    /usr/bin/time -v -o "$RUN/train.time" env "${rec_env[@]}" "$BIN/recommendation" train "$tenant" >"$RUN/train.json" 2>"$RUN/train.log" &
    local job=$!
    sleep 1
    train_pid="$(pgrep -P "$job" -f "recommendation train" | head -n1 || true)"
    : >"$RUN/train.samples"
    while kill -0 "$job" 2>/dev/null; do
        {
            printf '%s\t' "$(date -u +%H:%M:%S)"
            awk '{ printf "cpu_s=%.1f\t", ($14 + $15) / 100 }' "/proc/$train_pid/stat" 2>/dev/null || printf 'cpu_s=-\t'
            awk '/^VmRSS:/ { printf "rss_mib=%d\t", $2 / 1024 }' "/proc/$train_pid/status" 2>/dev/null || printf 'rss_mib=-\t'
            printf 'load=%s\t' "$(loadavg)"
            owner_psql -tAc "SELECT coalesce(string_agg(left(regexp_replace(query, '\s+', ' ', 'g'), 90), ' | '), 'no statement') FROM pg_stat_activity
                WHERE application_name <> 'psql' AND backend_type = 'client backend' AND state = 'active' AND pid <> pg_backend_pid()" 2>/dev/null || echo '?'
        } >>"$RUN/train.samples"
        sleep 2
    done
    status=0
    wait "$job" || status=$?
    note "train: exit $status; $(grep -E 'Elapsed \(wall|Maximum resident' "$RUN/train.time" | sed 's/^[[:space:]]*//' | paste -sd ';')"
    note "train: $(cat "$RUN/train.json")"
    owner_psql -tAc "SELECT 'model ' || model_id || ' ' || version || ': ' || players || ' players, ' || games || ' games, ' || interactions || ' interactions; created '
        || to_char(created_at, 'HH24:MI:SS') || ', ready ' || to_char(ready_at, 'HH24:MI:SS') || '; metrics ' || metrics::text
        FROM rec_models WHERE tenant_id = '$tenant' ORDER BY model_id DESC LIMIT 1" | tee -a "$RUN/notes.txt" >&2
    ((status == 0)) || die "training failed ($RUN/train.log)"
}

token() {
    curl -sf -u "$GM_CLIENT_ID:$GM_CLIENT_SECRET" -d grant_type=client_credentials "$USER_URL/oauth/token" | jq -r .access_token
}

# wrk_run NAME URL PLAYERS [FIXED_PATH]: one measured wrk run after a 5 s warm-up; metrics before and after.
wrk_run() {
    local name="$1" url="$2" count="$3" fixed="${4:-}" token_value
    token_value="$(token)" || die "no token from $USER_URL/oauth/token"
    TOKEN="$token_value" PLAYERS="$count" FIXED_PATH="$fixed" wrk -t2 -c"$connections" -d5s -s bench/recommendation/players.lua "$url" >/dev/null
    [[ -n "$fixed" ]] || curl -sf "$METRICS" >"$RUN/$name.metrics-before"
    printf '%s\n' "$(loadavg)" >"$RUN/$name.load"
    TOKEN="$token_value" PLAYERS="$count" FIXED_PATH="$fixed" wrk -t2 -c"$connections" -d"${seconds}s" --latency \
        -s bench/recommendation/players.lua "$url" >"$RUN/$name.txt"
    [[ -n "$fixed" ]] || curl -sf "$METRICS" >"$RUN/$name.metrics-after"
    note "serve: $name (load $(cat "$RUN/$name.load")): $(tail -n1 "$RUN/$name.txt")"
}

phase_serve() {
    local run token_value
    "$BIN/hello-world-server" "$HELLO_PORT" >"$RUN/hello.log" 2>&1 &
    hello_pid=$!
    wait_until hello-world-server 30 "" "" "$RUN/hello.log" http_ready "http://127.0.0.1:$HELLO_PORT/"
    token_value="$(token)"
    curl -sf -H "Authorization: Bearer $token_value" "$API/v1/players/player-0000001/recommendations?limit=10" >"$RUN/sample-answer.json" ||
        die "GET $API/v1/players/player-0000001/recommendations failed"
    note "serve: sample answer for player-0000001: $(head -c 600 "$RUN/sample-answer.json")"
    for ((run = 1; run <= runs; run++)); do
        wrk_run "hello-$run" "http://127.0.0.1:$HELLO_PORT" "$players" /
        wrk_run "uncached-$run" "$API" "$players"
        # Lists stay cached for GM_RECOMMENDATION_CACHE_TTL_SECONDS (300): warm them right before.
        token_value="$(token)"
        seq 1 "$cached_players" | xargs -P 4 -I{} sh -c \
            "curl -sf -o /dev/null -H 'Authorization: Bearer $token_value' \"$API/v1/players/\$(printf 'player-%07d' {})/recommendations?limit=10\"" ||
            die "warming the cache failed"
        wrk_run "cached-$run" "$API" "$cached_players"
    done
    kill "$hello_pid" 2>/dev/null || true
}

phase_recall() {
    local model ef
    model="$(owner_psql -tAc "SELECT primary_model_id FROM rec_rollouts WHERE tenant_id = '$tenant'")"
    [[ -n "$model" ]] || die "recall: $tenant has no model in its rollout"
    note "recall: model $model, $recall_players players, load $(loadavg)"
    for ef in 40 64 100 200; do
        owner_psql -v tenant="$tenant" -v model="$model" -v players="$recall_players" -v ef="$ef" \
            -f bench/recommendation/recall.sql >"$RUN/recall-ef$ef.txt" 2>&1 || die "recall.sql failed ($RUN/recall-ef$ef.txt)"
        note "recall: ef_search $ef: $(grep -E '^(recall|time)' "$RUN/recall-ef$ef.txt" | paste -sd ';')"
    done
    owner_psql -v tenant="$tenant" -v model="$model" -f bench/recommendation/explain.sql >"$RUN/explain.txt" 2>&1 ||
        die "explain.sql failed ($RUN/explain.txt)"
}

for phase in "${phases[@]}"; do
    case "$phase" in
    data | train | serve | recall) "phase_$phase" ;;
    *) die "unknown phase $phase (data train serve recall)" ;;
    esac
done
"$GM_VENV/bin/python" bench/recommendation/serve_report.py "$RUN" >"$RUN/results.md" || die "serve_report.py failed"
cp "$RUN/results.md" "$BENCH/results.md"
cat "$RUN/results.md"
note "results: $RUN/results.md; load $(loadavg)"
