#!/usr/bin/env bash
# Installs what the browser tests (tools/browser) need, and only what is missing:
#   - Debian's chromium and chromium-driver (/usr/bin/chromium, /usr/bin/chromedriver);
#   - selenium, pinned, into the project venv given as $1 (e.g. .venv).
# Selenium is always pointed at /usr/bin/chromedriver (tools/browser/browser.py), so Selenium
# Manager never tries to download a driver or a browser. Quiet on success; apt-get and pip write
# to a log under ${TMPDIR:-/tmp}, whose tail is printed on failure.
#
# Usage: tools/browser/install.sh VENV
set -euo pipefail

# 4.52.0 and 4.53.0 require certifi>=2026.10.23, which PyPI does not have yet; 4.51.0 installs
# without upgrading anything already in .venv.
SELENIUM_VERSION=4.51.0
APT_PACKAGES=(chromium chromium-driver)

die() {
    echo "tools/browser/install.sh: $*" >&2
    exit 1
}

(($# == 1)) || die "usage: $0 VENV (the project venv, e.g. .venv)"
VENV="$1"
LOG="${TMPDIR:-/tmp}/gm-browser-install.log"

fail_with_log() {
    if [[ -f "$LOG" ]]; then
        echo "--- last lines of $LOG:" >&2
        tail -n 30 "$LOG" >&2
    fi
    die "$1 (log: $LOG)"
}

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
    if [[ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)" != "install ok installed" ]]; then
        missing+=("$pkg")
    fi
done

if ((${#missing[@]} > 0)); then
    SUDO=()
    if ((EUID != 0)); then
        command -v sudo >/dev/null 2>&1 || die "missing packages (${missing[*]}) and not root (no sudo)"
        SUDO=(sudo)
    fi
    echo "tools/browser/install.sh: apt-get install ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    if ! { "${SUDO[@]}" apt-get update -qq &&
        "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >>"$LOG" 2>&1; then
        fail_with_log "apt-get install ${missing[*]} failed"
    fi
fi
[[ -x /usr/bin/chromium ]] || die "/usr/bin/chromium is missing after installing chromium"
[[ -x /usr/bin/chromedriver ]] || die "/usr/bin/chromedriver is missing after installing chromium-driver"

[[ -x "$VENV/bin/python" ]] || die "$VENV/bin/python not found: create the project venv first (make deps)"
installed="$("$VENV/bin/python" -c 'import selenium; print(selenium.__version__)' 2>/dev/null || true)"
if [[ "$installed" != "$SELENIUM_VERSION" ]]; then
    echo "tools/browser/install.sh: pip install selenium==$SELENIUM_VERSION into $VENV"
    # `python -m pip`, not bin/pip: a venv copied from another checkout keeps bin/pip's shebang,
    # which would install into the original venv.
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check "selenium==$SELENIUM_VERSION" >>"$LOG" 2>&1 ||
        fail_with_log "pip install selenium==$SELENIUM_VERSION failed"
    installed="$("$VENV/bin/python" -c 'import selenium; print(selenium.__version__)' 2>/dev/null || true)"
    [[ "$installed" == "$SELENIUM_VERSION" ]] ||
        die "selenium $SELENIUM_VERSION installed but $VENV/bin/python imports '${installed:-nothing}'"
fi
