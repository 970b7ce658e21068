#!/usr/bin/env bash
# The README's run command: the whole service on this machine, no Docker. Starts a real Kafka broker
# (KRaft), the schema registry, the PerceptWatch service, Prometheus and Alertmanager when installed, and
# the demo producer; prints where everything is and a live one-line summary; Ctrl-C stops it all.
#
#   ops/run-local.sh [--no-demo] [--duration SECONDS] [--images DIR] [--metrics-port PORT]
#
# --duration stops everything after that many seconds (for headless runs and tests); the default runs
# until Ctrl-C. State and logs live in .ops/ (kafka/, registry/, local/); delete it to start afresh.
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"

DEMO=1
DURATION=0
IMAGES="$REPO_ROOT/../shared/images"
METRICS_PORT=9400
while [[ $# -gt 0 ]]; do
  case "$1" in
    --no-demo) DEMO=0; shift ;;
    --duration) DURATION="$2"; shift 2 ;;
    --images) IMAGES="$2"; shift 2 ;;
    --metrics-port) METRICS_PORT="$2"; shift 2 ;;
    *) sed -n '6,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
  esac
done

OPS="$REPO_ROOT/.ops"
LOCAL="$OPS/local"
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
  rm -f ops/prometheus/targets/local.json
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
# ten minutes; production defaults are 1 minute windows with 30 s grace.
kafka.bootstrap.servers=$BOOTSTRAP
kafka.state.dir=$LOCAL/state
registry.url=$REGISTRY
metrics.port=$METRICS_PORT
windows.size=20s
windows.grace=5s
drift.warmup-windows=5
PROPS
java -jar "$JAR" run --config "$LOCAL/perceptwatch.properties" >"$LOCAL/service.log" 2>&1 &
PIDS+=($!)
say "service starting (log: $LOCAL/service.log)"
for _ in $(seq 1 180); do
  curl -sf "http://127.0.0.1:$METRICS_PORT/ready" >/dev/null 2>&1 && break
  kill -0 "${PIDS[-1]}" 2>/dev/null || { tail -n 30 "$LOCAL/service.log" >&2; say "the service stopped"; exit 1; }
  sleep 1
done
curl -sf "http://127.0.0.1:$METRICS_PORT/ready" >/dev/null || { tail -n 30 "$LOCAL/service.log" >&2; say "the service is not ready"; exit 1; }
say "service ready: metrics http://127.0.0.1:$METRICS_PORT/metrics, health /health, readiness /ready"

# --- Prometheus and Alertmanager, when installed ----------------------------------------------------------------
if command -v prometheus >/dev/null && command -v prometheus-alertmanager >/dev/null; then
  printf '[{"targets": ["127.0.0.1:%s"]}]\n' "$METRICS_PORT" > ops/prometheus/targets/local.json
  prometheus --config.file=ops/prometheus/prometheus.yml --storage.tsdb.path="$OPS/prometheus" \
    --web.listen-address=127.0.0.1:9090 >"$LOCAL/prometheus.log" 2>&1 &
  PIDS+=($!)
  prometheus-alertmanager --config.file=ops/prometheus/alertmanager.yml --storage.path="$OPS/alertmanager" \
    --web.listen-address=127.0.0.1:9093 --cluster.listen-address= >"$LOCAL/alertmanager.log" 2>&1 &
  PIDS+=($!)
  say "prometheus http://127.0.0.1:9090 (alerts: /alerts), alertmanager http://127.0.0.1:9093"
else
  say "prometheus and alertmanager are not installed: sudo apt-get install --no-install-recommends prometheus prometheus-alertmanager"
fi

# --- the demo producer ---------------------------------------------------------------------------------------------
if [[ "$DEMO" == 1 ]]; then
  java -jar "$JAR" demo --bootstrap "$BOOTSTRAP" --registry "$REGISTRY" --images "$IMAGES" >"$LOCAL/demo.log" 2>&1 &
  PIDS+=($!)
  say "demo producer streaming (log: $LOCAL/demo.log); one model degrades after 3 minutes and recovers after 6"
fi
say "follow alerts:  java -jar $JAR tail alerts --bootstrap $BOOTSTRAP --registry $REGISTRY"
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
  firing=$(awk '$1 ~ /^perceptwatch_drift_state\{/ && $2 == 1 { n++ } END { printf "%d", n }' "$LOCAL/metrics.txt")
  rate=$(( (consumed - last_consumed) / (now - last_time > 0 ? now - last_time : 1) ))
  last_consumed=$consumed; last_time=$now
  printf '\r%s  events/s %-4s scored %-7s dead letters %-5s drift firing %-3s' "$(date +%T)" "$rate" "$scored" "$dead" "$firing"
  if [[ "$DURATION" -gt 0 && $(( now - started )) -ge "$DURATION" ]]; then
    break
  fi
done
