#!/usr/bin/env bash
# The Candor demo: starts candor-log on an embedded RocksDB under var/demo,
# registers a principal, logs a signed statement and verifies its receipt
# offline. Leaves the log running for further CLI use.
#
# Usage: tests/demo/run_demo.sh [BIN_DIR] [STATE_DIR]
#   BIN_DIR    where candor-log and candor are (default: bazel-bin paths)
#   STATE_DIR  where keys, data and the pid file go (default: var/demo)
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${1:-}
state=${2:-$root/var/demo}
if [[ -z $bin ]]; then
  candor_log=$root/bazel-bin/log/server/candor-log
  candor=$root/bazel-bin/client/candor
else
  candor_log=$bin/candor-log
  candor=$bin/candor
fi

say() { printf '\n== %s\n' "$*"; }

mkdir -p "$state"
keys=$state/keys
if [[ -f $state/log.pid ]] && kill -0 "$(cat "$state/log.pid")" 2>/dev/null; then
  say "Stopping the log left running by an earlier demo"
  kill "$(cat "$state/log.pid")"
  sleep 1
fi
rm -rf "$state/db" "$state/tiles" "$state/work" "$keys"
mkdir -p "$state/work"

say "$("$candor" version)"

say "The operator creates the log's key and the admin key (secret files are 0600)"
"$candor" keygen --name demo.candor.example/log --out "$keys"
"$candor" keygen --name admin --out "$keys"
"$candor" keygen --name lab-one --out "$keys"

say "Starting candor-log (RocksDB in $state/db, tlog-tiles in $state/tiles)"
"$candor_log" --data_dir="$state/db" --listen=127.0.0.1:0 \
  --log_key="$keys/demo.candor.example/log.key" --admin_pub="$keys/admin.pub" \
  --tiles_dir="$state/tiles" >"$state/log.out" 2>"$state/log.err" &
echo $! >"$state/log.pid"
for _ in $(seq 100); do
  [[ -s $state/log.out ]] && break
  sleep 0.1
done
addr=$(head -n 1 "$state/log.out")
[[ -n $addr ]] || { echo "candor-log did not start; see $state/log.err" >&2; exit 1; }
echo "candor-log is listening on $addr"
echo "$addr" >"$state/log.addr"
vkey="$keys/demo.candor.example/log.pub"

say "The empty log's signed checkpoint"
"$candor" checkpoint --log "$addr" --log_pub "$vkey"

say "The operator registers an auditor, signing with the admin key locally"
"$candor" register --log "$addr" --admin_key "$keys/admin.key" --role auditor \
  --name lab-one --display_name "Lab One" --pub "$keys/lab-one.pub" --wait >"$state/work/register.json"
cat "$state/work/register.json"

say "The log's checkpoint now commits to the registration"
"$candor" checkpoint --log "$addr" --log_pub "$vkey" | tee "$state/work/checkpoint"

say "Anyone can prove the registration is in the log, and check it offline"
"$candor" get --log "$addr" --index 0 >"$state/work/entry0.json"
"$candor" prove inclusion --log "$addr" --index 0 --out "$state/work/entry0.tlog-proof"
cat "$state/work/entry0.tlog-proof"
"$candor" verify inclusion --log_pub "$vkey" --proof "$state/work/entry0.tlog-proof" \
  --entry "$state/work/entry0.json"

say "Tampering is caught: one byte added to the entry fails verification"
{ cat "$state/work/entry0.json"; printf ' '; } >"$state/work/entry0.tampered"
if "$candor" verify inclusion --log_pub "$vkey" --proof "$state/work/entry0.tlog-proof" \
  --entry "$state/work/entry0.tampered"; then
  echo "ERROR: a tampered entry verified" >&2
  exit 1
fi
echo "(exit code 1, as expected)"

say "The log is still running"
cat <<MSG
  address:   $addr
  log key:   $vkey
  stop it:   kill \$(cat $state/log.pid)
  try:       $candor checkpoint --log $addr
MSG
