#!/usr/bin/env bash
# Kotlin: the uniffi bindings generated from the library, compiled with the test program
# (bindings/kotlin/src/test/kotlin) by the pinned Kotlin compiler against Debian's JNA, and run
# on the JVM over the shared vectors, the API and hostile input.
set -euo pipefail
cd "$(dirname "$0")/../.."
source .ci/tools.sh
tools_uniffi
root=$PWD
out="$root/target/uniffi/kotlin"
lib=$(bash bindings/uniffi/generate.sh kotlin "$out/src")
# The README's first kotlin block, compiled and run as one of the tests (imports stay on top).
awk '/^```kotlin$/ {on=1; next} on && /^```$/ {exit} on' bindings/kotlin/README.md > "$out/readme.block"
{
  echo "package fhirbus.test"
  grep '^import ' "$out/readme.block"
  echo "fun readmeExample() {"
  grep -v '^import ' "$out/readme.block"
  echo "}"
} > "$out/ReadmeExample.kt"
jna=/usr/share/java/jna.jar
kotlinc="$root/bindings/kotlin/node_modules/kotlin-compiler/bin/kotlinc-jvm"
"$kotlinc" -nowarn -include-runtime -jvm-target 17 -cp "$jna" -d "$out/tests.jar" \
  "$out/src/fhirbus/fhirbus.kt" "$out/ReadmeExample.kt" bindings/kotlin/src/test/kotlin/*.kt
java -XX:ErrorFile="$out/hs_err_%p.log" -Djna.library.path="$(dirname "$lib")" -cp "$out/tests.jar:$jna" fhirbus.test.MainKt \
  bindings/vectors/vectors.json core/test-data/fhir-consent
