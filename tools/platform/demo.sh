#!/usr/bin/env bash
# `make demo`: `make up`, then the player simulator in the background at a steady rate, then how
# to log in and how to stop it.
# Environment: GM_DEMO_RATE (simulated events per second over both demo tenants, 10...200000,
# default 200); any GM_SIM_* variable of the simulator (tools/simulator/README.md); and those of
# up.sh (GM_BUILD_CONFIG, GM_BIN_DIR, ...). Running it again restarts the simulator (new seed,
# unless GM_SIM_SEED fixes it). The simulator's game catalogue (same seed) is loaded into the
# recommendation service first, so that a model trained on the demo's play describes real games.
set -euo pipefail
# shellcheck source=tools/platform/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

"$GM_ROOT/tools/platform/up.sh"

set -a
# shellcheck source=/dev/null
source "$GM_DIR/demo.env"
set +a

PIDS="$GM_DIR/pids"
LOGS="$GM_DIR/logs"
RATE="${GM_DEMO_RATE:-200}"
SIM_PID="$PIDS/player-simulator.pid"
SIM_LOG="$LOGS/player-simulator.log"

# The simulator comes from the same build as the services: up.sh builds every product, or
# takes them all from GM_BIN_DIR.
if [[ -n "${GM_BIN_DIR:-}" ]]; then
    BIN="$(cd "$GM_BIN_DIR" && pwd)"
else
    ensure_swift
    BIN="$(cd "$GM_ROOT" && swift build -c "$(gm_build_config)" --show-bin-path)"
fi
SIM="$BIN/player-simulator"

# A previous `make demo`'s simulator makes way for one with the current rate.
stop_pid player-simulator "$SIM_PID"
if [[ -z "${GM_WRITE_KEY:-}" ]]; then
    traffic="none: .gm/demo.env has no GM_WRITE_KEY (no demo tenant was seeded), so no simulator"
elif [[ ! -x "$SIM" ]]; then
    traffic="none: no simulator executable at $SIM"
else
    # One seed for the run and its catalogue: the catalogue depends on it (and on GM_SIM_GAMES_PER_TENANT
    # and GM_SIM_TASTE_CLUSTERS, which both read from the environment).
    SEED="${GM_SIM_SEED:-$(od -An -N6 -tu8 /dev/urandom | tr -d ' ')}"
    log "==> recommendation catalogue: the simulator's games (seed $SEED)"
    # --print-catalogue labels the tenants as the run does (GM_TENANT, GM_TENANT_B, in the order of
    # their write keys), so each tenant gets its own games, sent with its own operator client.
    if catalogue="$("$SIM" --print-catalogue --seed "$SEED" | "$GM_VENV/bin/python" "$GM_ROOT/tools/platform/load_demo_catalogue.py")"; then
        catalogue="${catalogue//$'\n'/; }"
    else
        catalogue="not loaded (see the lines above); recommendations fall back to popular games"
    fi
    log "==> player simulator: $RATE events/s (log: .gm/logs/player-simulator.log)"
    # Keys and GM_INGESTION_URL reach it through the environment exported from demo.env.
    START_EXE="$SIM" start_bg "$SIM_PID" "$SIM_LOG" "$SIM" --rate "$RATE" --profile steady --seed "$SEED"
    sleep 1
    if ! sim="$(pid_alive "$SIM_PID" "$SIM")"; then
        log "error: the player simulator exited at once"
        log_tail "$SIM_LOG"
        exit 1
    fi
    traffic="player simulator, $RATE events/s over ${GM_TENANT:-?}${GM_WRITE_KEY_B:+ and ${GM_TENANT_B:-?}} (pid $sim)"
fi

printf '\nDemo\n'
printf '  Admin UI:    %s\n' "$GM_ADMIN_URL"
if [[ -n "${GM_OPERATOR_USER:-}" && -n "${GM_OPERATOR_PASSWORD:-}" ]]; then
    printf '  Log in as:   %s (password: GM_OPERATOR_PASSWORD in .gm/demo.env)\n' "$GM_OPERATOR_USER"
    printf '  Tenants:     %s, and %s for isolation checks\n' "${GM_TENANT:-?}" "${GM_TENANT_B:-?}"
else
    printf '  Log in:      no demo operator is seeded yet: operator accounts and tenant credentials\n'
    printf '               come with the user service tenant issue (tools/platform/seed-demo.sh).\n'
fi
printf '  Traffic:     %s\n' "$traffic"
if [[ -n "${catalogue:-}" ]]; then
    printf '  Catalogue:   %s\n' "$catalogue"
    printf '               recommendations: README.md, "Recommendations in the demo"\n'
fi
if [[ -s "$SIM_PID" ]]; then
    printf '               progress every 5 s: tail -f .gm/logs/player-simulator.log\n'
fi
printf '  Prometheus:  %s  (alerts: %s/alerts)\n' "$GM_PROMETHEUS_URL" "$GM_PROMETHEUS_URL"
printf '  Scripts:     set -a; . .gm/demo.env; set +a\n'
printf '  Stop:        make down (the simulator first, then the platform)'
if [[ -s "$SIM_PID" ]]; then
    printf '; the simulator alone: kill %s\n' "$(sed -n 1p "$SIM_PID")"
else
    printf '\n'
fi
