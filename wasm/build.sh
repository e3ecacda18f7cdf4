#!/usr/bin/env bash
# Builds the npm package of fhirbus-wasm into wasm/pkg/ (not committed):
#
#   cargo +nightly build -p fhirbus-wasm --release --target wasm32-unknown-unknown, sized for
#     the web: fat LTO, one codegen unit, opt-level "z", the curve and hash crates at opt-level
#     2, std from source with immediate-abort panics (the workspace's release profile is left
#     as it is; these are --config and -Z flags of this build; stable when nightly fails)
#   wasm-bindgen --target nodejs  -> pkg/node/  (CommonJS, loads the .wasm synchronously)
#   wasm-bindgen --target web     -> pkg/web/   (ES module, `await init()` before use)
#   wasm/js/inline-multi3.mjs: compiler-rt's 64x64->128-bit multiply inlined (verify speed)
#   wasm-opt -O3 (npm binaryen, never Debian's binaryen 108) on the .wasm of both, dropping the
#     producers and target_features sections (metadata no engine reads)
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
# the curve and hash crates at opt-level 2 cost 2 KiB more than "z" and make verify 1.8 times
# as fast (3 costs about 27 KiB more for no measurable gain once __multi3 is inlined, below).
# Measured and left out: panic = "abort" (already the target's strategy: no change), opt-level
# "s" (+32 KiB), wasm-opt -Oz (2 KiB less, verify 8% slower) or -O3 --converge (1 KiB less, a
# slower build), --cfg cpubits="32" (32-bit limbs: no __multi3, but +6 KiB and verify 40%
# slower than with 64-bit limbs out of line).
size_flags=(--config 'profile.release.lto="fat"' --config 'profile.release.codegen-units=1'
  --config 'profile.release.opt-level="z"')
for crate in p256 primeorder primefield crypto-bigint elliptic-curve ecdsa sha2; do
  size_flags+=(--config "profile.release.package.$crate.opt-level=2")
done
# Beyond what stable offers, about 36 KiB gzipped (what takes the module under the goal): std
# built from source with the module (nightly, with its rust-src component), panics that trap
# at once (panic = "immediate-abort": no panic message, formatting or location kept; a panic
# was already an `unreachable` trap for JavaScript), std's `optimize_for_size`, and
# -Zlocation-detail=none. These are unstable flags of the nightly that .ci/tools.sh installs;
# should a nightly refuse them, the module is built on stable instead, about 29 KiB larger
# (the build says so; FHIRBUS_WASM_STABLE=1 asks for that build directly).
nightly_flags=(-Zbuild-std=std,panic_abort -Zbuild-std-features=optimize_for_size -Zpanic-immediate-abort
  --config 'profile.release.panic="immediate-abort"'
  --config "target.wasm32-unknown-unknown.rustflags=['-Zlocation-detail=none']")
built_with=stable
if [ "${FHIRBUS_WASM_STABLE:-0}" != 1 ] && rustup toolchain list | grep -q '^nightly'; then
  if { rustup component list --toolchain nightly --installed | grep -q '^rust-src' \
      || rustup component add rust-src --toolchain nightly; } \
    && cargo +nightly build -p fhirbus-wasm --release --target wasm32-unknown-unknown "${size_flags[@]}" "${nightly_flags[@]}"; then
    built_with="nightly ($(rustup run nightly rustc --version)), std from source"
  else
    log "WARNING: the nightly size build failed; building on stable (about 29 KiB larger gzipped)"
  fi
fi
if [ "$built_with" = stable ]; then
  cargo build -p fhirbus-wasm --release --target wasm32-unknown-unknown "${size_flags[@]}"
fi
log "built with $built_with"
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
  # __multi3 first (see wasm/js/inline-multi3.mjs): about 30% off verify for 3.5 KiB gzipped.
  log "inline __multi3, wasm-opt -O3 ($("$wasm_opt" --version))"
  node wasm/js/inline-multi3.mjs "$work/web/fhirbus_wasm_bg.wasm" "$work/inlined.wasm"
  "$wasm_opt" -O3 --strip-producers --strip-target-features "$work/inlined.wasm" -o "$work/opt.wasm"
  rm "$work/inlined.wasm"
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
awk -v s="$size" -v g="$gz" 'BEGIN { printf "fhirbus_wasm_bg.wasm after wasm-opt: %d bytes (%.1f KiB), gzip -9: %d bytes; goal <= 300,000 bytes gzip\n", s, s / 1024, g }'
# The goal (issue 3) is 300 KB (300,000 bytes) gzipped for the whole API: met by the nightly
# build above, missed by the stable fallback (the build says so). The build fails only above a
# ceiling that catches a regression (such as losing the size flags).
goal=300000
ceiling=$((340 * 1024))
if [ "$gz" -gt "$goal" ]; then
  awk -v g="$gz" -v goal="$goal" 'BEGIN { printf "NOTE: over the 300,000-byte gzip goal by %d bytes\n", g - goal }' >&2
fi
if [ "$gz" -gt "$ceiling" ]; then
  echo "the gzip size is over the 340 KiB ceiling" >&2
  exit 1
fi
