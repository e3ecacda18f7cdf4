#!/usr/bin/env bash
# Builds the npm package of fhirbus-wasm into wasm/pkg/ (not committed):
#
#   cargo build -p fhirbus-wasm --release --target wasm32-unknown-unknown
#   wasm-bindgen --target nodejs  -> pkg/node/  (CommonJS, loads the .wasm synchronously)
#   wasm-bindgen --target web     -> pkg/web/   (ES module, `await init()` before use)
#   wasm-opt -O3 (npm binaryen, never Debian's binaryen 108) on the .wasm of both
#   node/index.js and web/index.js: the entry points, with the handle guard (wasm/js/)
#   pkg/package.json (wasm/npm/package.json with the crate's version) and pkg/README.md
#
# Then prints the .wasm size and its gzip size. Steps after cargo are skipped when their
# inputs did not change (a stamp in pkg/). Used by scripts/test/wasm-node.sh and
# scripts/test/wasm-browser.sh; run it by hand as `bash wasm/build.sh`.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export PATH="$HOME/.cargo/bin:$PATH"

log() { printf '[wasm-build] %s\n' "$*" >&2; }

# The npm tools (binaryen's wasm-opt, TypeScript, playwright-core, @noble/curves).
bash .ci/tools.sh js
wasm_opt="$root/bindings/js/node_modules/.bin/wasm-opt"

# wasm-bindgen's CLI must be the very version of the crate (pinned with `=` in Cargo.toml).
command -v wasm-bindgen >/dev/null 2>&1 || { echo "no wasm-bindgen CLI: bash .ci/tools.sh wasm" >&2; exit 1; }
pinned=$(sed -n 's/^wasm-bindgen = "=\([0-9.]*\)".*/\1/p' wasm/Cargo.toml)
locked=$(awk '/^name = "wasm-bindgen"$/ { getline; sub(/^version = "/, ""); sub(/"$/, ""); print; exit }' Cargo.lock)
cli=$(wasm-bindgen --version | awk '{ print $2 }')
if [ -z "$pinned" ] || [ "$pinned" != "$locked" ] || [ "$pinned" != "$cli" ]; then
  echo "wasm-bindgen versions differ: wasm/Cargo.toml pins '$pinned', Cargo.lock has '$locked', the CLI is '$cli'" >&2
  echo "(install the CLI with: bash .ci/tools.sh wasm)" >&2
  exit 1
fi

cargo build -p fhirbus-wasm --release --target wasm32-unknown-unknown
target_dir=$(cargo metadata --format-version 1 --no-deps | node -e \
  'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).target_directory))')
raw="$target_dir/wasm32-unknown-unknown/release/fhirbus_wasm.wasm"
version=$(cargo pkgid -p fhirbus-wasm | sed 's/.*[#@]//')

pkg=wasm/pkg
stamp=$( { sha256sum "$raw" wasm/build.sh wasm/npm/package.json wasm/README.md wasm/js/*; echo "$version $cli"; "$wasm_opt" --version; } | sha256sum | cut -d' ' -f1)
if [ -f "$pkg/.stamp" ] && [ "$(cat "$pkg/.stamp")" = "$stamp" ]; then
  log "pkg/ is up to date"
else
  work=$(mktemp -d "$root/wasm/.pkg.XXXXXX")
  chmod 755 "$work"
  trap 'rm -rf "$work"' EXIT
  wasm-bindgen --target nodejs --out-dir "$work/node" "$raw"
  wasm-bindgen --target web --out-dir "$work/web" "$raw"
  cmp -s "$work/node/fhirbus_wasm_bg.wasm" "$work/web/fhirbus_wasm_bg.wasm" || {
    echo "wasm-bindgen wrote different .wasm files for nodejs and web" >&2; exit 1; }
  log "wasm-opt -O3 ($("$wasm_opt" --version))"
  "$wasm_opt" -O3 "$work/web/fhirbus_wasm_bg.wasm" -o "$work/opt.wasm"
  for t in node web; do
    cp "$work/opt.wasm" "$work/$t/fhirbus_wasm_bg.wasm"
    rm -f "$work/$t/fhirbus_wasm_bg.wasm.d.ts"
  done
  rm "$work/opt.wasm"
  node wasm/js/entries.mjs "$work"
  node -e '
    const fs = require("fs");
    const [template, out, version] = process.argv.slice(1);
    const pkg = JSON.parse(fs.readFileSync(template, "utf8"));
    pkg.version = version;
    fs.writeFileSync(out, JSON.stringify(pkg, null, 2) + "\n");
  ' wasm/npm/package.json "$work/package.json" "$version"
  cp wasm/README.md "$work/README.md"
  echo "$stamp" > "$work/.stamp"
  rm -rf "$pkg"
  mv "$work" "$pkg"
  trap - EXIT
fi

wasm="$pkg/web/fhirbus_wasm_bg.wasm"
size=$(wc -c < "$wasm")
gz=$(gzip -9 -c "$wasm" | wc -c)
awk -v s="$size" -v g="$gz" 'BEGIN { printf "fhirbus_wasm_bg.wasm after wasm-opt: %d bytes (%.1f KiB), gzip -9: %d bytes (%.1f KiB); goal <= 300 KiB gzip\n", s, s / 1024, g, g / 1024 }'
if [ "$gz" -gt $((300 * 1024)) ]; then
  echo "the gzip size is over the 300 KiB goal" >&2
  exit 1
fi
