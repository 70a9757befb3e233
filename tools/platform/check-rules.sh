#!/usr/bin/env bash
# Checks the Prometheus alert rules (charts/platform-monitoring/rules/*.rules.yml): syntax
# (promtool check rules), behaviour (promtool test rules on every *.test.yml beside them), and
# that every runbook_url names a page in runbooks/.
set -euo pipefail
# shellcheck source=tools/platform/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

RULES_DIR="$GM_ROOT/charts/platform-monitoring/rules"
shopt -s nullglob
rules=("$RULES_DIR"/*.rules.yml)
tests=("$RULES_DIR"/*.test.yml)
((${#rules[@]} > 0)) || die "no rule files in $RULES_DIR"
((${#tests[@]} > 0)) || die "no promtool unit tests (*.test.yml) in $RULES_DIR"

promtool check rules "${rules[@]}"
# promtool resolves rule_files relative to the test file.
(cd "$RULES_DIR" && promtool test rules "${tests[@]##*/}")

missing=0
while read -r url; do
    page="${url%%#*}"
    if [[ ! -f "$GM_ROOT/$page" ]]; then
        log "error: runbook_url $url: no file $page"
        missing=1
    fi
done < <(sed -n 's/^[[:space:]]*runbook_url:[[:space:]]*"\{0,1\}\([^"]*\)"\{0,1\}[[:space:]]*$/\1/p' "${rules[@]}")
((missing == 0)) || die "alert rules link to missing runbook pages"
