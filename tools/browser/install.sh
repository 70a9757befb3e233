#!/usr/bin/env bash
# Installs what the browser tests (tools/browser) need, and only what is missing:
#   - Debian's chromium and chromium-driver (/usr/bin/chromium, /usr/bin/chromedriver);
#   - selenium, pinned, into the project venv given as $1 (e.g. .venv).
# Selenium is always pointed at /usr/bin/chromedriver (tools/browser/browser.py), so Selenium
# Manager never tries to download a driver or a browser. Quiet on success; apt-get and pip write
# to .gm/logs/browser-install.log, whose tail is printed on failure.
#
# Usage: tools/browser/install.sh VENV
set -euo pipefail
# shellcheck source=tools/platform/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../platform/lib.sh"

# 4.52.0 and 4.53.0 require certifi>=2026.10.23, which PyPI does not have yet; 4.51.0 installs
# without upgrading anything already in .venv.
SELENIUM_VERSION=4.51.0
APT_PACKAGES=(chromium chromium-driver)

(($# == 1)) || die "usage: $0 VENV (the project venv, e.g. .venv)"
VENV="$1"
mkdir -p "$GM_DIR/logs"
LOG="$GM_DIR/logs/browser-install.log"

fail_with_log() {
    log_tail "$LOG" 30
    die "$1 (log: $LOG)"
}

apt_install_missing "$LOG" "${APT_PACKAGES[@]}"
[[ -x /usr/bin/chromium ]] || die "/usr/bin/chromium is missing after installing chromium"
[[ -x /usr/bin/chromedriver ]] || die "/usr/bin/chromedriver is missing after installing chromium-driver"

[[ -x "$VENV/bin/python" ]] || die "$VENV/bin/python not found: create the project venv first (make deps)"
installed="$("$VENV/bin/python" -c 'import selenium; print(selenium.__version__)' 2>/dev/null || true)"
if [[ "$installed" != "$SELENIUM_VERSION" ]]; then
    log "tools/browser/install.sh: pip install selenium==$SELENIUM_VERSION into $VENV"
    # `python -m pip`, not bin/pip: a venv copied from another checkout keeps bin/pip's shebang,
    # which would install into the original venv.
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check "selenium==$SELENIUM_VERSION" >>"$LOG" 2>&1 ||
        fail_with_log "pip install selenium==$SELENIUM_VERSION failed"
    installed="$("$VENV/bin/python" -c 'import selenium; print(selenium.__version__)' 2>/dev/null || true)"
    [[ "$installed" == "$SELENIUM_VERSION" ]] ||
        die "selenium $SELENIUM_VERSION installed but $VENV/bin/python imports '${installed:-nothing}'"
fi
