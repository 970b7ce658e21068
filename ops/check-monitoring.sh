#!/usr/bin/env bash
# Validates the monitoring configuration with the real tools: Prometheus config and rules, the rules'
# unit tests, Alertmanager config. Installs Debian's prometheus and prometheus-alertmanager when missing.
set -euo pipefail
cd "$(dirname "$0")/prometheus"

if ! command -v promtool >/dev/null || ! command -v amtool >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "check-monitoring: installing prometheus and prometheus-alertmanager (Debian packages)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends prometheus prometheus-alertmanager
  else
    echo "check-monitoring: promtool and amtool are required; install them as root with" >&2
    echo "  apt-get install -y --no-install-recommends prometheus prometheus-alertmanager" >&2
    exit 1
  fi
fi

promtool check config prometheus.yml
promtool check config prometheus-compose.yml
promtool check rules rules/perceptwatch-alerts.yml
promtool test rules rules/perceptwatch-alerts.test.yml
amtool check-config alertmanager.yml
