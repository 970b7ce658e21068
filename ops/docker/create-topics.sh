#!/bin/sh
# docker-compose's one-shot "topics" service: creates the topics listed in ops/topics.txt (the same list
# ops/kafka.sh uses locally) on the compose broker, replication factor 1, and leaves existing ones alone.
# Runs in the apache/kafka image; usage: create-topics.sh TOPICS_FILE BOOTSTRAP
set -eu
topics_file="$1"
bootstrap="$2"
# The apache/kafka image's tool; KAFKA_TOPICS replaces it (to run the script outside that image).
kafka_topics="${KAFKA_TOPICS:-/opt/kafka/bin/kafka-topics.sh}"

[ -r "$topics_file" ] || { echo "create-topics: cannot read $topics_file" >&2; exit 1; }

# Collect the lines first so that a malformed line fails before anything is created.
lines=$(grep -v -e '^[[:space:]]*#' -e '^[[:space:]]*$' "$topics_file")
echo "$lines" | while read -r name partitions configs rest; do
  case "$partitions" in
    ''|*[!0-9]*) echo "create-topics: $topics_file: bad partition count '$partitions' for '$name'" >&2; exit 1 ;;
  esac
  [ -z "$rest" ] || { echo "create-topics: $topics_file: extra columns after '$configs' for '$name'" >&2; exit 1; }
done

echo "$lines" | while read -r name partitions configs; do
  set -- --bootstrap-server "$bootstrap" --create --if-not-exists --topic "$name" \
    --partitions "$partitions" --replication-factor 1
  if [ -n "$configs" ] && [ "$configs" != "-" ]; then
    for config in $(echo "$configs" | tr ',' ' '); do
      set -- "$@" --config "$config"
    done
  fi
  "$kafka_topics" "$@"
  echo "create-topics: $name ($partitions partitions, configs: ${configs:--})"
done
