#!/usr/bin/env bash
# The erasure lock as a store of player data sees it (bench/retention/run.sh): every 0.25 s, a
# transaction that takes ErasedSubjects' advisory lock shared — what each processor batch store and
# each retention part take — and appends "<start ms since the epoch> <wait ms>" to OUT. A wait of
# more than a psql round trip means an erasure held the lock exclusive.
#
#   PGPASSWORD=... GM_PGBIN=... bash bench/retention/probe.sh PORT LOCK_KEY OUT
set -euo pipefail
psql="${GM_PGBIN:?the folder of the psql of tools/platform/lib.sh}/psql"
port="$1" key="$2" out="$3"
while true; do
    started="$(date +%s%N)"
    "$psql" -X -h 127.0.0.1 -p "$port" -U gm -d gamemetrics -Atq -c "BEGIN; SELECT pg_advisory_xact_lock_shared($key); COMMIT" >/dev/null
    ended="$(date +%s%N)"
    echo "$((started / 1000000)) $(((ended - started) / 1000000))" >>"$out"
    sleep 0.25
done
