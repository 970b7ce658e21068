#!/usr/bin/env bash
# A real Apache Kafka broker (KRaft, broker and controller in one process) for the local run, tests and
# benchmarks, with no Docker and no Kafka download: the broker's jars come from Maven Central through the
# Maven wrapper (ops/kafka/pom.xml), and the resolved classpath is cached in .ops/kafka-classpath.
#
#   ops/kafka.sh start  [--dir DIR] [--port PORT] [--controller-port PORT] [--timeout SECONDS]
#   ops/kafka.sh stop   [--dir DIR] [--timeout SECONDS]
#   ops/kafka.sh status [--dir DIR]
#   ops/kafka.sh create-topics [--dir DIR] [--partitions N]
#   ops/kafka.sh run-class [--dir DIR] CLASS [ARGS...]      e.g. org.apache.kafka.tools.ConsoleProducer
#   ops/kafka.sh classpath                                  the cached broker classpath
#
# The state dir (default .ops/kafka) holds: server.properties, data/ (log.dirs), logs/
# (server.log from log4j2, console.log for the JVM's own output), pid, bootstrap (host:port).
# `start` on a dir with formatted storage restarts the same broker with the same data, on the same ports
# as before when they are free (or --port).
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/script.sh"
OPS_KAFKA="$REPO_ROOT/ops/kafka"
TOPICS_FILE="$REPO_ROOT/ops/topics.txt"
HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx1g}"

USAGE_LINES=6,11

# --- state ---------------------------------------------------------------------------------------------

property() { # property FILE KEY -> value, empty if absent
  [[ -f "$1" ]] || return 0
  sed -n "s/^$2=//p" "$1" | tail -n 1
}

port_of() { # port_of LISTENER_NAME -> port from server.properties' listeners
  property "$STATE/server.properties" listeners | tr ',' '\n' | sed -n "s#^$1://[^:]*:##p"
}

running_pid() { # prints the broker's pid when it is running from this state dir
  local pid
  [[ -f "$STATE/pid" ]] || return 1
  pid="$(cat "$STATE/pid")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  # The pid must still be this dir's broker, not a recycled pid.
  tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -qF "kafka.Kafka $STATE/server.properties" || return 1
  echo "$pid"
}

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

free_ports() { # free_ports N -> N distinct ports that were free a moment ago
  python3 - "$1" <<'EOF'
import socket, sys
sockets = []
for _ in range(int(sys.argv[1])):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    sockets.append(s)
print(" ".join(str(s.getsockname()[1]) for s in sockets))
EOF
}

jars_exist() { # jars_exist CLASSPATH_FILE: false when a jar was removed from the local Maven repository
  local jar jars
  IFS=: read -r -a jars < "$1" || true # the file has no final newline
  for jar in "${jars[@]}"; do [[ -f "$jar" ]] || return 1; done
}

classpath() {
  # Cached per checkout (not per state dir, so that tests with fresh temporary dirs start at once) and
  # re-resolved when either pom changes; otherwise a start needs no Maven and no network.
  local key cached="$REPO_ROOT/.ops/kafka-classpath" stamp="$REPO_ROOT/.ops/kafka-classpath.key"
  key="$(cat "$OPS_KAFKA/pom.xml" "$REPO_ROOT/pom.xml" | sha256sum | cut -d' ' -f1)"
  if [[ ! -s "$cached" || "$(cat "$stamp" 2>/dev/null)" != "$key" ]] || ! jars_exist "$cached"; then
    mkdir -p "$REPO_ROOT/.ops"
    echo "kafka.sh: resolving the broker classpath with Maven (once)" >&2
    "$REPO_ROOT/mvnw" -B -q -f "$OPS_KAFKA/pom.xml" dependency:build-classpath \
      -Dmdep.outputFile="$cached.$$.tmp" >&2 || die "could not resolve the broker classpath (see Maven output above)"
    mv "$cached.$$.tmp" "$cached"
    echo "$key" > "$stamp"
  fi
  cat "$cached"
}

