#!/usr/bin/env bash
# Packs wasm/pkg with `npm pack`, checks that the tarball holds the package's .wasm, JavaScript
# and TypeScript declarations, and unpacks it into bindings/js/node_modules/fhirbus-wasm, where
# the Node and browser tests import it from, as a user who installed it would.
# Run after wasm/build.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
tarball=$(cd wasm/pkg && npm pack --silent --pack-destination "$out" 2>/dev/null | tail -1)
tarball="$out/$tarball"
[ -f "$tarball" ] || { echo "npm pack wrote no tarball" >&2; exit 1; }

listing=$(tar -tzf "$tarball" | sort)
missing=0
for f in package.json README.md \
         node/index.js node/index.d.ts node/fhirbus_wasm.js node/fhirbus_wasm.d.ts node/fhirbus_wasm_bg.wasm \
         web/package.json web/index.js web/index.d.ts web/fhirbus_wasm.js web/fhirbus_wasm.d.ts web/fhirbus_wasm_bg.wasm; do
  if ! grep -qx "package/$f" <<<"$listing"; then echo "tarball lacks $f" >&2; missing=1; fi
done
[ $missing -eq 0 ] || { echo "$listing" >&2; exit 1; }
echo "npm pack: $(basename "$tarball"), $(wc -c < "$tarball") bytes, $(wc -l <<<"$listing") files: .wasm, JS and .d.ts present"

dest=bindings/js/node_modules/fhirbus-wasm
[ -d bindings/js/node_modules ] || { echo "bindings/js/node_modules is missing: run bash .ci/tools.sh js" >&2; exit 1; }
rm -rf "$dest"
mkdir -p "$dest"
tar -xzf "$tarball" --strip-components=1 -C "$dest"
