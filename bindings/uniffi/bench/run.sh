#!/usr/bin/env bash
# The cost of crossing the uniffi layer for verify: the direct Rust call, then Kotlin (JVM,
# JNA) and Python (ctypes) through the release library, same key, message and signature.
#   bash bindings/uniffi/bench/run.sh
# Run it on a quiet machine; each part takes about 10 to 30 seconds.
set -euo pipefail
cd "$(dirname "$0")/../../.."
source .ci/tools.sh
tools_uniffi
root=$PWD
out="$root/target/uniffi/bench"
mkdir -p "$out"

cargo build -q --release -p fhirbus-uniffi --lib --example verify_cost
release_lib="$root/target/release/libfhirbus_uniffi.so"
echo "== rust (direct)"
"$root/target/release/examples/verify_cost"

# Generated from the debug library: the bindings are the same for either profile (the load-time
# checksums would fail otherwise).
bash bindings/uniffi/generate.sh python "$out/python" >/dev/null
cp "$release_lib" "$out/python/"
echo "== python"
PYTHONPATH="$out/python" python3 bindings/python/bench/verify_cost.py

bash bindings/uniffi/generate.sh kotlin "$out/kotlin-src" >/dev/null
jna=/usr/share/java/jna.jar
"$root/bindings/kotlin/node_modules/kotlin-compiler/bin/kotlinc-jvm" -nowarn -include-runtime -jvm-target 17 \
  -cp "$jna" -d "$out/bench.jar" "$out/kotlin-src/fhirbus/fhirbus.kt" bindings/kotlin/bench/VerifyCost.kt
echo "== kotlin"
java -XX:ErrorFile="$out/hs_err_%p.log" -Djna.library.path="$(dirname "$release_lib")" -cp "$out/bench.jar:$jna" fhirbus.bench.VerifyCostKt \
  bindings/uniffi/bench/signature.hex
