#!/usr/bin/env bash
# `make images-smoke`: runs each service image as built by `make images` the way the charts will
# (read-only root file system, its numeric non-root user, no added capabilities), with its
# dependencies unreachable, and checks what must hold before any platform is there: the process
# runs as uid 10001, /health/live answers 200, /health/ready answers 503 naming what is missing
# (readiness tells the truth), /openapi.json is served (resource bundles are in the image), and
# SIGTERM ends it with status 0 within GM_SHUTDOWN_GRACE_MS.
set -euo pipefail
# shellcheck source=tools/platform/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../platform/lib.sh"
export CONTAINERS_CONF="$GM_ROOT/tools/images/containers.conf"

GRACE_MS=10000
# Dependencies behind a closed port; secrets are throwaway values for this run only.
DEPENDENCIES=(
    GM_KAFKA_BOOTSTRAP=127.0.0.1:1 "GM_PG_URL=postgres://gm:unused@127.0.0.1:1/gamemetrics"
    GM_REDIS_URL=redis://127.0.0.1:1/0 GM_S3_ENDPOINT=http://127.0.0.1:1 GM_S3_ACCESS_KEY=unused
    "GM_S3_SECRET_KEY=$(gen_secret 16)" GM_S3_BUCKET=gm-archive GM_USER_URL=http://127.0.0.1:1
    GM_INGESTION_CLIENT_ID=unused "GM_INGESTION_CLIENT_SECRET=$(gen_secret 16)"
    GM_ANALYTICS_API_URL=http://127.0.0.1:1 "GM_ERASURE_SUBJECT_KEY=$(head -c 32 /dev/urandom | base64)"
    "GM_WRITE_KEY_MAC_SECRET=$(gen_secret 32)" "GM_SIGNING_KEY_ENCRYPTION_KEY=$(head -c 32 /dev/urandom | base64)"
    "GM_AUDIT_HMAC_KEY=$(gen_secret 32)" GM_AUDIT_ANCHOR_S3_ENDPOINT=http://127.0.0.1:1
    GM_AUDIT_ANCHOR_S3_ACCESS_KEY=unused "GM_AUDIT_ANCHOR_S3_SECRET_KEY=$(gen_secret 16)"
    GM_AUDIT_ANCHOR_S3_BUCKET=gm-audit "GM_SHUTDOWN_GRACE_MS=$GRACE_MS"
)

failures=0
fail() { log "  FAIL $1: $2"; failures=$((failures + 1)); }

for svc in "${GM_SERVICES[@]}"; do
    image="localhost/gamemetrics-$svc:latest"
    podman image exists "$image" || { fail "$svc" "no image $image: run make images"; continue; }
    port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
    internal="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
    env_args=()
    for pair in "${DEPENDENCIES[@]}"; do env_args+=(--env "$pair"); done
    name="gm-smoke-$svc-$$"
    podman run --detach --name "$name" --read-only --cap-drop=ALL --security-opt=no-new-privileges \
        --network host "${env_args[@]}" --env GM_HTTP_HOST=127.0.0.1 --env GM_HTTP_PORT="$port" \
        --env GM_INTERNAL_HTTP_PORT="$internal" "$image" >/dev/null
    live=000
    for _ in $(seq 100); do
        live="$(http_code "http://127.0.0.1:$port/health/live")"
        [[ "$live" == 200 ]] && break
        sleep 0.2
    done
    # Readiness probes each dependency with its own timeout: give the answer time.
    ready="$(curl -s -o /dev/null -m 15 -w '%{http_code}' "http://127.0.0.1:$port/health/ready" || true)"
    openapi="$(curl -s -o /dev/null -m 5 -w '%{http_code}' "http://127.0.0.1:$port/openapi.json" || true)"
    uid="$(podman exec "$name" sh -c 'id -u' 2>/dev/null || podman inspect --format '{{.Config.User}}' "$name")"
    started=$SECONDS
    podman stop --time $((GRACE_MS / 1000 + 5)) "$name" >/dev/null
    took=$((SECONDS - started))
    status="$(podman inspect --format '{{.State.ExitCode}}' "$name")"
    [[ "$live" == 200 ]] || fail "$svc" "/health/live answered $live"
    [[ "$ready" == 503 ]] || fail "$svc" "/health/ready answered $ready with its dependencies unreachable"
    [[ "$uid" == 10001* ]] || fail "$svc" "runs as uid $uid"
    # The processor has no REST API of its own (health and the internal port only).
    [[ "$svc" == processor || "$openapi" == 200 ]] || fail "$svc" "/openapi.json answered $openapi"
    [[ "$status" == 0 ]] || fail "$svc" "exited with status $status after SIGTERM"
    ((took * 1000 <= GRACE_MS)) || fail "$svc" "took $took s to stop (grace $GRACE_MS ms)"
    log "  $svc: live $live, ready $ready, openapi $openapi, uid $uid, SIGTERM -> status $status in ${took} s"
    podman logs "$name" >"$GM_DIR/images/smoke-$svc.log" 2>&1 || true
    podman rm "$name" >/dev/null
done
((failures == 0)) || die "images-smoke: $failures failure(s)"
log "images-smoke: all ${#GM_SERVICES[@]} images passed"
