#!/usr/bin/env bash
# Installs the Debian packages that the build, the tests, the demo and the
# benchmarks need, when they are missing. Idempotent and quiet when all is
# present; run as root or with sudo available.
set -euo pipefail

packages=(
  bazel-bootstrap
  g++
  make
  pkg-config
  protobuf-compiler
  protobuf-compiler-grpc
  libprotobuf-dev
  libgrpc++-dev
  librocksdb-dev
  rocksdb-tools
  libabsl-dev
  libssl-dev
  openssl
  libgtest-dev
  libgmock-dev
  libbenchmark-dev
  # Content codings of captured bodies (verifier/detect).
  zlib1g-dev
  libbrotli-dev
  libzstd-dev
  golang-go
  golang-golang-x-mod-dev
  publicsuffix
  python3
  # libFuzzer and the sanitizers (make fuzz, make asan, make tsan).
  clang-14
  libclang-rt-14-dev
  # Profiling for make bench.
  linux-perf
  # Libraries and data instead of hand-made parsers: Public Suffix List
  # lookups, IDNA 2008 / UTS 46, phone numbers, ISO 3166-1 countries
  # (/usr/share/iso-codes/json/iso_3166-1.json, read at run time).
  libpsl-dev
  libidn2-dev
  libphonenumber-dev
  iso-codes
  # promtool, which checks the servers' metrics (//tests/metrics).
  prometheus
  # Real-browser tests of the public site and its verify.js (//tests/site):
  # headless Chromium driven by Selenium 4 through /usr/bin/chromedriver.
  chromium
  chromium-driver
  python3-selenium
  # The PostgreSQL store (libpq, log/storage/postgres_store.h) and the real
  # servers its tests and benchmarks start (initdb, pg_ctl, pg_basebackup).
  libpq-dev
  postgresql-15
  postgresql-client-15
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  sudo_cmd=()
  if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The IP-to-country dataset for destination attribution (verifier/reference):
# npm @ip-location-db/geo-whois-asn-country at a pinned version, under
# ~/.cache/candor/npm where verifier/reference's DefaultIpCountryDir() looks.
# Installed into a temporary prefix and moved into place, so an interrupted
# download never leaves a half-written dataset behind. Quiet when present.
ip_country_version=2.3.2026061719
ip_country_cache="${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}/.cache/candor"
ip_country_dir="$ip_country_cache/npm/node_modules/@ip-location-db/geo-whois-asn-country"
if [[ ! -f "$ip_country_dir/geo-whois-asn-country-ipv4.csv" ||
      ! -f "$ip_country_dir/geo-whois-asn-country-ipv6.csv" ]] ||
   ! grep -q "\"version\": *\"$ip_country_version\"" "$ip_country_dir/package.json" 2>/dev/null; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "setup: installing nodejs npm" >&2
    npm_sudo=()
    if [[ $(id -u) -ne 0 ]]; then npm_sudo=(sudo); fi
    export DEBIAN_FRONTEND=noninteractive
    "${npm_sudo[@]}" apt-get update -qq
    "${npm_sudo[@]}" apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
  fi
  echo "setup: installing @ip-location-db/geo-whois-asn-country@$ip_country_version" >&2
  mkdir -p "$ip_country_cache"
  ip_country_tmp="$(mktemp -d "$ip_country_cache/npm.tmp.XXXXXX")"
  chmod 755 "$ip_country_tmp"
  if ! npm install --prefix "$ip_country_tmp" --no-audit --no-fund --no-save \
      --update-notifier=false --loglevel=error \
      "@ip-location-db/geo-whois-asn-country@$ip_country_version" >/dev/null; then
    rm -rf "$ip_country_tmp"
    echo "setup: npm install of the IP-to-country dataset failed" >&2
    exit 1
  fi
  mkdir -p "$(dirname "$ip_country_dir")"
  rm -rf "$ip_country_dir"
  mv "$ip_country_tmp/node_modules/@ip-location-db/geo-whois-asn-country" "$ip_country_dir"
  rm -rf "$ip_country_tmp"
fi

# DSSE interop (tests/interop): Python's securesystemslib signs and verifies
# envelopes against Candor's. The test fails, saying so, without it.
if ! /usr/bin/python3 -c "import securesystemslib" 2>/dev/null; then
  ssl_sudo=()
  [[ $(id -u) -ne 0 ]] && ssl_sudo=(sudo)
  echo "setup: installing python3-securesystemslib" >&2
  export DEBIAN_FRONTEND=noninteractive
  "${ssl_sudo[@]}" apt-get install -y -qq --no-install-recommends \
    python3-securesystemslib >/dev/null ||
    { "${ssl_sudo[@]}" apt-get update -qq &&
      "${ssl_sudo[@]}" apt-get install -y -qq --no-install-recommends \
        python3-securesystemslib >/dev/null; }
fi

# DSSE interop with sigstore-js (tests/interop/sigstore_interop_test): the
# packages and every transitive dependency at the versions pinned in
# tests/interop/sigstore/package-lock.json, installed with `npm ci` into
# ~/.cache/candor/npm-sigstore, where the test looks (it fails without them).
# Installed into a temporary directory and moved into place; quiet when the
# installed lock file is the pinned one.
sigstore_src="$(cd "$(dirname "${BASH_SOURCE[0]}")/../tests/interop/sigstore" && pwd)"
sigstore_cache="${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}/.cache/candor"
sigstore_dir="$sigstore_cache/npm-sigstore"
if [[ ! -f "$sigstore_dir/node_modules/@sigstore/verify/package.json" ]] ||
   ! cmp -s "$sigstore_src/package-lock.json" "$sigstore_dir/package-lock.json"; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "setup: installing nodejs npm" >&2
    sigstore_sudo=()
    if [[ $(id -u) -ne 0 ]]; then sigstore_sudo=(sudo); fi
    export DEBIAN_FRONTEND=noninteractive
    "${sigstore_sudo[@]}" apt-get update -qq
    "${sigstore_sudo[@]}" apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
  fi
  echo "setup: installing sigstore-js (tests/interop/sigstore/package-lock.json)" >&2
  mkdir -p "$sigstore_cache"
  sigstore_tmp="$(mktemp -d "$sigstore_cache/npm-sigstore.tmp.XXXXXX")"
  chmod 755 "$sigstore_tmp"
  cp "$sigstore_src/package.json" "$sigstore_src/package-lock.json" "$sigstore_tmp/"
  if ! npm ci --prefix "$sigstore_tmp" --ignore-scripts --no-audit --no-fund \
      --update-notifier=false --loglevel=error >/dev/null; then
    rm -rf "$sigstore_tmp"
    echo "setup: npm ci of sigstore-js failed" >&2
    exit 1
  fi
  rm -rf "$sigstore_dir"
  mv "$sigstore_tmp" "$sigstore_dir"
fi
