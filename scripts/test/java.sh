#!/usr/bin/env bash
# Java: the JNA wrapper of bindings/java over the shared library, and its tests (a plain runner
# that ends with "N passed, N failed"), including the shared vectors. JDK 17 and Debian's
# libjna-java (see bindings/java/README.md).
set -euo pipefail
cd "$(dirname "$0")/../.."
bash .ci/tools.sh java

cargo build -p fhirbus-ffi
out=target/java
rm -rf "$out" && mkdir -p "$out"
JNA=/usr/share/java/jna.jar
javac -Xlint:all -Werror --release 17 -cp "$JNA" -d "$out/classes" $(find bindings/java/src -name '*.java')
javac -Xlint:all,-try -Werror --release 17 -cp "$JNA:$out/classes" -d "$out/test-classes" $(find bindings/java/test -name '*.java')
java -Djna.library.path="$PWD/target/debug" -Djna.boot.library.path=/usr/lib/x86_64-linux-gnu/jni \
  -cp "$JNA:$out/classes:$out/test-classes" org.fhirbus.FhirbusTest bindings/vectors/vectors.json
