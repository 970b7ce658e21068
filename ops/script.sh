# Sourced by ops/kafka.sh and ops/registry.sh: the repository root, the java they run, and how they fail and
# show their usage, the same for both.

SCRIPT="${BASH_SOURCE[1]}"
REPO_ROOT="$(cd "$(dirname "$SCRIPT")/.." && pwd)"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"

die() { echo "$(basename "$SCRIPT"): $*" >&2; exit 1; }

# The script sets USAGE_LINES (FIRST,LAST): the lines of its header that list its commands.
usage() {
  sed -n "${USAGE_LINES}p" "$SCRIPT" | sed 's/^# \{0,1\}//' >&2
  exit 2
}
