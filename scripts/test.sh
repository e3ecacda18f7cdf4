#!/usr/bin/env bash
# The test command (README.md, .ci/run): installs what is missing, then runs every test suite
# of every layer. Each suite is a script in scripts/test/, run in the order below; the run
# stops at nothing, reports every suite, and fails if any failed.
#   bash scripts/test.sh            all suites
#   bash scripts/test.sh rust c     only these
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD

SUITES=(rust c java csharp wasm-node wasm-browser python kotlin swift fuzz fhir-servers e2e)
[ $# -gt 0 ] && SUITES=("$@")

if ! bash .ci/tools.sh all; then
  echo "tool installation failed" >&2
  exit 1
fi
export PATH="$HOME/.cargo/bin:$PATH"

passed=0; failed=0; failed_names=()
for suite in "${SUITES[@]}"; do
  script="scripts/test/$suite.sh"
  if [ ! -f "$script" ]; then
    echo "== suite $suite: no script $script" >&2
    failed=$((failed+1)); failed_names+=("$suite"); continue
  fi
  echo "== suite $suite"
  start=$(date +%s)
  if (cd "$root" && bash "$script"); then
    passed=$((passed+1)); echo "== suite $suite passed in $(( $(date +%s) - start ))s"
  else
    failed=$((failed+1)); failed_names+=("$suite"); echo "== suite $suite FAILED after $(( $(date +%s) - start ))s"
  fi
done

[ $failed -gt 0 ] && echo "failed suites: ${failed_names[*]}"
echo "suites: $passed passed, $failed failed"
[ $failed -eq 0 ]
