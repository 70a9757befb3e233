#!/usr/bin/env bash
# Builds the librdkafka that devkafka loads: Debian's own 2.0.2 source (the version the services
# link), with the patches beside this script, into .gm/lib/devkafka/librdkafka.so.1. devkafka is
# started with LD_LIBRARY_PATH pointing there (tools/platform/lib.sh, PrivateDevKafka); the
# services keep the system library. Rebuilds only when the source or a patch changes.
# Why: docs/adr/0022-devkafka-patched-mock.md.
set -euo pipefail
# shellcheck source=tools/platform/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../platform/lib.sh"

VERSION=2.0.2
TARBALL="librdkafka_${VERSION}.orig.tar.gz"
SHA256=f321bcb1e015a34114c83cf1aa7b99ee260236aab096b85c003170c90a47ca9d
MIRROR="${GM_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
HERE="$GM_ROOT/tools/devkafka/librdkafka"
CACHE="$GM_DIR/cache/librdkafka"
OUT="$GM_DEVKAFKA_LIB_DIR"
LOG="$GM_DIR/logs/devkafka-librdkafka.log"

system_version="$(pkg-config --modversion rdkafka)"
[[ "$system_version" == "$VERSION" ]] ||
    die "devkafka's librdkafka is $VERSION but the system's is $system_version: update VERSION, SHA256 and the patches together"

stamp="$(cat "$HERE"/*.patch <(echo "$SHA256") | sha256sum | cut -d' ' -f1)"
if [[ -f "$OUT/librdkafka.so.1" && "$(cat "$OUT/stamp" 2>/dev/null)" == "$stamp" ]]; then
    exit 0
fi

mkdir -p "$CACHE" "$OUT" "$(dirname "$LOG")"
if [[ "$(sha256sum "$CACHE/$TARBALL" 2>/dev/null | cut -d' ' -f1)" != "$SHA256" ]]; then
    log "devkafka: downloading librdkafka $VERSION source from $MIRROR"
    curl -fsSL --retry 3 -o "$CACHE/$TARBALL.part" "$MIRROR/pool/main/libr/librdkafka/$TARBALL"
    [[ "$(sha256sum "$CACHE/$TARBALL.part" | cut -d' ' -f1)" == "$SHA256" ]] ||
        die "librdkafka source checksum mismatch ($MIRROR/pool/main/libr/librdkafka/$TARBALL)"
    mv "$CACHE/$TARBALL.part" "$CACHE/$TARBALL"
fi

log "devkafka: building patched librdkafka $VERSION (log: $LOG)"
source_dir="$CACHE/librdkafka-$VERSION"
rm -rf "$source_dir"
tar -xzf "$CACHE/$TARBALL" -C "$CACHE"
{
    for patch in "$HERE"/*.patch; do
        patch -d "$source_dir" -p1 --forward <"$patch"
    done
    cd "$source_dir"
    # The mock broker needs no TLS, SASL or compression codecs of its own.
    ./configure --disable-ssl --disable-gssapi --disable-sasl --disable-zstd --disable-curl
    make -C src -j"$(nproc)" librdkafka.so.1
} >"$LOG" 2>&1 || {
    log_tail "$LOG" 30
    die "building devkafka's librdkafka failed (log: $LOG)"
}
cp "$source_dir/src/librdkafka.so.1" "$OUT/librdkafka.so.1.part"
mv "$OUT/librdkafka.so.1.part" "$OUT/librdkafka.so.1"
echo "$stamp" >"$OUT/stamp"
rm -rf "$source_dir"
