#!/usr/bin/env bash
# Installs, only when missing at the pinned version, every tool the build and the tests need.
# Sourced by .ci/run and by the README's set-up commands. Each step is cheap when already done.
set -euo pipefail

CBINDGEN_VERSION=0.29.4
# Must equal the `wasm-bindgen` crate pinned with `=` in wasm/Cargo.toml.
WASM_BINDGEN_VERSION=0.2.130
CARGO_FUZZ_VERSION=0.13.2
# Installed only when no pytest is there (any recent pytest runs bindings/python/tests).
PYTEST_VERSION=9.2.0

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

# The npm tools of the WASM package and its tests (bindings/js/package.json, locked by its
# package-lock.json): binaryen's wasm-opt, TypeScript, playwright-core, @noble/curves. `npm ci`
# runs only when node_modules is missing or older than the lock file (a SHA-256 stamp).
tools_js() {
  local dir want
  dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/bindings/js"
  command -v npm >/dev/null 2>&1 || apt_install nodejs npm
  [ -f "$dir/package-lock.json" ] || { log "no bindings/js/package-lock.json: npm tools skipped"; return 0; }
  want=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
  if [ -d "$dir/node_modules" ] && [ "$(cat "$dir/node_modules/.fhirbus-lock-sha256" 2>/dev/null)" = "$want" ]; then
    return 0
  fi
  log "npm ci in bindings/js"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >&2)
  printf '%s\n' "$want" > "$dir/node_modules/.fhirbus-lock-sha256"
}

tools_fuzz() {
  have_version cargo-fuzz "$CARGO_FUZZ_VERSION" || cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked
}

tools_debian() {
  apt_install valgrind mono-devel chromium libjna-java
}

# The HAPI FHIR server jar (fhir-server/, a Maven project) that scripts/fhir-servers.sh runs.
# Built only when the jar is missing or fhir-server/'s sources changed since the last build
# (a SHA-256 stamp over pom.xml and src/). Maven goes offline first, so a machine whose ~/.m2
# already holds the dependencies (about 300 MB, fetched once from Maven Central) builds
# without the network.
tools_fhir() {
  local dir stamp_file want have
  dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/fhir-server"
  stamp_file="$dir/target/.fhirbus-build-stamp"
  command -v java >/dev/null 2>&1 || apt_install openjdk-17-jdk-headless
  command -v mvn >/dev/null 2>&1 || apt_install maven
  # The end-to-end test makes a CA and a server certificate for its HTTPS FHIR server.
  command -v openssl >/dev/null 2>&1 || apt_install openssl
  # Bump the recipe number when the steps below change: the next call rebuilds.
  want=$(cd "$dir" && { echo recipe-2; find pom.xml src -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum; } | sha256sum | cut -d' ' -f1)
  have=$(cat "$stamp_file" 2>/dev/null || true)
  if [ -f "$dir/target/fhirbus-fhir-server.jar" ] && [ -d "$dir/target/lib" ] && [ "$want" = "$have" ]; then
    return 0
  fi
  log "building the FHIR server jar (fhir-server/)"
  # copy-dependencies would keep jars of versions no longer used; an old archive no longer fits
  rm -rf "$dir/target/lib" "$dir/target/fhirbus-fhir-server.jsa"
  (cd "$dir" && { mvn -o -q -B package -DskipTests >/dev/null 2>&1 || mvn -q -B package -DskipTests; })
  # A training run (start on a free port, one request of each kind, exit) records the classes
  # loaded into a class-data-sharing archive: later starts take about 40% less CPU.
  log "recording the FHIR server's class-data-sharing archive (about 30 s)"
  if ! (cd "$dir/target" && java -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
      -XX:ArchiveClassesAtExit=fhirbus-fhir-server.jsa -Xlog:cds=off -Xlog:cds+dynamic=off \
      -jar fhirbus-fhir-server.jar --port 0 --name training --exit-when-ready > training.log 2>&1); then
    log "training run failed (see $dir/target/training.log); the servers will start without the archive"
    rm -f "$dir/target/fhirbus-fhir-server.jsa"
  fi
  printf '%s\n' "$want" > "$stamp_file"
}

# The C tests (scripts/test/c.sh) read the shared vectors with jansson.
tools_c() {
  apt_install libjansson-dev
}

# The uniffi layer's tests (scripts/test/kotlin.sh, python.sh, swift.sh): the Kotlin compiler
# pinned by bindings/kotlin/package-lock.json (npm `kotlin-compiler`), run on the JDK with
# Debian's JNA; pytest for Python. `npm ci` runs only when node_modules is missing or older
# than the lock file (a SHA-256 stamp). Swift has no compiler on these machines (only generated).
tools_uniffi() {
  local dir want
  dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/bindings/kotlin"
  command -v java >/dev/null 2>&1 || apt_install openjdk-17-jdk-headless
  command -v npm >/dev/null 2>&1 || apt_install nodejs npm
  apt_install libjna-java
  if ! python3 -m pytest --version >/dev/null 2>&1; then
    log "pip install pytest"
    python3 -m pip install --quiet "pytest==$PYTEST_VERSION" >&2 \
      || python3 -m pip install --quiet --break-system-packages "pytest==$PYTEST_VERSION" >&2
  fi
  [ -f "$dir/package-lock.json" ] || { log "no bindings/kotlin/package-lock.json: Kotlin compiler skipped"; return 0; }
  want=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
  if ! { [ -x "$dir/node_modules/kotlin-compiler/bin/kotlinc-jvm" ] \
      && [ "$(cat "$dir/node_modules/.fhirbus-lock-sha256" 2>/dev/null)" = "$want" ]; }; then
    log "npm ci in bindings/kotlin (kotlin-compiler)"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >&2)
    printf '%s\n' "$want" > "$dir/node_modules/.fhirbus-lock-sha256"
  fi
}

# The Java tests (scripts/test/java.sh): a JDK and JNA from Debian.
tools_java() {
  command -v javac >/dev/null 2>&1 || apt_install openjdk-17-jdk-headless
  apt_install libjna-java
}

# The C# tests (scripts/test/csharp.sh): mono's mcs.
tools_csharp() {
  apt_install mono-devel
}

tools_all() {
  tools_rust
  tools_debian
  tools_cbindgen
  tools_fuzz
  tools_wasm
  tools_js
  tools_uniffi
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  tools_"${1:-all}"
fi
