#!/usr/bin/env bash
# Runs browser_test.py with Debian's Python, where python3-selenium is.
set -euo pipefail
exec /usr/bin/python3 tests/site/browser_test.py "$@"
