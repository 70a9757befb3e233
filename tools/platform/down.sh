#!/usr/bin/env bash
# `make down`: stops exactly what `make up` and `make demo` started, by the pids in .gm/pids (the
# player simulator, the services, then Prometheus, the SMTP sink, S3, devkafka, Redis, PostgreSQL). Harmless
# when nothing runs.
set -euo pipefail
# shellcheck source=tools/platform/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PIDS="$GM_DIR/pids"
if [[ ! -d "$PIDS" ]]; then
    log "nothing to stop (no .gm/pids)"
    exit 0
fi

# The player simulator (make demo) first, while ingestion can still answer its last batches.
stop_pid player-simulator "$PIDS/player-simulator.pid"

# Services in reverse start order; each gets SIGTERM (graceful shutdown) and 15 s before SIGKILL.
for ((i = ${#GM_SERVICES[@]} - 1; i >= 0; i--)); do
    svc="${GM_SERVICES[$i]}"
    stop_pid "$svc" "$PIDS/$svc.pid"
    rm -f "$PIDS/$svc.stamp"
done
for name in prometheus smtp s3 devkafka redis; do
    stop_pid "$name" "$PIDS/$name.pid"
    rm -f "$PIDS/$name.stamp"
done

# PostgreSQL: pg_ctl stop -m fast on the data directory recorded in the pid file.
if [[ -f "$PIDS/postgres.pid" || -e "$GM_DIR/pg" ]]; then
    pgdata="$(sed -n 3p "$PIDS/postgres.pid" 2>/dev/null || true)"
    [[ -n "$pgdata" ]] || pgdata="$(readlink -f "$GM_DIR/pg")"
    pg_stop "$pgdata" "$PIDS/postgres.pid"
fi

# Verify: no pid file left, and no process runs from this checkout's .gm or .build folders.
left=()
for f in "$PIDS"/*.pid; do
    [[ -e "$f" ]] && left+=("$(basename "$f" .pid)")
done
while read -r pid; do
    [[ -n "$pid" ]] && left+=("pid $pid: $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true)")
done < <(pgrep -f -- "$GM_DIR/(pg|redis|s3|prometheus|kafka)" 2>/dev/null || true)
if ((${#left[@]} > 0)); then
    log "warning: still present after make down:"
    printf '  %s\n' "${left[@]}" >&2
    exit 1
fi
log "platform stopped"
