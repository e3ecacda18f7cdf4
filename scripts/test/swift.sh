#!/usr/bin/env bash
# Swift: the uniffi bindings generated from the library, and checked without a compiler (none
# can be had on these machines): the whole API declared, every C function of the header
# exported by the library, every load-time checksum equal to the library's. Not compiled.
set -euo pipefail
cd "$(dirname "$0")/../.."
out="$PWD/target/uniffi/swift"
lib=$(bash bindings/uniffi/generate.sh swift "$out")
python3 bindings/swift/check_generated.py "$out" "$lib"
