#!/usr/bin/env bash
# Builds the local base image of every service image from Debian's own packages (no registry is
# reachable here): mmdebstrap of bookworm, minbase plus runtime-packages.txt, imported into
# podman as localhost/gamemetrics-base:bookworm-<hash of the list>. Skipped when that tag
# exists, so the base is rebuilt only when the package list changes. Prints the tag.
# `build-base.sh SERVICE`: the base of that service's image, which adds the packages of
# runtime-packages-SERVICE.txt when that file exists (admin: Chart.js); the same base as every
# other service's when it does not.
set -euo pipefail
# shellcheck source=tools/platform/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../platform/lib.sh"

export CONTAINERS_CONF="$GM_ROOT/tools/images/containers.conf"
LIST="$GM_ROOT/tools/images/runtime-packages.txt"
SERVICE_LIST="$GM_ROOT/tools/images/runtime-packages-${1:-}.txt"
MIRROR="${GM_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
OUT="$GM_DIR/images"
LOG="$OUT/base.log"

for tool in mmdebstrap podman runc; do
    command -v "$tool" >/dev/null || die "$tool is missing: apt-get install mmdebstrap podman runc"
done

if [[ -n "${1:-}" && " ${GM_SERVICES[*]} " != *" $1 "* ]]; then
    die "build-base.sh: $1 is not a service (${GM_SERVICES[*]})"
fi
lists=("$LIST")
if [[ -n "${1:-}" && -f "$SERVICE_LIST" ]]; then lists+=("$SERVICE_LIST"); fi
packages="$(cat "${lists[@]}" | grep -v '^#' | grep -v '^[[:space:]]*$' | sort -u | paste -sd, -)"
tag="localhost/gamemetrics-base:bookworm-$(printf '%s' "$packages" | sha256sum | cut -c1-12)"
if podman image exists "$tag"; then
    printf '%s\n' "$tag"
    exit 0
fi

mkdir -p "$OUT"
log "images: building the base $tag (mmdebstrap, a few minutes; log: $LOG)"
if ! mmdebstrap --variant=minbase --include="$packages" bookworm "$OUT/base.tar" "$MIRROR" >"$LOG" 2>&1; then
    log_tail "$LOG" 30
    die "mmdebstrap failed (log: $LOG)"
fi
podman import "$OUT/base.tar" "$tag" >>"$LOG" 2>&1 || die "podman import failed (log: $LOG)"
rm -f "$OUT/base.tar"
printf '%s\n' "$tag"
