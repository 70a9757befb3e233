#!/usr/bin/env bash
# The smoke test judged against the local platform, both ways: it must pass against `make up`
# and fail once the ingestion service is stopped. Starts the platform if needed (GM_BUILD_CONFIG
# as for `make up`) and leaves it as it found it: stopped again if this script started it,
# otherwise with ingestion restarted by `make up`. Exit 0 when both verdicts were right.
set -euo pipefail
# shellcheck source=tools/platform/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../platform/lib.sh"
cd "$GM_ROOT"

SMOKE=("$GM_CHARTS_VENV/bin/python" tools/release/smoke.py --env-file "$GM_DIR/demo.env" --release-env dev)
OUT="$GM_DIR/smoke"
mkdir -p "$OUT"
started=""
pid_alive "$GM_DIR/pids/ingestion.pid" >/dev/null || started=yes
# shellcheck disable=SC2317  # invoked by the EXIT trap
restore() {
    if [[ -n "$started" ]]; then "$GM_ROOT/tools/platform/down.sh" >/dev/null; else "$GM_ROOT/tools/platform/up.sh" >/dev/null; fi
}
trap restore EXIT
"$GM_ROOT/tools/platform/up.sh" >/dev/null

log "==> smoke test against the running platform: must pass"
"${SMOKE[@]}" --out "$OUT/running.json" || die "the smoke test failed against a healthy platform ($OUT/running.json)"

log "==> smoke test with ingestion stopped: must fail"
stop_pid ingestion "$GM_DIR/pids/ingestion.pid"
if "${SMOKE[@]}" --deadline 15 --out "$OUT/ingestion-stopped.json"; then
    die "the smoke test passed with the ingestion service stopped ($OUT/ingestion-stopped.json)"
fi
log "smoke-local: passed against the platform, failed without ingestion, as it should"
