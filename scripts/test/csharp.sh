#!/usr/bin/env bash
# C#: the P/Invoke wrapper of bindings/csharp over the shared library, compiled with mono's mcs,
# and its tests (a plain runner that ends with "N passed, N failed"), including the shared
# vectors. See bindings/csharp/README.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash .ci/tools.sh csharp

cargo build -p fhirbus-ffi
out=target/csharp
rm -rf "$out" && mkdir -p "$out"
mcs -target:library -warnaserror -out:"$out/Fhirbus.dll" bindings/csharp/src/*.cs
mcs -warnaserror -r:"$out/Fhirbus.dll" -r:System.Json.dll -r:System.Numerics.dll -out:"$out/FhirbusTest.exe" bindings/csharp/test/*.cs
LD_LIBRARY_PATH="$PWD/target/debug${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" mono --debug "$out/FhirbusTest.exe" bindings/vectors/vectors.json
