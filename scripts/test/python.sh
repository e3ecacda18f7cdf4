#!/usr/bin/env bash
# Python: the uniffi module generated from the library, put beside a copy of the library, and
# bindings/python/tests run with pytest (the shared vectors, the API, hostile input).
set -euo pipefail
cd "$(dirname "$0")/../.."
source .ci/tools.sh
tools_uniffi
out="$PWD/target/uniffi/python"
lib=$(bash bindings/uniffi/generate.sh python "$out")
cp "$lib" "$out/"
export FHIRBUS_PYTHON_MODULE_DIR="$out"
export FHIRBUS_VECTORS="$PWD/bindings/vectors/vectors.json"
# pytest exits 5 when it collected no test: that is a failure here like any other non-zero.
python3 -m pytest -q -p no:cacheprovider bindings/python/tests
