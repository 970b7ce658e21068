#!/usr/bin/env bash
# Fail-over benchmark: the time from SIGKILL of the service to its next score, when it is started again at
# once, with the service's membership defaults ("static": static membership, 15 s session) and with the former
# ones ("dynamic": dynamic membership, Kafka's 45 s session), alternated on one broker and one consumer group.
#
#   ops/bench/failover.sh [--rounds N] [--rate EVENTS_PER_SECOND] [--steady SECONDS] [--images DIR]
#
# It starts a broker and the registry (ops/kafka.sh, ops/registry.sh) in a temporary dir, the demo producer
# at --rate (default 8), and Kafka's console consumer on the scores topic (read_committed: a score counts once
# its transaction is committed), printing each score's record time, which is its scored_at. Each round runs
# each mode once: start the service, let it score for --steady seconds (default 20), SIGKILL it, start it again
# at once, and measure from the kill to the first score scored after it: the restarted instance's first
# (scored_at, not the arrival, so a consumer slowed by the restart's CPU does not count). Needs the jar
# (./mvnw -B -q -pl streams-app -am package -DskipTests). Prints one line per kill and a JSON summary.
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$REPO_ROOT"
ROUNDS=3
RATE=8
STEADY=20
IMAGES="$REPO_ROOT/../shared/images"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rounds) ROUNDS="$2"; shift 2 ;;
    --rate) RATE="$2"; shift 2 ;;
    --steady) STEADY="$2"; shift 2 ;;
    --images) IMAGES="$2"; shift 2 ;;
    *) sed -n '6p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
  esac
done
JAR="$REPO_ROOT/streams-app/target/perceptwatch.jar"
[[ -f "$JAR" ]] || { echo "failover: no $JAR: build it with ./mvnw -B -q -pl streams-app -am package -DskipTests" >&2; exit 1; }
ops/registry.sh build >/dev/null
DIR="$(mktemp -d -t perceptwatch-failover-XXXXXX)"
PIDS=()
SERVICE=""
CONSUMER=""
cleanup() {
  [[ -n "$CONSUMER" ]] && kill -TERM -- "-$CONSUMER" 2>/dev/null || true
  [[ -n "$SERVICE" ]] && kill -KILL "$SERVICE" 2>/dev/null || true
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  ops/registry.sh stop --dir "$DIR/registry" >/dev/null 2>&1 || true
  ops/kafka.sh stop --dir "$DIR/kafka" >/dev/null 2>&1 || true
  rm -rf "$DIR"
}
trap cleanup EXIT
now_ms() { date +%s%3N; }

BOOTSTRAP="$(ops/kafka.sh start --dir "$DIR/kafka")"
ops/kafka.sh create-topics --dir "$DIR/kafka" >/dev/null
REGISTRY="$(ops/registry.sh start --dir "$DIR/registry")"
echo "failover: broker $BOOTSTRAP, registry $REGISTRY, in $DIR; $(uptime)"

# Each committed score's scored_at, in ms: "CreateTime:<ms>".
setsid ops/kafka.sh run-class --dir "$DIR/kafka" org.apache.kafka.tools.consumer.ConsoleConsumer \
  --bootstrap-server "$BOOTSTRAP" --topic perceptwatch.scores --isolation-level read_committed \
  --formatter-property print.timestamp=true --formatter-property print.value=false >"$DIR/scores.log" 2>"$DIR/consumer.err" &
CONSUMER=$!   # a session of its own: the script and its JVM stop together
sleep 3
java -Xmx256m -jar "$JAR" demo --bootstrap "$BOOTSTRAP" --registry "$REGISTRY" --rate "$RATE" --images "$IMAGES" \
  >"$DIR/demo.log" 2>&1 &
PIDS+=($!)

config() {   # mode -> properties file
  local file="$DIR/$1.properties"
  cat >"$file" <<PROPS
kafka.bootstrap.servers=$BOOTSTRAP
kafka.state.dir=$DIR/state
registry.url=$REGISTRY
metrics.port=0
PROPS
  if [[ "$1" == dynamic ]]; then
    printf 'kafka.group.instance.id=\nkafka.session.timeout.ms=45000\n' >>"$file"
  fi
  echo "$file"
}
start_service() {   # mode
  env -u PERCEPTWATCH_JAVA_OPTS java -Xms1g -Xmx1g -jar "$JAR" run --config "$(config "$1")" \
    >>"$DIR/service-$1.log" 2>&1 &
  SERVICE=$!
}
# The scored_at of the first score scored after $1 (ms), waiting up to $2 s; empty on a timeout.
first_score_after() {
  local deadline=$(( $(date +%s) + $2 ))
  while (( $(date +%s) < deadline )); do
    local at
    at="$(awk -F'CreateTime:' -v after="$1" 'NF > 1 && $2 + 0 > after { printf "%.0f\n", $2; exit }' "$DIR/scores.log")"
    [[ -n "$at" ]] && { echo "$at"; return; }
    kill -0 "$SERVICE" 2>/dev/null || { echo "failover: the service stopped" >&2; return; }
    sleep 0.2
  done
}

RESULTS=()
for round in $(seq 1 "$ROUNDS"); do
  if (( round % 2 )); then MODES=(dynamic static); else MODES=(static dynamic); fi
  for mode in "${MODES[@]}"; do
    started="$(now_ms)"
    start_service "$mode"
    first="$(first_score_after "$started" 180)"
    [[ -n "$first" ]] || { tail -n 30 "$DIR/service-$mode.log" >&2; exit 1; }
    cold="$(awk -v a="$started" -v b="$first" 'BEGIN { printf "%.1f", (b - a) / 1000 }')"
    sleep "$STEADY"
    killed="$(now_ms)"
    kill -KILL "$SERVICE"
    wait "$SERVICE" 2>/dev/null || true
    start_service "$mode"
    scored="$(first_score_after "$killed" 300)"
    [[ -n "$scored" ]] || { tail -n 30 "$DIR/service-$mode.log" >&2; exit 1; }
    seconds="$(awk -v a="$killed" -v b="$scored" 'BEGIN { printf "%.1f", (b - a) / 1000 }')"
    echo "failover: round $round, $mode: SIGKILL to the next score ${seconds} s (a start with the group free: ${cold} s); load $(cut -d' ' -f1-3 /proc/loadavg)"
    RESULTS+=("$mode $seconds")
    kill -TERM "$SERVICE"
    wait "$SERVICE" 2>/dev/null || true
    SERVICE=""
  done
done
printf '%s\n' "${RESULTS[@]}" | awk '
  { sum[$1] += $2; n[$1]++; all[$1] = all[$1] (all[$1] == "" ? "" : ", ") $2 }
  END { printf "{\"bench\": \"failover\", \"dynamic_45s_s\": [%s], \"static_15s_s\": [%s], \"dynamic_mean_s\": %.1f, \"static_mean_s\": %.1f}\n",
        all["dynamic"], all["static"], sum["dynamic"] / n["dynamic"], sum["static"] / n["static"] }'
