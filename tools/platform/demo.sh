#!/usr/bin/env bash
# `make demo`: brings the platform up and tells how to use it.
# (The player simulator is added here by a later issue.)
set -euo pipefail
# shellcheck source=tools/platform/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

"$GM_ROOT/tools/platform/up.sh"

set -a
# shellcheck source=/dev/null
source "$GM_DIR/demo.env"
set +a

printf '\nDemo\n'
printf '  Admin UI:    %s\n' "$GM_ADMIN_URL"
if [[ -n "${GM_OPERATOR_USER:-}" && -n "${GM_OPERATOR_PASSWORD:-}" ]]; then
    printf '  Log in as:   %s (password: GM_OPERATOR_PASSWORD in .gm/demo.env)\n' "$GM_OPERATOR_USER"
    printf '  Tenants:     %s, and %s for isolation checks\n' "${GM_TENANT:-?}" "${GM_TENANT_B:-?}"
else
    printf '  Log in:      no demo operator is seeded yet: operator accounts and tenant credentials\n'
    printf '               come with the user service tenant issue (tools/platform/seed-demo.sh).\n'
fi
printf '  Prometheus:  %s  (alerts: %s/alerts)\n' "$GM_PROMETHEUS_URL" "$GM_PROMETHEUS_URL"
printf '  Scripts:     set -a; . .gm/demo.env; set +a\n'
