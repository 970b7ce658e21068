#!/usr/bin/env bash
# The README's test command: installs what the tests need, then builds and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
# Prometheus, promtool and amtool (installed from Debian when missing): rule and config checks.
ops/check-monitoring.sh
# The Python producer example's packages (Debian's; its test is skipped without them): installed when missing.
if ! /usr/bin/python3 -c 'import confluent_kafka, avro.io' 2>/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "test: installing python3-confluent-kafka and python3-avro (Debian packages)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3-confluent-kafka python3-avro
  else
    echo "test: python3-confluent-kafka and python3-avro are missing and this is not root: PythonProducerTest" \
      "will be skipped (apt-get install -y python3-confluent-kafka python3-avro)" >&2
  fi
fi
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
# Debian's python3-onnx for SplitScriptTest (models/split_lpips_onnx.py), installed when missing and root.
if ! /usr/bin/python3 -c 'import onnx' 2>/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3-onnx
fi
exec ./mvnw -B verify "$@"
