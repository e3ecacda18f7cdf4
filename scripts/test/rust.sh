#!/usr/bin/env bash
# Rust: every crate's tests on the default (AWS-LC) build, the core again on the portable
# backend alone, clippy with the workspace lints, and a wasm32 build of the core.
set -euo pipefail
cargo test --workspace
cargo test -p fhirbus --no-default-features
cargo clippy --workspace --all-targets -- -D warnings
cargo build -p fhirbus --no-default-features --target wasm32-unknown-unknown
