#!/usr/bin/env bash
# WASM in Node. Builds the npm package (wasm/build.sh: cargo for wasm32, wasm-bindgen for Node
# and the web, wasm-opt from npm binaryen; prints the .wasm size and its gzip size), packs it
# with npm pack and checks the tarball (wasm/pack.sh), type-checks the TypeScript declarations
# (tsc on bindings/js/types), then runs the node:test suite (bindings/js/test/node): the whole
# API, hostile input and the shared vectors, through the package's Node and web entries.
set -euo pipefail
cd "$(dirname "$0")/../.."

bash wasm/build.sh
bash wasm/pack.sh
(cd bindings/js && ./node_modules/.bin/tsc -p types && echo "tsc: the declarations type-check (bindings/js/types)")
(cd bindings/js && node --test test/node/)
