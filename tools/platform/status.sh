#!/usr/bin/env bash
# `make status`: one line per component of the local platform: name, pid, running?, ready?
set -euo pipefail
# shellcheck source=tools/platform/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PIDS="$GM_DIR/pids"
S3_KEY="" S3_SECRET=""
if [[ -r "$GM_DIR/secrets.env" ]]; then
    S3_KEY="$(sed -n 's/^GM_S3_ACCESS_KEY=//p' "$GM_DIR/secrets.env")"
    S3_SECRET="$(sed -n 's/^GM_S3_SECRET_KEY=//p' "$GM_DIR/secrets.env")"
fi

printf '%-15s %-8s %-8s %-6s %s\n' COMPONENT PID RUNNING READY CHECK
row() {
    local name="$1" check_desc="$2"
    shift 2
    local pid running=no ready=no
    if pid="$(pid_alive "$PIDS/$name.pid")"; then
        running=yes
    else
        pid="-"
    fi
    if "$@"; then ready=yes; fi
    printf '%-15s %-8s %-8s %-6s %s\n' "$name" "$pid" "$running" "$ready" "$check_desc"
}

row postgres "pg_isready 127.0.0.1:5432" pg_ready 5432
row redis "redis-cli -p 6379 ping" redis_ready 6379
row devkafka "GET http://127.0.0.1:9644/health/ready" http_ready http://127.0.0.1:9644/health/ready
row s3 "signed HEAD http://127.0.0.1:9000/gm-archive" \
    s3_ready http://127.0.0.1:9000 "$S3_KEY" "$S3_SECRET" gm-archive
row prometheus "GET http://127.0.0.1:9090/-/ready" http_ready http://127.0.0.1:9090/-/ready
for svc in "${GM_SERVICES[@]}"; do
    url="http://127.0.0.1:${GM_SERVICE_PORT[$svc]}/health/ready"
    row "$svc" "GET $url" http_ready "$url"
done
