#!/usr/bin/env bash
# The README's test command: installs what the tests need, then builds and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
# Prometheus, promtool and amtool (installed from Debian when missing): rule and config checks.
ops/check-monitoring.sh
# Debian packages some tests need: installed when missing and run as root (one apt-get update for all);
# otherwise the test that needs them skips, saying why (the browser test fails where CI is set).
UPDATED=""
install_if_missing() {   # test-name check-command package...
  local test="$1" check="$2"
  shift 2
  bash -c "$check" 2>/dev/null && return
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "test: installing $* (Debian packages) for $test"
    [ -n "$UPDATED" ] || { apt-get update -qq; UPDATED=1; }
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@"
  else
    echo "test: $* missing and this is not root: $test will skip (sudo apt-get install -y $*)" >&2
  fi
}
install_if_missing PythonProducerTest "/usr/bin/python3 -c 'import confluent_kafka, avro.io'" \
  python3-confluent-kafka python3-avro
install_if_missing ConsoleEndToEndTest "[ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]" \
  chromium chromium-driver
install_if_missing "SplitScriptTest (models/split_lpips_onnx.py)" "/usr/bin/python3 -c 'import onnx'" python3-onnx
# The tests start a real schema registry; building it is a separate Maven project (skipped when built).
ops/registry.sh build
# The broker jars for ops/kafka.sh (its test starts a real broker process); cached after the first run.
ops/kafka.sh classpath > /dev/null
exec ./mvnw -B verify "$@"
