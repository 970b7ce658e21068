#!/usr/bin/env bash
# The README's test command: installs what the tests need, then builds and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
# The broker jars for ops/kafka.sh (its test starts a real broker process); cached after the first run.
ops/kafka.sh classpath > /dev/null
exec ./mvnw -B verify "$@"
