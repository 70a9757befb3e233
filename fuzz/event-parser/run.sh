#!/usr/bin/env bash
# Fuzzes the event validator differentially against Foundation's JSONSerialization and
# PostgreSQL's jsonb (see README.md). Builds the libFuzzer target with swiftc (only the event
# parser's sources, not the whole package), starts a throwaway PostgreSQL 16 on a Unix socket
# (no TCP port), runs libFuzzer at nice 19 and stops the server on exit.
#
#   fuzz/event-parser/run.sh [SECONDS=600] [libFuzzer flags...]   fuzz for SECONDS
#   fuzz/event-parser/run.sh --merge                               minimize corpus/ + found/ into corpus/
#   fuzz/event-parser/run.sh --build                               build only
#
# Work files live in .gm/fuzz/event-parser/: build/, found/ (new inputs), crashes/, fuzz.log.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/fuzz/event-parser"
WORK="$ROOT/.gm/fuzz/event-parser"
BUILD="$WORK/build"
# The platform's PostgreSQL (tools/platform/lib.sh: GM_PGBIN, installed by install-deps.sh).
# shellcheck source=tools/platform/lib.sh
source "$ROOT/tools/platform/lib.sh"
PGBIN="$GM_PGBIN"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}"
mkdir -p "$BUILD" "$WORK/found" "$WORK/crashes"

build() {
    local events=("$ROOT"/shared/Sources/GameMetricsKit/Events/*.swift)
    local oracle=("$HERE"/Sources/EventParserOracle/*.swift)
    # The validator's sources as a module of the same name, instrumented for coverage and ASan.
    swiftc -sanitize=fuzzer,address -O -wmo -parse-as-library -module-name GameMetricsKit \
        -emit-module -emit-module-path "$BUILD/GameMetricsKit.swiftmodule" \
        -emit-library -static "${events[@]}" -o "$BUILD/libGameMetricsKit.a"
    swiftc -O -wmo -parse-as-library -module-name EventParserOracle -I "$BUILD" \
        -emit-module -emit-module-path "$BUILD/EventParserOracle.swiftmodule" \
        -emit-library -static "${oracle[@]}" -o "$BUILD/libEventParserOracle.a"
    # shellcheck disable=SC2046  # pkg-config prints several flags
    swiftc -sanitize=fuzzer,address -O -parse-as-library -I "$BUILD" -L "$BUILD" \
        -lEventParserOracle -lGameMetricsKit -I "$HERE/Sources/CLibPQ" \
        $(pkg-config --cflags-only-I libpq | sed 's/-I/-Xcc -I/g') $(pkg-config --libs libpq) \
        "$HERE/Sources/EventParserFuzz/main.swift" -o "$BUILD/event-parser-fuzz" \
        2> >(grep -v "Cannot export local symbol" >&2)
    swiftc -O -I "$BUILD" -L "$BUILD" -lEventParserOracle -lGameMetricsKit -sanitize=address \
        "$HERE/Sources/EventParserSeeds/main.swift" -o "$BUILD/event-parser-seeds" \
        2> >(grep -v "Cannot export local symbol" >&2)
}

# A throwaway server: data under /var/tmp (user postgres must reach it), socket only.
PGROOT=""
start_postgres() {
    PGROOT="$(mktemp -d /var/tmp/gm-fuzz-pg.XXXXXX)"
    local as_pg=()
    if ((EUID == 0)); then
        chown postgres "$PGROOT"
        as_pg=(runuser -u postgres --)
    fi
    "${as_pg[@]}" "$PGBIN/initdb" -D "$PGROOT/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$PGROOT/initdb.log"
    # nice 19 like the fuzzer: the server's backend does half of each input's work.
    nice -n 19 "${as_pg[@]}" "$PGBIN/pg_ctl" -D "$PGROOT/data" -l "$PGROOT/postgres.log" -w \
        -o "-c listen_addresses='' -k $PGROOT -c fsync=off" start >/dev/null
    export GM_FUZZ_PG="host=$PGROOT dbname=postgres user=postgres"
}

stop_postgres() {
    [[ -n "$PGROOT" ]] || return 0
    local as_pg=()
    ((EUID == 0)) && as_pg=(runuser -u postgres --)
    "${as_pg[@]}" "$PGBIN/pg_ctl" -D "$PGROOT/data" -m fast -w stop >/dev/null || true
    rm -rf "$PGROOT"
}
trap stop_postgres EXIT

case "${1:-}" in
--build)
    build
    ;;
--merge)
    build
    start_postgres
    rm -rf "$WORK/merged" "$WORK/snapshot" && mkdir -p "$WORK/merged"
    # A snapshot: a fuzzer still running replaces files in found/ as it reduces them.
    mkdir -p "$WORK/snapshot"
    cp "$WORK/found"/* "$WORK/snapshot/" 2>/dev/null || true  # files it removes meanwhile do not matter
    # Keeps a small set of inputs that covers every edge the corpus and the findings cover
    # (edges only, without hit counters: a few hundred files instead of thousands).
    "$BUILD/event-parser-fuzz" -set_cover_merge=1 -use_counters=0 -max_len=4096 \
        "$WORK/merged" "$HERE/corpus" "$WORK/snapshot"
    find "$HERE/corpus" -type f -delete
    for f in "$WORK/merged"/*; do cp "$f" "$HERE/corpus/$(basename "$f")"; done
    echo "corpus: $(find "$HERE/corpus" -type f | wc -l) files"
    ;;
*)
    seconds="${1:-600}"
    shift || true
    build
    start_postgres
    if [[ -z "$(ls -A "$HERE/corpus")" && -z "$(ls -A "$WORK/found")" ]]; then
        "$BUILD/event-parser-seeds" "$WORK/found" 400 1
    fi
    echo "==> $(date -u +%FT%TZ) nice -n 19 event-parser-fuzz -max_total_time=$seconds -max_len=4096 $* found/ corpus/ seeds/"
    nice -n 19 "$BUILD/event-parser-fuzz" -max_total_time="$seconds" -max_len=4096 -timeout=10 \
        -rss_limit_mb=3072 -print_final_stats=1 -artifact_prefix="$WORK/crashes/" "$@" \
        "$WORK/found" "$HERE/corpus" "$HERE/seeds" 2>&1 | tee -a "$WORK/fuzz.log"
    ;;
esac
