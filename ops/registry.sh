#!/usr/bin/env bash
# A real Confluent-compatible schema registry for the local run and the tests: Apicurio Registry
# 2.4.2.Final with in-memory storage, built from Maven Central (ops/registry/pom.xml) and run as a plain
# Java process; its Confluent API is served under /apis/ccompat/v7. See docs/REGISTRY.md.
#
#   ops/registry.sh build                                           builds once (skipped when up to date)
#   ops/registry.sh start  [--dir DIR] [--port PORT] [--timeout S]  prints the registry URL
#   ops/registry.sh stop   [--dir DIR] [--timeout S]
#   ops/registry.sh status [--dir DIR]                              prints the URL; exit 3 when stopped
#
# The state dir (default .ops/registry) holds: pid, port, url, registry.log. The storage is in memory:
# every start begins with an empty registry whose global compatibility is set to BACKWARD.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/script.sh"
OPS_REGISTRY="$REPO_ROOT/ops/registry"
BUILD_DIR="$OPS_REGISTRY/target"
RUN_JAR="$BUILD_DIR/quarkus-app/quarkus-run.jar"
BUILD_KEY="$BUILD_DIR/perceptwatch-build.key"
# The machine is shared with the broker and the service: a small heap, the serial collector, and a pool
# of 2 H2 connections instead of Apicurio's default 20 are plenty for a few schemas.
JAVA_OPTS="${REGISTRY_JAVA_OPTS:--Xms64m -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1}"

USAGE_LINES=6,9

# --- build ---------------------------------------------------------------------------------------------

build_key() { cat "$OPS_REGISTRY/pom.xml" "$OPS_REGISTRY/settings.xml" | sha256sum | cut -d' ' -f1; }

built() { [[ -f "$RUN_JAR" && "$(cat "$BUILD_KEY" 2>/dev/null)" == "$(build_key)" ]]; }

cmd_build() {
  if built; then
    echo "registry.sh: up to date: $RUN_JAR" >&2
    return 0
  fi
  echo "registry.sh: building Apicurio Registry with Maven (minutes the first time: downloads)" >&2
  # settings.xml mirrors every repository to Maven Central (see the comment in it).
  "$REPO_ROOT/mvnw" -B -q -s "$OPS_REGISTRY/settings.xml" -f "$OPS_REGISTRY/pom.xml" package -DskipTests >&2 \
    || die "the registry build failed (see the Maven output above)"
  [[ -f "$RUN_JAR" ]] || die "the build finished without producing $RUN_JAR"
  build_key > "$BUILD_KEY"
  echo "registry.sh: built $RUN_JAR" >&2
}

# --- process -------------------------------------------------------------------------------------------

running_pid() { # prints the registry's pid when one is running from this state dir
  local pid
  [[ -f "$STATE/pid" ]] || return 1
  pid="$(cat "$STATE/pid")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  # The pid must still be this dir's registry, not a recycled pid.
  tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "-Dperceptwatch.registry.dir=$STATE " || return 1
  echo "$pid"
}

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

