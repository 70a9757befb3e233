#!/usr/bin/env bash
# `make images`: the base (build-base.sh, cached), then one image per service from the release
# binaries built with --static-swift-stdlib (debug information stripped), tagged localhost/gamemetrics-<service>:<revision>
# and :latest. Prints each image's size and the size of its layer above the base.
# `tools/images/build.sh SERVICE...` builds only those. A service with packages of its own
# (runtime-packages-<service>.txt: admin's Chart.js) gets its own base, and its image is checked
# to hold them (check-packages.sh).
set -euo pipefail
# shellcheck source=tools/platform/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../platform/lib.sh"
export CONTAINERS_CONF="$GM_ROOT/tools/images/containers.conf"
cd "$GM_ROOT"

"$GM_ROOT/tools/platform/install-deps.sh" images
"$GM_VENV/bin/hadolint" Dockerfile tools/images/base.Dockerfile
services=("$@")
if ((${#services[@]} == 0)); then services=("${GM_SERVICES[@]}"); fi
for svc in "${services[@]}"; do
    [[ " ${GM_SERVICES[*]} " == *" $svc "* ]] || die "images: $svc is not a service (${GM_SERVICES[*]})"
done
ensure_swift
log "images: swift build -c release --static-swift-stdlib, each service"
for svc in "${services[@]}"; do
    swift build -c release --static-swift-stdlib --product "$svc" >&2
done
bin_dir="$(swift build -c release --static-swift-stdlib --show-bin-path)"
# The image gets the binary without its debug information (a tenth of the size).
stripped="$GM_ROOT/.build/images"
mkdir -p "$stripped"
# GM_REVISION names the revision when git cannot (a build outside the checkout, e.g. in CI).
revision="${GM_REVISION:-$(git rev-parse --short HEAD)}"
for svc in "${services[@]}"; do
    base="$("$GM_ROOT/tools/images/build-base.sh" "$svc")"
    # The binary and the resource bundles it names (e.g. GameMetricsPro_Ingestion.resources with
    # its openapi.json), which SwiftPM's accessor looks for beside the executable.
    rm -rf "${stripped:?}/$svc"
    mkdir -p "$stripped/$svc"
    strip --strip-debug -o "$stripped/$svc/service" "$bin_dir/$svc"
    while read -r bundle; do
        if [[ -d "$bin_dir/$bundle" ]]; then cp -R "$bin_dir/$bundle" "$stripped/$svc/"; fi
    done < <(grep -aoE 'GameMetricsPro_[A-Za-z]+\.resources' "$bin_dir/$svc" | sort -u)
    podman build --quiet --file Dockerfile --build-arg BINARIES=prebuilt --build-arg BASE="$base" \
        --build-arg SERVICE="$svc" --build-arg BIN_DIR=.build/images \
        --build-arg REVISION="$revision" --build-arg VERSION="$revision" \
        --tag "localhost/gamemetrics-$svc:$revision" --tag "localhost/gamemetrics-$svc:latest" . >/dev/null
    size="$(podman image inspect --format '{{.Size}}' "localhost/gamemetrics-$svc:latest")"
    base_size="$(podman image inspect --format '{{.Size}}' "$base")"
    printf '%-16s %6d MiB (above the base: %d MiB)\n' "$svc" $((size >> 20)) $(((size - base_size) >> 20))
    "$GM_ROOT/tools/images/check-packages.sh" "$svc" "localhost/gamemetrics-$svc:latest"
done
