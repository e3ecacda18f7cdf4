#!/usr/bin/env bash
# C: the C ABI (ffi/) from C. Builds the library, checks that include/fhirbus.h is what
# cbindgen generates and that the tests call every function it declares, then runs the API
# tests and the shared vectors against the static and the shared library, plainly, under
# ASan/UBSan (static) and under valgrind (both). See bindings/c/README.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash .ci/tools.sh c
bash .ci/tools.sh cbindgen
export PATH="$HOME/.cargo/bin:$PATH"

cargo build -p fhirbus-ffi

echo "== header: include/fhirbus.h is current"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cbindgen --quiet --config ffi/cbindgen.toml --crate fhirbus-ffi --output "$tmp/fhirbus.h" ffi
if ! diff -u include/fhirbus.h "$tmp/fhirbus.h"; then
  echo "include/fhirbus.h is stale: regenerate it with" >&2
  echo "  cbindgen --config ffi/cbindgen.toml --crate fhirbus-ffi --output include/fhirbus.h ffi" >&2
  exit 1
fi

echo "== the static library's native libraries are the ones the Makefile links"
want=$(sed -n 's/^NATIVE_LIBS := //p' bindings/c/Makefile)
native_libs() {
  cargo rustc -q -p fhirbus-ffi --crate-type staticlib -- --print native-static-libs 2>&1 \
    | sed -n 's/.*native-static-libs: //p' | tr ' ' '\n' | awk 'NF && !seen[$0]++' | sort | tr '\n' ' '
}
got=$(native_libs)
if [ -z "$got" ]; then # cargo found the unit fresh and did not run rustc: make it run
  touch ffi/src/lib.rs
  got=$(native_libs)
fi
want_sorted=$(echo "$want" | tr ' ' '\n' | awk 'NF' | sort | tr '\n' ' ')
if [ "$got" != "$want_sorted" ]; then
  echo "native-static-libs changed: cargo prints '$got', the Makefile has '$want_sorted'" >&2
  exit 1
fi

echo "== every function of the header is called by the C tests"
missing=0
fns=$(grep -vE '^\s*//' include/fhirbus.h | grep -oE 'fhirbus_[a-z0-9_]+\(' | tr -d '(' | sort -u)
[ "$(echo "$fns" | wc -w)" -gt 50 ]
for fn in $fns; do
  if ! grep -q "\b$fn(" bindings/c/test_api.c bindings/c/test_vectors.c bindings/c/test_ledger.c; then
    echo "not tested: $fn" >&2
    missing=$((missing+1))
  fi
done
[ "$missing" -eq 0 ]

make -C bindings/c --no-print-directory run
