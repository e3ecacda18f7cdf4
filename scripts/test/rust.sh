#!/usr/bin/env bash
# Rust: every crate's tests on the default (AWS-LC) build, the core again on the portable
# backend alone, clippy with the workspace lints, the API docs with no broken or private
# links, and a wasm32 build of the core.
set -euo pipefail
cargo test --workspace
cargo test -p fhirbus --no-default-features
cargo clippy --workspace --all-targets -- -D warnings
# One crate at a time: the CLI's binary shares the core's name, and documenting both at once
# collides (cargo issue 6313).
for crate in fhirbus fhirbus-ffi fhirbus-uniffi fhirbus-wasm fhirbus-cli fhirbus-benches; do
    RUSTDOCFLAGS="-D warnings" cargo doc -p "$crate" --no-deps
done
cargo build -p fhirbus --no-default-features --target wasm32-unknown-unknown
