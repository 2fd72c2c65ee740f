#!/usr/bin/env bash
# Runs one fuzz target for a short, fixed time over its seed corpus; a crash,
# sanitizer report or timeout fails the test. With --config=libfuzzer the
# binary is a real libFuzzer; otherwise it is the standalone mutation driver.
#   run_fuzzer.sh BINARY CORPUS_DIR SECONDS
# FUZZ_SECONDS in the environment overrides SECONDS (make fuzz: a long run).
set -euo pipefail
binary=$1
corpus=$2
seconds=${FUZZ_SECONDS:-${3:-5}}
work=${TEST_TMPDIR:-/tmp}/corpus-$(basename "$binary")
mkdir -p "$work"
exec "$binary" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
  -print_final_stats=1 "$work" "$corpus"
