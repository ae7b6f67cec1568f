#!/usr/bin/env bash
# Installs the Debian packages named (each a command of the same name) that are missing:
# the browser tests drive chromium (Playwright cannot download browsers here), make cluster
# and its tests run haproxy in front of the app processes.
set -euo pipefail
missing=()
for package in "$@"; do
  command -v "$package" >/dev/null 2>&1 || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "missing: ${missing[*]}; install as root: apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "installing Debian ${missing[*]}..." >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null
for package in "${missing[@]}"; do
  command -v "$package"
done
