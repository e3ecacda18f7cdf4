#!/usr/bin/env bash
# A short cargo-fuzz run of every target (seconds each, from the checked-in seeds): enough to
# catch a regression in CI; long campaigns are run by hand with a larger FUZZ_SECONDS.
set -euo pipefail
cd fuzz
seconds=${FUZZ_SECONDS:-15}
for target in $(cargo +nightly fuzz list); do
  corpus="corpus/$target"
  mkdir -p "$corpus"
  [ -d "seeds/$target" ] && cp -n seeds/"$target"/* "$corpus"/ 2>/dev/null || true
  echo "fuzzing $target for ${seconds}s"
  cargo +nightly fuzz run "$target" "$corpus" -- -max_total_time="$seconds" -rss_limit_mb=2048 2>&1 | tail -n 3
done
