#!/usr/bin/env bash
# ctest browser_tests (Release build only): starts the site as scripts/run does (the MessageBird
# simulator, the pool on a unix socket, nginx, on free loopback ports, every limit lifted by
# scripts/lib/no-limits.env), then drives Debian's headless Chromium through every page state with
# tests/browser/browser_test.py. Screenshots and the run folder go to BUILD_DIR/browser/.
#
#   tests/browser/browser_test.sh BUILD_DIR SOURCE_DIR [browser_test.py options]
set -euo pipefail
build=$(cd "$1" && pwd)
top=$(cd "$2" && pwd)
shift 2
out=$build/browser
rundir=$out/run
export BUILD_DIR=$build
# Always the simulator and the default settings, whatever the calling shell has set.
unset MESSAGEBIRD_ACCESS_KEY MESSAGEBIRD_ENDPOINT VOICEVERIFY_CONFIG SIGNING_KEY TRUSTED_PROXIES

for tool in /usr/bin/chromium /usr/bin/chromedriver nginx; do
  command -v "$tool" >/dev/null || { echo "browser_test: $tool is missing (scripts/install-deps)" >&2; exit 1; }
done
# Debian's python3-selenium lives in the system Python, which may not be the first python3 on PATH.
/usr/bin/python3 -c 'import selenium' 2>/dev/null || {
  echo "browser_test: python3-selenium is missing (scripts/install-deps)" >&2
  exit 1
}

rm -rf "$out"
mkdir -p "$rundir"
# shellcheck source=../../scripts/lib/site.sh disable=SC1091
. "$top/scripts/lib/site.sh"
lift_limits
# "Call me again" must wait, so the page shows the wait and an early press its banner; the
# interval is RESEND_INTERVAL in browser_test.py (each state calls a number of its own).
export RESEND_INTERVAL=6
free_port
port=$FREE_PORT
trap stop_site EXIT
if ! start_site >"$rundir/site.log" 2>&1; then
  echo "browser_test: the site did not start; its log:" >&2
  tail -n 40 "$rundir/site.log" >&2
  exit 1
fi

/usr/bin/python3 "$top/tests/browser/browser_test.py" \
  --base-url "http://127.0.0.1:$port" --sim-url "$SIM_URL" --out "$out" \
  --axe "$top/tests/browser/vendor/axe-core/axe.min.js" "$@"
