#!/usr/bin/env bash
# The README's test command: installs what the tests need, then builds and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
# Prometheus, promtool and amtool (installed from Debian when missing): rule and config checks.
ops/check-monitoring.sh
# Headless chromium and its driver for the console's browser test (Debian packages, installed when missing and
# run as root; without them the test skips, except where CI is set).
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "test: installing chromium and chromium-driver (Debian packages) for the console's browser test"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium chromium-driver
  else
    echo "test: no /usr/bin/chromium or /usr/bin/chromedriver and not root: ConsoleEndToEndTest will skip" \
      "(it fails where CI is set); install them with: sudo apt-get install chromium chromium-driver" >&2
  fi
fi
# The tests start a real schema registry; building it is a separate Maven project (skipped when built).
ops/registry.sh build
# The broker jars for ops/kafka.sh (its test starts a real broker process); cached after the first run.
ops/kafka.sh classpath > /dev/null
exec ./mvnw -B verify "$@"
