#!/usr/bin/env bash
# `make images-smoke`: runs each service image as built by `make images` the way the charts will
# (read-only root file system, its numeric non-root user, no added capabilities), twice:
#   1. with its dependencies unreachable: /health/live answers 200 and /health/ready 503 naming
#      what is missing (readiness tells the truth);
#   2. against the running local platform (`make up`; started here, on the release binaries of
#      `make images`, when it is not running), in the environment the native service gets
#      (.gm/env/<service>.env, written by up.sh) on ports of its own, its secret files mounted
#      read-only: /health/ready answers 200.
# Both times: the process runs as uid 10001, /openapi.json is served (resource bundles are in the
# image; in phase 1 a service still in its start-up steps answers 503 "starting" instead), and
# SIGTERM ends it with status 0 within GM_SHUTDOWN_GRACE_MS.
set -euo pipefail
# shellcheck source=tools/platform/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../platform/lib.sh"
export CONTAINERS_CONF="$GM_ROOT/tools/images/containers.conf"

GRACE_MS=10000
# How long a container may take to answer live (phase 1) or ready (phase 2).
READY_TIMEOUT=60
IMAGE_UID=10001
SMOKE_DIR="$GM_DIR/images/smoke"
mkdir -p "$SMOKE_DIR"
chmod 700 "$SMOKE_DIR"

