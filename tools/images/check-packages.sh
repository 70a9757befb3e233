#!/usr/bin/env bash
# `check-packages.sh SERVICE IMAGE`: the image holds what its service needs beyond the common
# base: every package of tools/images/runtime-packages-SERVICE.txt installed (dpkg), and for
# admin the Chart.js file the console serves, under the GM_ADMIN_VENDOR_DIR charts/admin sets.
# Run as the charts run it (uid 10001, read-only, no network). Nothing to check, and exit 0, for
# a service without such a list. build.sh runs it after each image.
set -euo pipefail
# shellcheck source=tools/platform/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../platform/lib.sh"
export CONTAINERS_CONF="$GM_ROOT/tools/images/containers.conf"

(($# == 2)) || die "usage: check-packages.sh SERVICE IMAGE"
svc="$1" image="$2"
list="$GM_ROOT/tools/images/runtime-packages-$svc.txt"
[[ -f "$list" ]] || exit 0

in_image() {
    podman run --rm --read-only --user 10001:10001 --cap-drop=ALL --network none --entrypoint /bin/sh "$image" -c "$1"
}

missing=0
while read -r package; do
    status="$(in_image "dpkg-query -W -f '\${Status}' '$package' 2>/dev/null" || true)"
    if [[ "$status" != "install ok installed" ]]; then
        log "  FAIL $image: package $package is not installed (${status:-unknown to dpkg})"
        missing=1
    fi
done < <(grep -v '^#' "$list" | grep -v '^[[:space:]]*$')

if [[ "$svc" == admin ]]; then
    vendor="$(sed -n 's/^  GM_ADMIN_VENDOR_DIR: *//p' "$GM_ROOT/charts/admin/values.yaml")"
    [[ -n "$vendor" ]] || die "charts/admin/values.yaml sets no GM_ADMIN_VENDOR_DIR"
    if ! in_image "test -s '$vendor/chart.js/chart.min.js'"; then
        log "  FAIL $image: no $vendor/chart.js/chart.min.js (GM_ADMIN_VENDOR_DIR of charts/admin) readable by uid 10001"
        missing=1
    fi
fi
((missing == 0)) || die "$image lacks what $svc needs (tools/images/runtime-packages-$svc.txt)"
log "images: $image holds $(grep -v '^#' "$list" | grep -vc '^[[:space:]]*$') package(s) of runtime-packages-$svc.txt"
