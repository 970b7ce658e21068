#!/usr/bin/env bash
# The README's run command: the whole service on this machine, no Docker. Starts a real Kafka broker
# (KRaft), the schema registry, the PerceptWatch service, Prometheus and Alertmanager when installed, and
# the demo producer; prints where everything is and a live one-line summary; Ctrl-C stops it all.
#
#   ops/run-local.sh [--no-demo] [--duration SECONDS] [--images DIR] [--state DIR]
#                    [--metrics-port PORT] [--console-port PORT] [--prometheus-port PORT] [--alertmanager-port PORT]
#                    [--window D] [--warmup-windows N] [--degrade-after D] [--recover-after D]
#
# --duration stops everything after that many seconds (for headless runs and tests); the default runs
# until Ctrl-C. State and logs live in --state (default .ops/: kafka/, registry/, local/ with the logs and
# alerts.log); delete it to start afresh. The window and demo timings default to a story that fits in ten
# minutes: 20 s windows, a baseline after 9 of them, degradation at 4m, recovery at 7m.
# PERCEPTWATCH_JAVA_OPTS replaces the service's JVM flags (default -Xms1g -Xmx1g -XX:+AlwaysPreTouch).
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"

DEMO=1
DURATION=0
IMAGES="$REPO_ROOT/../shared/images"
OPS="$REPO_ROOT/.ops"
METRICS_PORT=9400
CONSOLE_PORT=
PROMETHEUS_PORT=9090
ALERTMANAGER_PORT=9093
WINDOW=20s
WARMUP_WINDOWS=9
DEGRADE_AFTER=4m
RECOVER_AFTER=7m
while [[ $# -gt 0 ]]; do
  case "$1" in
    --no-demo) DEMO=0; shift ;;
    --duration) DURATION="$2"; shift 2 ;;
    --images) IMAGES="$2"; shift 2 ;;
    --state) OPS="$(mkdir -p "$2" && cd "$2" && pwd)"; shift 2 ;;
    --metrics-port) METRICS_PORT="$2"; shift 2 ;;
    --console-port) CONSOLE_PORT="$2"; shift 2 ;;
    --prometheus-port) PROMETHEUS_PORT="$2"; shift 2 ;;
    --alertmanager-port) ALERTMANAGER_PORT="$2"; shift 2 ;;
    --window) WINDOW="$2"; shift 2 ;;
    --warmup-windows) WARMUP_WINDOWS="$2"; shift 2 ;;
    --degrade-after) DEGRADE_AFTER="$2"; shift 2 ;;
    --recover-after) RECOVER_AFTER="$2"; shift 2 ;;
    *) sed -n '6,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
  esac
done
LOCAL="$OPS/local"
CONSOLE_PORT="${CONSOLE_PORT:-$((METRICS_PORT + 1))}"
CONSOLE_URL="http://127.0.0.1:$CONSOLE_PORT"
JAR="$REPO_ROOT/streams-app/target/perceptwatch.jar"
mkdir -p "$LOCAL"
PIDS=()

say() { printf '%s\n' "run-local: $*"; }

