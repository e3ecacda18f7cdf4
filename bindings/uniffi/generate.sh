#!/usr/bin/env bash
# Builds the uniffi library and generates its bindings for one language, from the library
# itself (uniffi "library mode"); nothing generated is checked in. The Kotlin output gets one
# fix (bindings/uniffi/patch_kotlin.py: destroyed objects passed as arguments).
#   bash bindings/uniffi/generate.sh kotlin|swift|python OUT_DIR
# Prints the path of the built library (libfhirbus_uniffi.so) on stdout.
set -euo pipefail
lang=$1 out=$2
cd "$(dirname "$0")/../.."
target=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
lib="$target/debug/libfhirbus_uniffi.so"
# One feature set for the library and the generator, so neither build undoes the other.
cargo build -q -p fhirbus-uniffi --features cli >&2
rm -rf "$out"
mkdir -p "$out"
cargo run -q -p fhirbus-uniffi --features cli --bin uniffi-bindgen -- \
  generate --library "$lib" --language "$lang" --no-format --out-dir "$out" >&2
if [ "$lang" = kotlin ]; then
  python3 bindings/uniffi/patch_kotlin.py "$out/fhirbus/fhirbus.kt"
fi
echo "$lib"
