#!/usr/bin/env bash
# Our hand-written pieces against the packages on the mirror that could replace them, in one run
# (docs/adr/0017). Builds bench/library-comparison in release mode (its own .build, several
# minutes the first time), then prints one JSON line per comparison with both medians and their
# ratio (ours_over_theirs > 1: ours is faster).
#   bash bench/library-comparison/run.sh [rounds=5]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
ROUNDS="${1:-5}"
PORT="${GM_BENCH_HTTP_PORT:-18991}"
swift build -c release --product library-comparison >&2
BIN="$(swift build -c release --show-bin-path)/library-comparison"
for comparison in json text xml gzip jwt; do "$BIN" "$comparison" "$ROUNDS"; done
"$BIN" serve "$PORT" >&2 &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.1; done
"$BIN" http "http://127.0.0.1:$PORT/" "$ROUNDS"
