#!/usr/bin/env bash
# Rebuild src/medmap/vendor/plotly-basic.min.js (the published pages' partial plotly.js:
# scatter, bar, pie) from the npm package, and check it against the recorded hash.
# Usage: scripts/build_plotly_bundle.sh [--update]   (--update records a new hash)
# The version follows the plotly.js that the installed Python plotly was built with.
set -euo pipefail
cd "$(dirname "$0")/.."
vendor=src/medmap/vendor
version=$(.venv/bin/python -c "from plotly.offline import get_plotlyjs_version as v; print(v())")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
(cd "$work" && npm pack --silent "plotly.js-basic-dist-min@$version" >/dev/null && tar xzf ./*.tgz)
cp "$work/package/plotly-basic.min.js" "$vendor/plotly-basic.min.js"
cp "$work/package/LICENSE" "$vendor/plotly-LICENSE.txt"
actual=$(sha256sum "$vendor/plotly-basic.min.js" | cut -d' ' -f1)
line="$actual  plotly.js-basic-dist-min@$version plotly-basic.min.js"
if [[ "${1:-}" == "--update" ]]; then
  echo "$line" > "$vendor/plotly-basic.sha256"
fi
expected=$(cut -d' ' -f1 "$vendor/plotly-basic.sha256")
if [[ "$actual" != "$expected" ]]; then
  echo "plotly-basic.min.js: sha256 $actual, expected $expected ($vendor/plotly-basic.sha256)" >&2
  exit 1
fi
echo "$line: ok"
