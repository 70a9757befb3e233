#!/usr/bin/env bash
# Token issuance (client credentials over HTTP), an authenticated read, and in-process ES256
# sign/verify rates, for the user service built in release mode, on a PostgreSQL of its own.
#   bench/user-tokens/run.sh [seconds=30] [connections=32]
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-30} connections=${2:-32}
out=bench/results/user-tokens-$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$out"
scratch=.build-release
swift build -c release --scratch-path "$scratch" --product user >/dev/null
swift build -c release --scratch-path "$scratch" --product token-bench >/dev/null
bin="$(swift build -c release --scratch-path "$scratch" --show-bin-path)"

# shellcheck source=tools/platform/lib.sh
source tools/platform/lib.sh
pg_bin="$GM_PGBIN" pg_port=55600 http_port=18085
pg_dir=$(mktemp -d /var/tmp/gm-bench-pg.XXXXXX)
chown postgres "$pg_dir"
as_pg() { if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
  [[ -n "${user_pid:-}" ]] && kill "$user_pid" 2>/dev/null && wait "$user_pid" 2>/dev/null
  as_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$pg_dir"
}
trap cleanup EXIT
as_pg "$pg_bin/initdb" -D "$pg_dir/data" -A trust -U postgres >/dev/null
as_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -o "-p $pg_port -k $pg_dir -c listen_addresses=127.0.0.1" -l "$pg_dir/log" -w start >/dev/null
"$pg_bin/psql" -h 127.0.0.1 -p $pg_port -U postgres -qc "CREATE ROLE gm LOGIN PASSWORD 'bench'" -c "CREATE DATABASE gamemetrics OWNER gm"
export GM_PG_URL="postgres://gm:bench@127.0.0.1:$pg_port/gamemetrics"
# Write keys are issued with a MAC; this run's throwaway secret (no key is used here).
GM_WRITE_KEY_MAC_SECRET="$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')"
export GM_WRITE_KEY_MAC_SECRET

eval "$("$bin/user" seed-demo | grep -E '^GM_(CLIENT_ID|CLIENT_SECRET)=')"
GM_HTTP_PORT=$http_port GM_INTERNAL_HTTP_PORT=$((http_port + 100)) GM_LOG_LEVEL=warning GM_KAFKA_BOOTSTRAP=127.0.0.1:1 "$bin/user" >"$out/user.log" 2>&1 &
user_pid=$!
# Its API answers once its start-up steps have finished (readiness check `startup`; Kafka stays
# unreachable here, so readiness as a whole does not turn 200).
for _ in $(seq 100); do curl -s "localhost:$http_port/health/ready" | grep -q '"startup":"ok"' && break; sleep 0.2; done
export CLIENT_BASIC="Basic $(printf '%s:%s' "$GM_CLIENT_ID" "$GM_CLIENT_SECRET" | base64 -w0)"
ACCESS_TOKEN=$(curl -sf -u "$GM_CLIENT_ID:$GM_CLIENT_SECRET" -d grant_type=client_credentials "localhost:$http_port/oauth/token" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
export ACCESS_TOKEN

echo "== token issuance: POST /oauth/token, $connections connections, ${seconds}s"
wrk -t1 -c"$connections" -d"${seconds}s" -s bench/user-tokens/token.lua "http://127.0.0.1:$http_port/oauth/token" | tail -1 | tee "$out/issuance.json"
echo "== authenticated read: GET /v1/players?limit=1, $connections connections, ${seconds}s"
wrk -t1 -c"$connections" -d"${seconds}s" -s bench/user-tokens/authenticated.lua "http://127.0.0.1:$http_port/v1/players?limit=1" | tail -1 | tee "$out/authenticated.json"
echo "== in process, one core: ES256 sign / verify"
"$bin/token-bench" 5 20000 | tee "$out/inprocess.jsonl"
echo "user service RSS after the run: $(ps -o rss= -p "$user_pid") KiB"
