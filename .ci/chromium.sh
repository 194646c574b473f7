# Sourced by .ci/run: Debian's chromium for the Playwright browser tests (tests/web/test_web_browser.py).
# Playwright drives /usr/bin/chromium directly; `playwright install` (a download) is never run.
# Safe to run again: an installed chromium is left alone.
cellbench_chromium_setup() {
  if [ -x /usr/bin/chromium ]; then
    return 0
  fi
  local sudo=""
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo="sudo -n"; else
      echo "ci: not root and no sudo: cannot install chromium; the browser test will be skipped" >&2
      return 0
    fi
  fi
  $sudo apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y chromium
}
cellbench_chromium_setup