run_tool() { # run_tool CLASS ARGS... with the tools' logging (warnings to stderr)
  local cp
  cp="$(classpath)"
  "$JAVA" -Xmx512m -Dlog4j2.configurationFile="$OPS_KAFKA/log4j2-tools.properties" -cp "$cp" "$@"
}

# --- commands ------------------------------------------------------------------------------------------

write_server_properties() { # write_server_properties BROKER_PORT CONTROLLER_PORT
  cat > "$STATE/server.properties" <<EOF
# Written by ops/kafka.sh start; rewritten on every start.
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:$2
listeners=PLAINTEXT://127.0.0.1:$1,CONTROLLER://127.0.0.1:$2
advertised.listeners=PLAINTEXT://127.0.0.1:$1,CONTROLLER://127.0.0.1:$2
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
log.dirs=$STATE/data
EOF
  grep -v '^#' "$OPS_KAFKA/broker.properties" >> "$STATE/server.properties"
}

cmd_start() {
  local port="" controller_port="" timeout=90 pid
  while (($#)); do
    case "$1" in
      --port) port="$2"; shift 2 ;;
      --controller-port) controller_port="$2"; shift 2 ;;
      --timeout) timeout="$2"; shift 2 ;;
      *) die "start: unknown option '$1'" ;;
    esac
  done
  mkdir -p "$STATE"
  if pid="$(running_pid)"; then
    if [[ -n "$port" && "$port" != "$(port_of PLAINTEXT)" ]]; then
      die "a broker is already running from $STATE (pid $pid) on port $(port_of PLAINTEXT), not $port; stop it first"
    fi
    echo "kafka.sh: already running (pid $pid)" >&2
    cat "$STATE/bootstrap"
    return 0
  fi

  local cp previous_port previous_controller_port
  cp="$(classpath)"
  previous_port="$(port_of PLAINTEXT)"
  previous_controller_port="$(port_of CONTROLLER)"
  # A restart keeps its ports where it can, so clients and the quorum's voter endpoint stay valid.
  if [[ -z "$port" && -n "$previous_port" ]] && ! listening "$previous_port"; then port="$previous_port"; fi
  if [[ -z "$controller_port" && -n "$previous_controller_port" ]] && ! listening "$previous_controller_port"; then
    controller_port="$previous_controller_port"
  fi
  local picked
  read -r -a picked <<< "$(free_ports 2)"
  [[ -n "$port" ]] || port="${picked[0]}"
  [[ -n "$controller_port" ]] || controller_port="${picked[1]}"
  [[ "$port" != "$controller_port" ]] || controller_port="${picked[1]}"
  [[ "$port" != "$controller_port" ]] || controller_port="${picked[0]}"
  listening "$port" && die "port $port is in use"
  listening "$controller_port" && die "controller port $controller_port is in use"

  write_server_properties "$port" "$controller_port"
  if [[ ! -f "$STATE/data/meta.properties" ]]; then
    local cluster_id
    cluster_id="$(run_tool kafka.tools.StorageTool random-uuid)"
    local output
    output="$(run_tool kafka.tools.StorageTool format --standalone -t "$cluster_id" -c "$STATE/server.properties" 2>&1)" \
      || die "formatting the storage in $STATE/data failed: $output"
  fi

  mkdir -p "$STATE/logs"
  # A fresh server.log, so that the readiness check cannot match the previous run's line.
  [[ -f "$STATE/logs/server.log" ]] && mv -f "$STATE/logs/server.log" "$STATE/logs/server.log.previous"
  : > "$STATE/logs/server.log"
  local started=$SECONDS
  # setsid: the broker leads its own process group, so `stop` signals it whole and the caller's ^C does not.
  # No log4j2 shutdown hook: it would stop logging before Kafka's own shutdown hook logs the shutdown.
  # shellcheck disable=SC2086
  setsid "$JAVA" $HEAP_OPTS -XX:+UseG1GC -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$OPS_KAFKA/log4j2.properties" -Dkafka.logs.dir="$STATE/logs" \
    -Dlog4j2.shutdownHookEnabled=false \
    -cp "$cp" kafka.Kafka "$STATE/server.properties" \
    > "$STATE/logs/console.log" 2>&1 < /dev/null &
  pid=$!
  echo "$pid" > "$STATE/pid"

  until grep -q 'Kafka Server started' "$STATE/logs/server.log" 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 40 "$STATE/logs/server.log" "$STATE/logs/console.log" >&2 || true
      rm -f "$STATE/pid"
      die "the broker exited during start-up (logs above, full logs in $STATE/logs)"
    fi
    if ((SECONDS - started >= timeout)); then
      tail -n 40 "$STATE/logs/server.log" "$STATE/logs/console.log" >&2 || true
      cmd_stop
      die "the broker was not ready after ${timeout}s (logs above, full logs in $STATE/logs)"
    fi
    sleep 0.2
  done
  echo "127.0.0.1:$port" > "$STATE/bootstrap"
  echo "kafka.sh: broker ready in $((SECONDS - started))s (pid $pid, controller port $controller_port, logs in $STATE/logs)" >&2
  cat "$STATE/bootstrap"
}

