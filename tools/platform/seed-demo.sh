#!/usr/bin/env bash
# Seeds the demo tenants through the user service's `seed-demo` command and prints their
# credentials as KEY=value lines (up.sh appends them to .gm/demo.env). Secrets are shown by the
# user service only once, so the first output is kept in .gm/seed.env and reused while the
# database still holds those tenants; a new database gets new credentials.
set -euo pipefail
# shellcheck source=tools/platform/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

seed_file="$GM_DIR/seed.env"
if [[ -s "$seed_file" ]] && "$GM_PGBIN/psql" -X "$GM_PG_URL" -tAc "SELECT 1 FROM tenants WHERE id = 'demo-casino'" 2>/dev/null | grep -q 1; then
    cat "$seed_file"
    exit 0
fi
output="$("${GM_USER_BIN:?up.sh passes the user binary}" seed-demo)"
umask 077
printf '%s\n' "$output" >"$seed_file"
printf '%s\n' "$output"
