#!/usr/bin/env bash
# Runs the demo with the test's binaries and a scratch state directory, and
# stops the log it leaves running.
set -euo pipefail
state=$TEST_TMPDIR/demo
bin=$TEST_TMPDIR/bin
mkdir -p "$bin"
ln -sf "$PWD/log/server/candor-log" "$bin/candor-log"
ln -sf "$PWD/client/candor" "$bin/candor"
trap 'kill $(cat "$state/log.pid") 2>/dev/null || true' EXIT
out=$(tests/demo/run_demo.sh "$bin" "$state")
echo "$out"
grep -q "OK: entry 0 is in the log \"demo.candor.example/log\" of size 1" <<<"$out"
grep -q "(exit code 1, as expected)" <<<"$out"