http_code() { curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$@" || true; }

log_tail() {
  echo "---- last lines of $STATE/registry.log ----" >&2
  tail -n 40 "$STATE/registry.log" >&2 || true
}

cmd_start() {
  local pid port deadline url reply
  if pid="$(running_pid)"; then
    echo "registry.sh: already running (pid $pid)" >&2
    cat "$STATE/url"
    return 0
  fi
  built || die "the registry is not built (or ops/registry/pom.xml changed): run ops/registry.sh build"
  command -v curl > /dev/null || die "curl is needed to check the registry"
  mkdir -p "$STATE"
  rm -f "$STATE/pid" "$STATE/port" "$STATE/url"

  # Port 0 lets the kernel pick a free port atomically; Quarkus logs the port it got.
  port="${PORT:-0}"
  if [[ "$port" != 0 ]] && listening "$port"; then
    die "port $port is already in use"
  fi
  # setsid: the registry gets its own process group, so stop can signal it without touching the caller.
  # $JAVA_OPTS is split on purpose: it is a list of JVM flags.
  # The log exists before the loop below reads it (the background redirection may not have run yet).
  : > "$STATE/registry.log"
  # shellcheck disable=SC2086
  setsid "$JAVA" $JAVA_OPTS \
    "-Dperceptwatch.registry.dir=$STATE" \
    -Dquarkus.http.host=127.0.0.1 "-Dquarkus.http.port=$port" \
    -Dquarkus.datasource.jdbc.initial-size=2 -Dquarkus.datasource.jdbc.min-size=2 \
    -jar "$RUN_JAR" > "$STATE/registry.log" 2>&1 < /dev/null &
  pid=$!
  echo "$pid" > "$STATE/pid"

  deadline=$((SECONDS + TIMEOUT))
  while :; do
    kill -0 "$pid" 2>/dev/null || { log_tail; rm -f "$STATE/pid"; die "the registry exited during start-up"; }
    if [[ "$port" == 0 ]]; then
      port="$(sed -n 's#.*Listening on: http://127\.0\.0\.1:\([0-9]*\).*#\1#p' "$STATE/registry.log" | head -n 1)"
      port="${port:-0}"
    fi
    if [[ "$port" != 0 && "$(http_code "http://127.0.0.1:$port/apis/ccompat/v7/subjects")" == 200 ]]; then
      break
    fi
    if (( SECONDS >= deadline )); then
      log_tail
      STOP_TIMEOUT=10 stop_pid "$pid"
      die "the registry was not ready within ${TIMEOUT}s"
    fi
    sleep 0.5
  done

  url="http://127.0.0.1:$port/apis/ccompat/v7"
  reply="$(curl -s --max-time 10 -X PUT -H 'Content-Type: application/vnd.schemaregistry.v1+json' \
    --data '{"compatibility":"BACKWARD"}' "$url/config" || true)"
  if [[ "$reply" != *'"BACKWARD"'* ]]; then
    log_tail
    STOP_TIMEOUT=10 stop_pid "$pid"
    die "could not set the global compatibility to BACKWARD at $url/config: ${reply:-no reply}"
  fi
  echo "$port" > "$STATE/port"
  echo "$url" > "$STATE/url"
  echo "registry.sh: registry ready at $url (pid $pid, log $STATE/registry.log)" >&2
  echo "$url"
}

stop_pid() { # stop_pid PID: SIGTERM to its process group, SIGKILL after STOP_TIMEOUT seconds
  local pid="$1" deadline
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  deadline=$((SECONDS + ${STOP_TIMEOUT:-$TIMEOUT}))
  while kill -0 "$pid" 2>/dev/null && (( SECONDS < deadline )); do sleep 0.2; done
  if kill -0 "$pid" 2>/dev/null; then
    echo "registry.sh: pid $pid did not stop after SIGTERM; sending SIGKILL" >&2
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  fi
}

cmd_stop() {
  local pid port
  if ! pid="$(running_pid)"; then
    echo "registry.sh: not running ($STATE)" >&2
    rm -f "$STATE/pid" "$STATE/url"
    return 0
  fi
  port="$(cat "$STATE/port" 2>/dev/null || true)"
  stop_pid "$pid"
  if [[ -n "$port" ]] && listening "$port"; then
    die "the registry (pid $pid) stopped but port $port is still bound"
  fi
  rm -f "$STATE/pid" "$STATE/url" "$STATE/port"
  echo "registry.sh: stopped (pid $pid)" >&2
}

cmd_status() {
  local pid
  if pid="$(running_pid)" && [[ -f "$STATE/url" ]]; then
    echo "registry.sh: running (pid $pid)" >&2
    cat "$STATE/url"
  else
    echo "registry.sh: not running ($STATE)" >&2
    exit 3
  fi
}

# --- arguments -----------------------------------------------------------------------------------------

[[ $# -ge 1 ]] || usage
COMMAND="$1"; shift
STATE="$REPO_ROOT/.ops/registry"
PORT=""
TIMEOUT=120
while [[ $# -gt 0 ]]; do
  case "$1" in
    --dir) [[ $# -ge 2 ]] || usage; STATE="$2"; shift 2 ;;
    --port) [[ $# -ge 2 && "$2" =~ ^[0-9]+$ ]] || usage; PORT="$2"; shift 2 ;;
    --timeout) [[ $# -ge 2 && "$2" =~ ^[0-9]+$ ]] || usage; TIMEOUT="$2"; shift 2 ;;
    *) usage ;;
  esac
done
# Absolute, so that the pid check matches however the dir was spelled.
[[ "$COMMAND" != start ]] || mkdir -p "$STATE"
[[ ! -d "$STATE" ]] || STATE="$(cd "$STATE" && pwd)"

case "$COMMAND" in
  build) cmd_build ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *) usage ;;
esac
