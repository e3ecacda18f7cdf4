#!/usr/bin/env bash
# Builds the npm package of fhirbus-wasm into wasm/pkg/ (not committed):
#
#   cargo build -p fhirbus-wasm --release --target wasm32-unknown-unknown, sized for the web:
#     fat LTO, one codegen unit, opt-level "z", the curve and hash crates at opt-level 2 (the
#     workspace's release profile is left as it is; these are --config flags of this build)
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

# Size: opt-level "z" with fat LTO takes the module from about 450 to about 326 KiB gzipped;
# the curve and hash crates at opt-level 2 keep verify within about 10% of opt-level 3 for 2 KiB
# more ("z" there would make verify twice as slow, 3 would cost about 18 KiB).
size_flags=(--config 'profile.release.lto="fat"' --config 'profile.release.codegen-units=1'
  --config 'profile.release.opt-level="z"')
for crate in p256 primeorder primefield crypto-bigint elliptic-curve ecdsa sha2; do
  size_flags+=(--config "profile.release.package.$crate.opt-level=2")
done
cargo build -p fhirbus-wasm --release --target wasm32-unknown-unknown "${size_flags[@]}"
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
# The goal (issue 3) is 300 KiB gzipped for the whole API. Since the consent, ledger and access
# surface (issues 4 to 6) the module is over it (README.md, "Size and speed"): the build says so
# and fails only above a ceiling that catches a regression (such as losing the size flags above).
goal=$((300 * 1024))
ceiling=$((340 * 1024))
if [ "$gz" -gt "$goal" ]; then
  awk -v g="$gz" -v goal="$goal" 'BEGIN { printf "NOTE: over the 300 KiB gzip goal by %.1f KiB\n", (g - goal) / 1024 }' >&2
fi
if [ "$gz" -gt "$ceiling" ]; then
  echo "the gzip size is over the 340 KiB ceiling" >&2
  exit 1
fi
