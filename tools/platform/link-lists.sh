#!/usr/bin/env bash
# What each built executable links: our own Swift modules, the HTTP server and database driver
# modules it carries, and the C client libraries it loads (ELF NEEDED entries).
#
#   tools/platform/link-lists.sh [--check] [BIN_DIR] [EXECUTABLE...]
#
# Without --check it prints one block per executable (the lists in ADR 0020). With --check it
# fails when an executable links what ADR 0020 forbids it: the simulator no HTTP server and no
# database driver, devkafka no database driver, and a service exactly the C clients it uses.
# The executables must be built (`swift build --product NAME`); BIN_DIR defaults to the debug
# build's bin path, the executables to every one found there.
set -euo pipefail

check=false
if [[ "${1:-}" == "--check" ]]; then
    check=true
    shift
fi
bin="${1:-.build/debug}"
shift || true

# Our own modules, in the order of the module graph (ADR 0020).
first_party=(GameMetricsKit GameMetricsHTTP GameMetricsService GameMetricsPostgres GameMetricsKafka
    GameMetricsRedis GameMetricsS3 GameMetricsPeers GameMetricsAuth GameMetricsRecommender Kafka Redis CurlHTTP S3)
# Third-party modules that are an HTTP server or a database driver.
servers_and_drivers=(Hummingbird HummingbirdCore NIOHTTP1 PostgresNIO)
# C client libraries (their ELF sonames without the version).
c_clients=(librdkafka libhiredis libcurl libpq)

# Forbidden modules/libraries, and for services the exact C clients (ADR 0020).
declare -A forbidden=(
    [player-simulator]="Hummingbird HummingbirdCore NIOHTTP1 PostgresNIO GameMetricsHTTP GameMetricsService GameMetricsPostgres libpq libhiredis librdkafka"
    [devkafka]="PostgresNIO GameMetricsPostgres GameMetricsRedis Redis libpq libhiredis"
)
declare -A c_clients_of=(
    [ingestion]="librdkafka libhiredis libcurl"
    [processor]="librdkafka libhiredis"
    [user]="librdkafka libcurl"
    [admin]="libhiredis libcurl"
    [retention]="librdkafka libcurl"
    [notification]="librdkafka libcurl"
    [analytics-api]="librdkafka libhiredis libcurl"
    [recommendation]="librdkafka libhiredis libcurl"
    [devkafka]="librdkafka"
    [player-simulator]="libcurl"
)

if [[ $# -eq 0 ]]; then
    mapfile -t executables < <(find "$bin/" -maxdepth 1 -name '*.product' -printf '%f\n' |
        sed 's/\.product$//' | grep -v 'PackageTests$' | sort)
else
    executables=("$@")
fi

failures=0
fail() {
    echo "link-lists: $1" >&2
    failures=$((failures + 1))
}

for exe in "${executables[@]}"; do
    list="$bin/$exe.product/Objects.LinkFileList"
    [[ -x "$bin/$exe" && -f "$list" ]] || { fail "$exe is not built in $bin"; continue; }
    # Each object lives in <Module>.build/: the set of those directories is the set of modules.
    modules=" $(sed -n 's|.*/\([^/]*\)\.build/[^/]*$|\1|p' "$list" | sort -u | tr '\n' ' ')"
    needed=" $(readelf -d "$bin/$exe" | sed -n 's/.*(NEEDED).*\[\(lib[^.]*\)\..*/\1/p' | sort -u | tr '\n' ' ')"
    ours=() heavy=() clients=()
    for m in "${first_party[@]}"; do [[ "$modules" == *" $m "* ]] && ours+=("$m"); done
    for m in "${servers_and_drivers[@]}"; do [[ "$modules" == *" $m "* ]] && heavy+=("$m"); done
    for l in "${c_clients[@]}"; do [[ "$needed" == *" $l "* ]] && clients+=("$l"); done
    if ! $check; then
        echo "$exe"
        echo "  modules:             ${ours[*]:-none}"
        echo "  server/driver:       ${heavy[*]:-none}"
        echo "  C client libraries:  ${clients[*]:-none}"
        continue
    fi
    for item in ${forbidden[$exe]:-}; do
        if [[ "$modules" == *" $item "* || "$needed" == *" $item "* ]]; then
            fail "$exe links $item, which ADR 0020 forbids it"
        fi
    done
    if [[ -n "${c_clients_of[$exe]+set}" && "${clients[*]:-}" != "${c_clients_of[$exe]}" ]]; then
        # Compare as sorted sets: the order of NEEDED entries is the linker's.
        have="$(tr ' ' '\n' <<<"${clients[*]:-}" | sort | tr '\n' ' ')"
        want="$(tr ' ' '\n' <<<"${c_clients_of[$exe]}" | sort | tr '\n' ' ')"
        [[ "$have" == "$want" ]] || fail "$exe links the C clients [${clients[*]:-}], expected [${c_clients_of[$exe]}]"
    fi
done

if $check; then
    [[ $failures -eq 0 ]] || exit 1
    echo "link-lists: ${executables[*]} link only what they use"
fi
