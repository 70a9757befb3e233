#!/usr/bin/env bash
# The admin console's browser tests (console_scenarios.py, headless Chromium) against the local
# platform with the player simulator running. When the platform is not up, starts it as
# `make demo` does from the executables in GM_BIN_DIR (make test passes its own build) and stops it
# afterwards; a platform already running is used as it is and left running (it needs traffic:
# `make demo`). Screenshots go to GM_BROWSER_SCREENSHOTS (default .gm/browser/screenshots).
#
#   GM_BIN_DIR=<build> bash tools/browser/console-tests.sh
set -euo pipefail
# shellcheck source=tools/platform/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../platform/lib.sh"
cd "$GM_ROOT"

ADMIN="http://127.0.0.1:${GM_SERVICE_PORT[admin]}"
LOG="$GM_DIR/logs/console-tests-demo.log"
mkdir -p "$GM_DIR/logs"
started=false
if curl -sf -o /dev/null --max-time 2 "$ADMIN/health/live"; then
    log "==> console browser tests against the running platform ($ADMIN)"
else
    started=true
    trap '"$GM_ROOT/tools/platform/down.sh" >/dev/null 2>&1 || true' EXIT
    log "==> console browser tests: starting the local platform with the simulator (log: $LOG)"
    GM_DEMO_RATE="${GM_DEMO_RATE:-200}" "$GM_ROOT/tools/platform/demo.sh" >"$LOG" 2>&1 || {
        log_tail "$LOG" 30
        die "the local platform did not start for the browser tests"
    }
fi
"$GM_VENV/bin/python" -m unittest -v tools/browser/console_scenarios.py
if [[ "$started" == true ]]; then
    log "==> stopping the local platform the browser tests started"
fi
