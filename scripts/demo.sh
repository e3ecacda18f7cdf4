#!/usr/bin/env bash
# The main job: `fhirbus demo`, the whole exchange on a fresh embedded network, against two real
# HAPI FHIR servers (one per hospital) on loopback. Installs and builds what is missing, starts
# the servers unless they already run (and then stops them again), and exits with the demo's
# own code: 0 only if every step did what it should.
#   FHIRBUS_DEMO_DIR   where the network is created (default: a fresh target/demo-net-*)
#   extra arguments    passed to `fhirbus demo` (e.g. --json)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

bash .ci/tools.sh fhir
cargo build -q -p fhirbus-cli

started=0
stop_servers() { [ $started -eq 1 ] && bash scripts/fhir-servers.sh stop || true; }
trap stop_servers EXIT
if ! bash scripts/fhir-servers.sh status >/dev/null 2>&1; then
  bash scripts/fhir-servers.sh start
  started=1
fi
bash scripts/fhir-servers.sh wait
{ read -r url_a; read -r url_b; } < <(bash scripts/fhir-servers.sh urls)

dir="${FHIRBUS_DEMO_DIR:-target/demo-net-$(date +%Y%m%d-%H%M%S)-$$}"
./target/debug/fhirbus --dir "$dir" demo --fhir-a "$url_a" --fhir-b "$url_b" "$@"
