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
  golang-go
  golang-golang-x-mod-dev
  publicsuffix
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