# Whatever way this run ends: no container of it left running, no copied secret left behind.
# shellcheck disable=SC2317  # invoked by the EXIT trap
cleanup() {
    podman ps --all --filter "name=gm-smoke-.*-$$\$" --format '{{.Names}}' | xargs -r podman rm --force >/dev/null 2>&1 || true
    rm -rf "$SMOKE_DIR"/secrets-* "$SMOKE_DIR"/*.env "$SMOKE_DIR/openapi.json"
}
trap cleanup EXIT

failures=0
fail() { log "  FAIL $1: $2"; failures=$((failures + 1)); }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now_ms() { date +%s%3N; }

# smoke SERVICE PHASE EXPECTED_READY ENV_FILE [PODMAN_ARGS...]: runs the image with the variables
# of ENV_FILE (KEY=value lines) plus its listen address, checks it and stops it.
smoke() {
    local svc="$1" phase="$2" expected_ready="$3" env_file="$4"
    shift 4
    local image="localhost/gamemetrics-$svc:latest" name="gm-smoke-$svc-$phase-$$"
    local port internal live=000 ready=000 openapi uid started took status
    port="$(free_port)"
    internal="$(free_port)"
    podman run --detach --name "$name" --read-only --cap-drop=ALL --security-opt=no-new-privileges \
        --network host --env-file "$env_file" "$@" --env GM_HTTP_HOST=127.0.0.1 --env GM_HTTP_PORT="$port" \
        --env GM_INTERNAL_HTTP_PORT="$internal" --env GM_SHUTDOWN_GRACE_MS="$GRACE_MS" "$image" >/dev/null
    local deadline=$((SECONDS + READY_TIMEOUT))
    while ((SECONDS < deadline)); do
        live="$(http_code "http://127.0.0.1:$port/health/live")"
        [[ "$live" == 200 ]] && break
        sleep 0.2
    done
    if [[ "$expected_ready" == 200 ]]; then
        while ((SECONDS < deadline)); do
            ready="$(curl -s -o /dev/null -m 15 -w '%{http_code}' "http://127.0.0.1:$port/health/ready" || true)"
            [[ "$ready" == 200 ]] && break
            sleep 0.5
        done
    else
        # Readiness probes each dependency with its own timeout: give the answer time.
        ready="$(curl -s -o /dev/null -m 15 -w '%{http_code}' "http://127.0.0.1:$port/health/ready" || true)"
    fi
    curl -s -m 15 "http://127.0.0.1:$port/health/ready" >"$GM_DIR/images/smoke-$svc-$phase-ready.json" 2>/dev/null || true
    openapi="$(curl -s -o "$SMOKE_DIR/openapi.json" -m 5 -w '%{http_code}' "http://127.0.0.1:$port/openapi.json" || true)"
    # A service still in its start-up steps (the user service waiting for PostgreSQL) answers its
    # routes 503 "starting" (ADR 0023); phase 2 then sees its document.
    if [[ "$openapi" == 503 ]] && grep -q '"code":"starting"' "$SMOKE_DIR/openapi.json"; then
        openapi="503-starting"
    fi
    uid="$(podman exec "$name" sh -c 'id -u' 2>/dev/null || podman inspect --format '{{.Config.User}}' "$name")"
    started="$(now_ms)"
    podman stop --time $((GRACE_MS / 1000 + 5)) "$name" >/dev/null
    took=$(($(now_ms) - started))
    status="$(podman inspect --format '{{.State.ExitCode}}' "$name")"
    podman logs "$name" >"$GM_DIR/images/smoke-$svc-$phase.log" 2>&1 || true
    podman rm "$name" >/dev/null
    [[ "$live" == 200 ]] || fail "$svc ($phase)" "/health/live answered $live"
    [[ "$ready" == "$expected_ready" ]] ||
        fail "$svc ($phase)" "/health/ready answered $ready, expected $expected_ready: $(cat "$GM_DIR/images/smoke-$svc-$phase-ready.json")"
    [[ "$uid" == "$IMAGE_UID"* ]] || fail "$svc ($phase)" "runs as uid $uid"
    # The processor has no REST API of its own (health and the internal port only).
    [[ "$svc" == processor || "$openapi" == 200 || ("$openapi" == 503-starting && "$phase" == unreachable) ]] ||
        fail "$svc ($phase)" "/openapi.json answered $openapi"
    [[ "$status" == 0 ]] || fail "$svc ($phase)" "exited with status $status after SIGTERM (log: .gm/images/smoke-$svc-$phase.log)"
    ((took <= GRACE_MS)) || fail "$svc ($phase)" "took $took ms to stop (grace $GRACE_MS ms)"
    log "  $svc: live $live, ready $ready, openapi $openapi, uid $uid, SIGTERM -> status $status in $took ms"
}

for svc in "${GM_SERVICES[@]}"; do
    podman image exists "localhost/gamemetrics-$svc:latest" || die "no image localhost/gamemetrics-$svc:latest: run make images"
done

# 1. dependencies unreachable ------------------------------------------------------------------
log "images-smoke 1/2: each image with its dependencies unreachable (ready must answer 503)"
UNREACHABLE_ENV="$SMOKE_DIR/unreachable.env"
(
    umask 077
    # Dependencies behind a closed port; secrets are throwaway values for this run only.
    cat >"$UNREACHABLE_ENV" <<EOF
GM_KAFKA_BOOTSTRAP=127.0.0.1:1
GM_PG_URL=postgres://gm:unused@127.0.0.1:1/gamemetrics
GM_REDIS_URL=redis://127.0.0.1:1/0
GM_S3_ENDPOINT=http://127.0.0.1:1
GM_S3_ACCESS_KEY=unused
GM_S3_SECRET_KEY=$(gen_secret 16)
GM_S3_BUCKET=gm-archive
GM_USER_URL=http://127.0.0.1:1
GM_INGESTION_CLIENT_ID=unused
GM_INGESTION_CLIENT_SECRET=$(gen_secret 16)
GM_ANALYTICS_API_URL=http://127.0.0.1:1
GM_ANALYTICS_API_CLIENT_ID=unused
GM_ANALYTICS_API_CLIENT_SECRET=$(gen_secret 16)
GM_ERASURE_SUBJECT_KEY=$(head -c 32 /dev/urandom | base64 -w0)
GM_WRITE_KEY_MAC_SECRET=$(gen_secret 32)
GM_SIGNING_KEY_ENCRYPTION_KEY=$(head -c 32 /dev/urandom | base64 -w0)
GM_AUDIT_HMAC_KEY=$(gen_secret 32)
GM_AUDIT_ANCHOR_S3_ENDPOINT=http://127.0.0.1:1
GM_AUDIT_ANCHOR_S3_ACCESS_KEY=unused
GM_AUDIT_ANCHOR_S3_SECRET_KEY=$(gen_secret 16)
GM_AUDIT_ANCHOR_S3_BUCKET=gm-audit
EOF
)
for svc in "${GM_SERVICES[@]}"; do
    smoke "$svc" unreachable 503 "$UNREACHABLE_ENV"
done

# 2. against the running local platform --------------------------------------------------------
log "images-smoke 2/2: each image against the running local platform (ready must answer 200)"
platform_running() {
    local svc
    for svc in "${GM_SERVICES[@]}"; do
        [[ -s "$GM_DIR/env/$svc.env" ]] || return 1
        http_ready "http://127.0.0.1:${GM_SERVICE_PORT[$svc]}/health/ready" || return 1
    done
}
if ! platform_running; then
    # On the release binaries `make images` built (GM_BIN_DIR): `make up` alone builds without
    # --static-swift-stdlib, which recompiles every module a second time (minutes; the whole
    # release build on a fresh machine).
    ensure_swift
    for exe in devkafka "${GM_SERVICES[@]}"; do
        swift build -c release --static-swift-stdlib --product "$exe" >&2
    done
    bin_dir="$(swift build -c release --static-swift-stdlib --show-bin-path)"
    log "images-smoke: the local platform is not running (or not ready): starting it with make up" \
        "(GM_BIN_DIR=$bin_dir, the release binaries make images built)"
    GM_BIN_DIR="$bin_dir" "$GM_ROOT/tools/platform/up.sh" >&2 || die "make up failed: images-smoke needs the local platform"
fi
for svc in "${GM_SERVICES[@]}"; do
    # The native service's environment, less its listen address and grace period (set by
    # smoke); each *_FILE secret is copied for the image's user (mode 0400, as a Kubernetes
    # secret volume with fsGroup gives it) and mounted read-only under /run/secrets.
    container_env="$SMOKE_DIR/$svc.env"
    secrets="$SMOKE_DIR/secrets-$svc"
    rm -rf "$secrets"
    mkdir -p "$secrets"
    mounts=()
    (umask 077 && : >"$container_env")
    while IFS= read -r line; do
        [[ -z "$line" || "$line" == \#* ]] && continue
        name="${line%%=*}" value="${line#*=}"
        case "$name" in
        GM_HTTP_HOST | GM_HTTP_PORT | GM_INTERNAL_HTTP_PORT | GM_SHUTDOWN_GRACE_MS) continue ;;
        *_FILE)
            file="$(basename "$value")"
            install -m 0400 -o "$IMAGE_UID" -g "$IMAGE_UID" "$value" "$secrets/$file"
            mounts+=(--volume "$secrets/$file:/run/secrets/$file:ro")
            value="/run/secrets/$file"
            ;;
        esac
        printf '%s=%s\n' "$name" "$value" >>"$container_env"
    done <"$GM_DIR/env/$svc.env"
    smoke "$svc" platform 200 "$container_env" "${mounts[@]}"
    rm -rf "$secrets"
done

((failures == 0)) || die "images-smoke: $failures failure(s)"
log "images-smoke: all ${#GM_SERVICES[@]} images passed both phases"