cmd_stop() {
  local timeout=30 pid
  while (($#)); do
    case "$1" in
      --timeout) timeout="$2"; shift 2 ;;
      *) die "stop: unknown option '$1'" ;;
    esac
  done
  if ! pid="$(running_pid)"; then
    rm -f "$STATE/pid"
    echo "kafka.sh: not running ($STATE)" >&2
    return 0
  fi
  kill -TERM -- "-$pid" 2>/dev/null || true
  local deadline=$((SECONDS + timeout))
  while kill -0 -- "-$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
  if kill -0 -- "-$pid" 2>/dev/null; then
    echo "kafka.sh: the broker did not stop within ${timeout}s; killing it" >&2
    kill -KILL -- "-$pid" 2>/dev/null || true
    while kill -0 -- "-$pid" 2>/dev/null; do sleep 0.1; done
  fi
  rm -f "$STATE/pid"
  local listener_port
  for listener_port in $(port_of PLAINTEXT) $(port_of CONTROLLER); do
    if listening "$listener_port"; then die "stopped, but port $listener_port is still open"; fi
  done
  echo "kafka.sh: stopped (pid $pid)" >&2
}

cmd_status() {
  (($# == 0)) || die "status: unknown option '$1'"
  local pid
  if pid="$(running_pid)"; then
    echo "running pid=$pid bootstrap=$(cat "$STATE/bootstrap" 2>/dev/null) controller=127.0.0.1:$(port_of CONTROLLER) dir=$STATE"
  else
    echo "stopped dir=$STATE"
    return 3
  fi
}

cmd_create_topics() {
  local partitions=""
  while (($#)); do
    case "$1" in
      --partitions) partitions="$2"; shift 2 ;;
      *) die "create-topics: unknown option '$1'" ;;
    esac
  done
  [[ -z "$partitions" || "$partitions" =~ ^[1-9][0-9]*$ ]] || die "--partitions must be a positive number, not '$partitions'"
  running_pid > /dev/null || die "no broker is running from $STATE (start it first)"
  run_tool "$OPS_KAFKA/CreateTopics.java" "$TOPICS_FILE" "$(cat "$STATE/bootstrap")" ${partitions:+"$partitions"}
}

main() {
  (($#)) || usage
  local command="$1"; shift
  STATE="$REPO_ROOT/.ops/kafka"
  local args=()
  while (($#)); do
    if [[ "$1" == "--dir" ]]; then
      (($# >= 2)) || die "--dir needs a directory"
      STATE="$(realpath -m "$2")"
      shift 2
    elif [[ "$command" == run-class ]]; then
      break # the rest belongs to the class
    else
      args+=("$1"); shift
    fi
  done
  args+=("$@")
  case "$command" in
    start) cmd_start "${args[@]}" ;;
    stop) cmd_stop "${args[@]}" ;;
    status) cmd_status "${args[@]}" ;;
    create-topics) cmd_create_topics "${args[@]}" ;;
    run-class) ((${#args[@]})) || die "run-class needs a class name"; run_tool "${args[@]}" ;;
    classpath) classpath; echo ;;
    *) usage ;;
  esac
}

main "$@"
