#!/usr/bin/env bash
# Installs, only when missing at the pinned version, every tool the build and the tests need.
# Sourced by .ci/run and by the README's set-up commands. Each step is cheap when already done.
set -euo pipefail

CBINDGEN_VERSION=0.29.4
# Must equal the `wasm-bindgen` crate pinned with `=` in wasm/Cargo.toml.
WASM_BINDGEN_VERSION=0.2.130
CARGO_FUZZ_VERSION=0.13.2

log() { printf '[tools] %s\n' "$*" >&2; }

have_version() { # have_version CMD VERSION
  command -v "$1" >/dev/null 2>&1 && "$1" --version 2>/dev/null | grep -q "$2"
}

apt_ready=0
apt_install() { # apt_install PKG...
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ $apt_ready -eq 0 ]; then apt-get update -qq; apt_ready=1; fi
  log "apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

tools_rust() {
  rustup target list --installed | grep -q wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
  rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
}

tools_cbindgen() {
  have_version cbindgen "$CBINDGEN_VERSION" || cargo install cbindgen --version "$CBINDGEN_VERSION" --locked
}

tools_wasm() {
  have_version wasm-bindgen "$WASM_BINDGEN_VERSION" || cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
}

tools_fuzz() {
  have_version cargo-fuzz "$CARGO_FUZZ_VERSION" || cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked
}

tools_debian() {
  apt_install valgrind mono-devel chromium libjna-java
}

tools_all() {
  tools_rust
  tools_debian
  tools_cbindgen
  tools_fuzz
  tools_wasm
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  tools_"${1:-all}"
fi