stop_all() {
  trap - INT TERM EXIT
  printf '\n'
  say "stopping"
  for (( i=${#PIDS[@]}-1; i>=0; i-- )); do
    kill -TERM "${PIDS[$i]}" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  ops/registry.sh stop --dir "$OPS/registry" >/dev/null 2>&1 || true
  ops/kafka.sh stop --dir "$OPS/kafka" >/dev/null 2>&1 || true
  say "stopped"
}
trap stop_all INT TERM EXIT

# --- build what is missing -------------------------------------------------------------------------------
if [[ ! -f "$JAR" ]] || [[ -n "$(find streams-app/src schemas/src models/manifest.json -newer "$JAR" -print -quit)" ]]; then
  say "building the service (the first build downloads dependencies)"
  ./mvnw -B -q -pl streams-app -am package -DskipTests
fi
ops/registry.sh build

# --- Kafka, topics, registry -------------------------------------------------------------------------------
BOOTSTRAP="$(ops/kafka.sh start --dir "$OPS/kafka")"
say "kafka at $BOOTSTRAP"
ops/kafka.sh create-topics --dir "$OPS/kafka" >/dev/null
REGISTRY="$(ops/registry.sh start --dir "$OPS/registry")"
say "schema registry at $REGISTRY"

# --- the service ---------------------------------------------------------------------------------------------
cat > "$LOCAL/perceptwatch.properties" <<PROPS
# Written by ops/run-local.sh. Short windows so that the demo's story (baseline, drift, recovery) fits in
# minutes; production defaults are 1 minute windows with 30 s grace and a baseline of 120 windows.
kafka.bootstrap.servers=$BOOTSTRAP
kafka.state.dir=$LOCAL/state
registry.url=$REGISTRY
metrics.port=$METRICS_PORT
console.port=$CONSOLE_PORT
windows.size=$WINDOW
windows.grace=2s
drift.warmup-windows=$WARMUP_WINDOWS
PROPS
# A fixed, pre-touched heap: growing the heap while scoring page-faults on fresh memory and cost the
# pipeline about a third of its throughput (docs/BENCHMARKS.md). Split on purpose: a list of JVM flags.
# The service reads every PERCEPTWATCH_* variable as a setting and refuses unknown ones: the launcher's own
# variables are not passed on.
# shellcheck disable=SC2086
env -u PERCEPTWATCH_JAVA_OPTS -u PERCEPTWATCH_MODELS \
  java ${PERCEPTWATCH_JAVA_OPTS:--Xms1g -Xmx1g -XX:+AlwaysPreTouch} -jar "$JAR" run \
  --config "$LOCAL/perceptwatch.properties" >"$LOCAL/service.log" 2>&1 &
PIDS+=($!)
say "service starting (log: $LOCAL/service.log)"
for _ in $(seq 1 180); do
  curl -sf "http://127.0.0.1:$METRICS_PORT/ready" >/dev/null 2>&1 && break
  kill -0 "${PIDS[-1]}" 2>/dev/null || { tail -n 30 "$LOCAL/service.log" >&2; say "the service stopped"; exit 1; }
  sleep 1
done
curl -sf "http://127.0.0.1:$METRICS_PORT/ready" >/dev/null || { tail -n 30 "$LOCAL/service.log" >&2; say "the service is not ready"; exit 1; }
say "service ready: metrics http://127.0.0.1:$METRICS_PORT/metrics, health /health, readiness /ready"
# The commands' links (tail alerts, examples) point here.
printf '%s\n' "$CONSOLE_URL" > "$LOCAL/console-url"
say "console $CONSOLE_URL/ (models, alerts and their worst images)"

# --- Prometheus and Alertmanager, when installed ----------------------------------------------------------------
if command -v prometheus >/dev/null && command -v prometheus-alertmanager >/dev/null; then
  # ops/prometheus/prometheus.yml with this run's paths and ports, so that runs with other --state dirs
  # never share a targets file.
  mkdir -p "$LOCAL/targets"
  printf '[{"targets": ["127.0.0.1:%s"]}]\n' "$METRICS_PORT" > "$LOCAL/targets/local.json"
  sed -e "s#targets/\*\.json#$LOCAL/targets/*.json#" -e "s#- rules/#- $REPO_ROOT/ops/prometheus/rules/#" \
      -e "s#127.0.0.1:9093#127.0.0.1:$ALERTMANAGER_PORT#" -e "s#scrape_interval: 15s#scrape_interval: 5s#" \
      ops/prometheus/prometheus.yml > "$LOCAL/prometheus.yml"
  prometheus --config.file="$LOCAL/prometheus.yml" --storage.tsdb.path="$OPS/prometheus" \
    --web.listen-address="127.0.0.1:$PROMETHEUS_PORT" >"$LOCAL/prometheus.log" 2>&1 &
  PIDS+=($!)
  prometheus-alertmanager --config.file=ops/prometheus/alertmanager.yml --storage.path="$OPS/alertmanager" \
    --web.listen-address="127.0.0.1:$ALERTMANAGER_PORT" --cluster.listen-address= >"$LOCAL/alertmanager.log" 2>&1 &
  PIDS+=($!)
  # Debian's Prometheus serves only its classic UI, whose alerts page is /classic/alerts (/alerts is 404);
  # the upstream release serves /alerts. Say the one that answers.
  ALERTS_PAGE=/alerts
  for _ in $(seq 1 30); do
    curl -sf "http://127.0.0.1:$PROMETHEUS_PORT/-/ready" >/dev/null 2>&1 && break
    sleep 0.5
  done
  if ! curl -sf -o /dev/null "http://127.0.0.1:$PROMETHEUS_PORT/alerts" \
      && curl -sf -o /dev/null "http://127.0.0.1:$PROMETHEUS_PORT/classic/alerts"; then
    ALERTS_PAGE=/classic/alerts
  fi
  say "prometheus http://127.0.0.1:$PROMETHEUS_PORT$ALERTS_PAGE (alerts), alertmanager http://127.0.0.1:$ALERTMANAGER_PORT"
else
  say "prometheus and alertmanager are not installed: sudo apt-get install --no-install-recommends prometheus prometheus-alertmanager"
fi

# --- the demo producer ---------------------------------------------------------------------------------------------
if [[ "$DEMO" == 1 ]]; then
  java -jar "$JAR" demo --bootstrap "$BOOTSTRAP" --registry "$REGISTRY" --images "$IMAGES" \
    --degrade-after "$DEGRADE_AFTER" --recover-after "$RECOVER_AFTER" >"$LOCAL/demo.log" 2>&1 &
  PIDS+=($!)
  say "demo producer streaming (log: $LOCAL/demo.log); sdxl-faces degrades after $DEGRADE_AFTER and recovers after $RECOVER_AFTER"
fi
# Alerts as they happen, for people and for the headless test.
java -jar "$JAR" tail alerts --from-beginning --bootstrap "$BOOTSTRAP" --registry "$REGISTRY" --console-url "$CONSOLE_URL" >"$LOCAL/alerts.log" 2>"$LOCAL/tail.log" &
PIDS+=($!)
say "alerts are written to $LOCAL/alerts.log; or: java -jar $JAR tail alerts --bootstrap $BOOTSTRAP --registry $REGISTRY"
say "topics: perceptwatch.generations -> perceptwatch.scores, .dead-letters, .window-stats, .alerts"

# --- live summary -------------------------------------------------------------------------------------------------
metric_sum() { # metric_sum NAME [LABEL_FILTER] -> sum of the samples of NAME in the last scrape
  awk -v name="$1" -v filter="${2:-}" '$1 ~ "^"name"({|$)" && index($1, filter) { s += $2 } END { printf "%d", s }' "$LOCAL/metrics.txt"
}
started=$(date +%s)
last_consumed=0
last_time=$started
while :; do
  sleep 5
  now=$(date +%s)
  for pid in "${PIDS[@]}"; do
    kill -0 "$pid" 2>/dev/null || { say "a process stopped unexpectedly (pid $pid); see $LOCAL/*.log"; exit 1; }
  done
  curl -sf "http://127.0.0.1:$METRICS_PORT/metrics" > "$LOCAL/metrics.txt" || continue
  consumed=$(metric_sum perceptwatch_events_consumed_total)
  scored=$(metric_sum perceptwatch_events_scored_total)
  dead=$(metric_sum perceptwatch_dead_letters_total)
  firing=$(awk '$1 ~ /^perceptwatch_drift_state\{/ && $2 >= 1 { n++ } END { printf "%d", n }' "$LOCAL/metrics.txt")
  rate=$(( (consumed - last_consumed) / (now - last_time > 0 ? now - last_time : 1) ))
  last_consumed=$consumed; last_time=$now
  printf '\r%s  events/s %-4s scored %-7s dead letters %-5s drift firing %-3s' "$(date +%T)" "$rate" "$scored" "$dead" "$firing"
  if [[ "$DURATION" -gt 0 && $(( now - started )) -ge "$DURATION" ]]; then
    break
  fi
done
