#!/bin/bash
# Installs what regenerate.sh needs (not the tests: they only read the
# committed captures). Idempotent and quiet when everything is present.
#   Debian: mitmproxy, chromium, nodejs (+ npm), python3-brotli, python3-zstandard
#   npm:    the exact versions in package-lock.json, into ./node_modules
set -euo pipefail
cd "$(dirname "$0")"

missing=()
for pkg in mitmproxy chromium nodejs python3-brotli python3-zstandard; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
# Debian's npm package conflicts with a nodejs build that bundles npm (e.g.
# NodeSource's): install it only when there is no npm command.
command -v npm >/dev/null 2>&1 || missing+=(npm)
if ((${#missing[@]})); then
  echo "install.sh: apt-get install ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# npm ci reinstalls from scratch; run it only when node_modules does not match
# the lock file.
want=$(sha256sum package-lock.json | cut -d' ' -f1)
have=$(cat node_modules/.corpus-lock-sha256 2>/dev/null || true)
if [[ "$want" != "$have" ]]; then
  echo "install.sh: npm ci" >&2
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
  echo "$want" > node_modules/.corpus-lock-sha256
fi
