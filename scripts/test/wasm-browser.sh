#!/usr/bin/env bash
# WASM in headless Chromium. Builds and packs the npm package as wasm-node.sh does, then runs
# the same cases and shared vectors in Debian's /usr/bin/chromium, driven by playwright-core,
# against a static server on 127.0.0.1 that the test starts and stops
# (bindings/js/test/browser).
set -euo pipefail
cd "$(dirname "$0")/../.."

chromium=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$chromium" ]; then
  echo "no Chromium at $chromium (bash .ci/tools.sh debian installs Debian's chromium)" >&2
  exit 1
fi

bash wasm/build.sh
bash wasm/pack.sh
(cd bindings/js && CHROMIUM="$chromium" node --test test/browser/)
