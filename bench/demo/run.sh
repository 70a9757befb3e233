#!/usr/bin/env bash
# The demo as a new user meets it (issue 12): how long until it is ready, and what it weighs.
#
#   bash bench/demo/run.sh up              `make demo` timed until it returns (every service
#                                          ready, the simulator started), whatever is built already
#   bash bench/demo/run.sh change [FILE]   a one-line change (one string literal in FILE, default
#                                          ingestion's EventController.swift), then `make up`
#                                          timed until every service is ready again; the line is
#                                          restored afterwards (the next `make up` rebuilds it)
#   bash bench/demo/run.sh memory [SECONDS=30]
#                                          with `make demo` running: the resident memory (VmRSS)
#                                          of every process it started — the services,
#                                          PostgreSQL with its server processes, Redis, devkafka,
#                                          rclone, Prometheus, the simulator — summed, sampled
#                                          each second; median and maximum of the sum, and each
#                                          component's median
#
# Switching between builds (GM_BIN_DIR, GM_BUILD_CONFIG) needs `make down` first: `make up`
# recognises its processes by their executable. Each prints one Markdown table row and the load average: the machine is shared, and a build's
# wall time depends on what else runs. Environment: that of `make up`/`make demo`
# (GM_BUILD_CONFIG, GM_DEMO_RATE, ...).
set -euo pipefail
# shellcheck source=tools/platform/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../tools/platform/lib.sh"
cd "$GM_ROOT"

mode="${1:-}"
load() { cut -d' ' -f1-3 /proc/loadavg; }
busy() { pgrep -fc 'swift-build|swift-frontend|swift-test|swift-driver|\.xctest' 2>/dev/null || true; }

# timed CMD...: runs CMD, prints its wall time in seconds.
timed() {
    local start=$SECONDS
    "$@" >&2 || die "$* failed"
    echo $((SECONDS - start))
}

case "$mode" in
up)
    load0="$(load)" busy0="$(busy)"
    seconds="$(timed make demo)" || exit 1
    echo "| \`make demo\` ($(gm_build_config)) | ${seconds} s | load average at the start $load0, other build/test processes $busy0 |"
    ;;
change)
    file="${2:-services/ingestion/Sources/Ingestion/Controllers/EventController.swift}"
    # One string literal, changed and put back: a change a developer makes, not a no-op.
    marker='retry the same request (event ids make retries safe).'
    grep -qF "$marker" "$file" || die "$file has no line with: $marker"
    cp "$file" "$file.bench-demo-orig"
    trap 'mv "$file.bench-demo-orig" "$file"' EXIT
    sed -i "s/$marker/retry the same request: event ids make retries safe./" "$file"
    load0="$(load)" busy0="$(busy)"
    seconds="$(timed make up)" || exit 1
    echo "| one-line change in \`$file\`, then \`make up\` ($(gm_build_config)) | ${seconds} s | load average at the start $load0, other build/test processes $busy0 |"
    ;;
memory)
    seconds="${2:-30}"
    PIDS="$GM_DIR/pids"
    [[ -d "$PIDS" ]] || die "no .gm/pids: start the demo first (make demo)"
    declare -A samples=()
    sums=() pss_sums=()
    for ((i = 0; i < seconds; i++)); do
        total=0 pss_total=0
        for pidfile in "$PIDS"/*.pid; do
            name="$(basename "$pidfile" .pid)"
            pid="$(sed -n 1p "$pidfile")"
            if ! [[ "$pid" =~ ^[0-9]+$ ]] || ! kill -0 "$pid" 2>/dev/null; then continue; fi
            pids=("$pid")
            # PostgreSQL's server processes (one per connection, plus its workers) are children.
            if [[ "$name" == postgres ]]; then mapfile -t -O 1 pids < <(pgrep -P "$pid"); fi
            kib=0
            for p in "${pids[@]}"; do
                kib=$((kib + $(awk '/^VmRSS:/ { print $2 }' "/proc/$p/status" 2>/dev/null || echo 0)))
                pss_total=$((pss_total + $(awk '/^Pss:/ { print $2 }' "/proc/$p/smaps_rollup" 2>/dev/null || echo 0)))
            done
            samples[$name]+="$kib "
            total=$((total + kib))
        done
        sums+=("$total") pss_sums+=("$pss_total")
        sleep 1
    done
    median() { tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
    echo "| component | median VmRSS MiB |"
    echo "|---|---|"
    for name in $(printf '%s\n' "${!samples[@]}" | sort); do
        echo "| $name | $(awk -v k="$(median <<<"${samples[$name]}")" 'BEGIN { printf "%.1f", k / 1024 }') |"
    done
    med="$(median <<<"${sums[*]}")"
    max="$(printf '%s\n' "${sums[@]}" | sort -n | tail -n1)"
    echo "| **sum** | **$(awk -v k="$med" 'BEGIN { printf "%.1f", k / 1024 }')** (max $(awk -v k="$max" 'BEGIN { printf "%.1f", k / 1024 }')) over ${seconds} samples |"
    echo "| sum of PSS (shared pages divided among the processes sharing them) | $(awk -v k="$(median <<<"${pss_sums[*]}")" 'BEGIN { printf "%.1f", k / 1024 }') |"
    echo "load average $(load); in the RSS sum, pages shared between processes (PostgreSQL's shared buffers, libraries) count once per process"
    ;;
*)
    die "usage: bench/demo/run.sh up | change [FILE] | memory [SECONDS]"
    ;;
esac
