#!/usr/bin/env bash
# make cluster and the cluster tests run Debian's HAProxy in front of the app processes.
set -euo pipefail
if command -v haproxy >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "haproxy is missing; install it as root: apt-get install -y haproxy" >&2
  exit 1
fi
echo "installing Debian haproxy for make cluster..." >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq haproxy >/dev/null
command -v haproxy
