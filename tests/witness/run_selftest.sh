#!/bin/sh
# Runs the independent C2SP tlog self-test (tlogpy_selftest.py) under Bazel.
set -eu
dir=$(dirname "$0")
for d in "${TEST_SRCDIR:-}/${TEST_WORKSPACE:-_main}/tests/witness" "$dir"; do
  if [ -f "$d/tlogpy_selftest.py" ]; then
    dir=$d
    break
  fi
done
if [ -n "${TEST_TMPDIR:-}" ]; then
  export TMPDIR="$TEST_TMPDIR"
fi
exec /usr/bin/python3 "$dir/tlogpy_selftest.py"
