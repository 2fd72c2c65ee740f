#!/usr/bin/env bash
# make bench: builds optimised binaries, measures the machine's ceilings and
# Candor's figures in the same run, and writes results/bench.md and
# results/bench.json (git ignores results/). Not a test: nothing here asserts
# a time. Takes about 30 minutes and ~14 GB of disk under results/work (the
# 10M-entry log and its tlog-tiles export at once), which is deleted at the
# end (KEEP=1 keeps it).
#
#   tests/bench/run_bench.sh            # 1M and 10M entries
#   SCALE=small tests/bench/run_bench.sh  # 100k and 1M, for a quick look
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
results=$root/results
work=$results/work
rm -rf "$work"
mkdir -p "$work"
raw=$work/raw
mkdir -p "$raw"
if [[ ${SCALE:-} == small ]]; then small_n=100000; large_n=1000000; else small_n=1000000; large_n=10000000; fi
entry_bytes=600

say() { printf '\n== %s\n' "$*" >&2; }
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [[ ${KEEP:-} == 1 ]] || rm -rf "$work"
}
trap cleanup EXIT

say "Building optimised binaries"
targets=(//client:candor //cmd/candor-log:candor-log //verifier/server:candor-verifier
  //tests/bench:loadgen //tests/bench:proofbench //tests/bench:populate
  //tests/bench:followbench //tests/bench:evaluate_benchmark //tests/bench:indexbench
  //log/merkle:merkle_benchmark //verifier/detect:detect_benchmark
  //cmd/candor-witness:candor-witness //tests/bench:witnessbench //tests/bench:pgcluster)
bazel build --config=opt "${targets[@]}" >&2
bin=$work/bin
mkdir -p "$bin"
for t in "${targets[@]}"; do
  path=${t#//}
  cp -rL "bazel-bin/${path%%:*}/${path##*:}" "$bin/"
  [[ -d "bazel-bin/${path%%:*}/${path##*:}.runfiles" ]] &&
    cp -rL "bazel-bin/${path%%:*}/${path##*:}.runfiles" "$bin/" || true
done

# ---------------------------------------------------------------- ceilings
say "Ceilings: openssl speed (Ed25519 verify, SHA-256)"
openssl speed -seconds 3 ed25519 2>/dev/null >"$raw/ed25519-1core.txt"
openssl speed -seconds 3 -multi 2 ed25519 2>/dev/null >"$raw/ed25519-2core.txt"
openssl speed -seconds 3 -bytes 1024 -evp sha256 2>/dev/null >"$raw/sha256.txt"

say "Ceiling: RocksDB db_bench synced writes (600-byte values)"
db_bench --benchmarks=fillseq --sync=1 --num=20000 --value_size=$entry_bytes \
  --db="$work/db_bench" --compression_type=snappy >"$raw/db_bench-sync1.txt" 2>&1
db_bench --benchmarks=fillseq --sync=1 --num=200000 --batch_size=64 --value_size=$entry_bytes \
  --db="$work/db_bench64" --compression_type=snappy >"$raw/db_bench-sync64.txt" 2>&1

say "Peer: Go's golang.org/x/mod/sumdb/tlog over the same tree"
env GO111MODULE=off GOPATH=/usr/share/gocode GOCACHE="$work/gocache" GOFLAGS= \
  GOTOOLCHAIN=local go build -o "$bin/tlogbench" tests/go/tlogbench/main.go
"$bin/tlogbench" >"$raw/go-tlog.json"

# ---------------------------------------------------------------- Merkle, HAR, evaluation
say "Merkle core (Google Benchmark)"
"$bin/merkle_benchmark" --benchmark_format=json --benchmark_min_time=1 \
  >"$raw/merkle.json" 2>/dev/null
say "HAR detection"
"$bin/detect_benchmark" --benchmark_format=json >"$raw/detect.json" 2>/dev/null
say "Evaluation"
(cd "$bin/evaluate_benchmark.runfiles/candor" &&
  "$bin/evaluate_benchmark" --benchmark_format=json --benchmark_min_time=1) \
  >"$raw/evaluate.json" 2>/dev/null

# ---------------------------------------------------------------- the log
keys=$work/keys
"$bin/candor" keygen --name bench.candor.example/log --out "$keys" >/dev/null
"$bin/candor" keygen --name admin --out "$keys" >/dev/null
logkey=$keys/bench.candor.example/log.key
logpub=$keys/bench.candor.example/log.pub

# start_log DIR [FLAGS...]: starts candor-log, sets log_pid and log_addr and
# the milliseconds from exec to serving in log_start_ms.
start_log() {
  local dir=$1
  shift
  local t0
  # A second start on the same DIR must not read the last run's address
  # before the new process truncates $dir.out.
  rm -f "$dir.out"
  t0=$(date +%s%N)
  # With log_storage set (a PostgreSQL URI), the log is kept there instead.
  local storage=--data_dir="$dir"
  [[ -n ${log_storage:-} ]] && storage=--storage="$log_storage"
  "$bin/candor-log" "$storage" --listen=127.0.0.1:0 --log_key="$logkey" \
    --admin_pub="$keys/admin.pub" "$@" >"$dir.out" 2>"$dir.err" &
  log_pid=$!
  pids+=("$log_pid")
  for _ in $(seq 6000); do
    [[ -s $dir.out ]] && break
    kill -0 "$log_pid" || { cat "$dir.err" >&2; exit 1; }
    sleep 0.01
  done
  log_start_ms=$((($(date +%s%N) - t0) / 1000000))
  log_addr=$(head -n 1 "$dir.out")
}
stop_log() {
  kill "$log_pid"
  wait "$log_pid" 2>/dev/null || true
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss_kib() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
hwm_kib() { awk '/VmHWM/ {print $2}' "/proc/$1/status"; }

say "Admission throughput: loadgen, 8 streams + 8 unary callers, durable"
start_log "$work/admission"
"$bin/loadgen" --log="$log_addr" --admin_key="$keys/admin.key" --entries=100000 \
  --streams=8 --unary=8 >"$raw/loadgen-max.json"
max_rate=$(python3 -c "import json;print(json.load(open('$raw/loadgen-max.json'))['entries_per_second'])")
half_rate=$(python3 -c "print(round($max_rate / 2))")
say "Integration latency at half the maximum rate ($half_rate entries/s)"
"$bin/loadgen" --log="$log_addr" --admin_key="$keys/admin.key" --entries=$((half_rate * 20)) \
  --streams=8 --unary=8 --rate="$half_rate" >"$raw/loadgen-half.json"
echo "$(rss_kib "$log_pid")" >"$raw/admission-rss-kib"
stop_log

say "PostgreSQL store: the same admission and integration runs, primary + synchronous standby on this machine"
# wait_sequencing ERR PID: returns once the candor-log PID logs (to ERR) that
# it holds the sequencer lease.
wait_sequencing() {
  timeout 120 grep -q -m 1 -F 'this instance now sequences the log' \
    <(tail -n +1 -f --pid="$2" "$1")
}
# pgcluster prints its URI once both servers are up, and runs until killed.
exec {pg_fd}< <(exec "$bin/pgcluster" 2>"$work/pg.err")
pg_pid=$!
pids+=("$pg_pid")
if IFS= read -r -t 300 -u "$pg_fd" log_storage; then
  start_log "$work/pg-admission"
  # The first instance takes the free lease at once.
  wait_sequencing "$work/pg-admission.err" "$log_pid"
  "$bin/loadgen" --log="$log_addr" --admin_key="$keys/admin.key" --entries=100000 \
    --streams=8 --unary=8 >"$raw/pg-loadgen-max.json"
  pg_max=$(python3 -c "import json;print(json.load(open('$raw/pg-loadgen-max.json'))['entries_per_second'])")
  pg_half=$(python3 -c "print(max(1, round($pg_max / 2)))")
  "$bin/loadgen" --log="$log_addr" --admin_key="$keys/admin.key" --entries=$((pg_half * 20)) \
    --streams=8 --unary=8 --rate="$pg_half" >"$raw/pg-loadgen-half.json"
  leader_pid=$log_pid
  say "PostgreSQL store: time from kill -9 of the leading candor-log to the first write the other accepts (lease 5 s)"
  start_log "$work/pg-follower"
  follower_addr=$log_addr
  kill -9 "$leader_pid"
  t0=$(date +%s%N)
  wait_sequencing "$work/pg-follower.err" "$log_pid"
  "$bin/loadgen" --log="$follower_addr" --admin_key="$keys/admin.key" --entries=1 >/dev/null
  echo $((($(date +%s%N) - t0) / 1000000)) >"$raw/pg-failover-ms"
  stop_log
  unset log_storage
  kill "$pg_pid"
  wait "$pg_pid" 2>/dev/null || true
else
  cat "$work/pg.err" >&2
  echo "PostgreSQL could not start: $(tail -n 1 "$work/pg.err")" >"$raw/pg-not-measured"
fi
exec {pg_fd}<&-

say "tlog-tiles directory under live traffic: 40,000 entries at 1,000/s, a checkpoint every 250 ms"
mkdir -p "$work/live"
start_log "$work/live/log" --tiles_dir="$work/live/tiles"
"$bin/loadgen" --log="$log_addr" --admin_key="$keys/admin.key" --entries=40000 \
  --streams=2 --unary=2 --rate=1000 >/dev/null
stop_log
python3 tests/bench/tiles_usage.py "$work/live/tiles" >"$raw/tiles-usage.json"
rm -rf "$work/live"

# ---------------------------------------------------------------- witnessing
# start_witness NAME LOGS_POLICY [taskset CPU]: sets witness_pid, witness_addr.
# Its stdout is a pipe to this script: reading its first line waits for it to
# listen (a read, not a polling loop).
start_witness() {
  local name=$1 logs=$2 cpu=${3:-}
  local dir=$work/witness-$name
  mkdir -p "$dir"
  "$bin/candor-witness" --generate_key="$dir/key" --name="bench.witness/$name" >"$dir/vkey"
  local pin=()
  [[ -n $cpu ]] && pin=(taskset -c "$cpu")
  local out line
  exec {out}< <(exec "${pin[@]}" "$bin/candor-witness" --key="$dir/key" --logs="$logs" \
    --data_dir="$dir/db" --listen=127.0.0.1:0 --rate_per_second=1000000 \
    --rate_burst=1000000 2>"$dir.err")
  witness_pid=$!
  pids+=("$witness_pid")
  IFS= read -r -t 60 -u "$out" line || { cat "$dir.err" >&2; exit 1; }
  witness_addr=${line#candor-witness listening on }
}

say "Witness: add-checkpoint requests served, the witness on one core, 8 logs submitting"
"$bin/witnessbench" --mode=keys --logs=8 --out="$work"
start_witness tput "$work/logs.policy" 0
taskset -c 1 "$bin/witnessbench" --mode=throughput --keys="$work" --witness="$witness_addr" \
  --witness_pid="$witness_pid" --seconds=10 >"$raw/witness-throughput.json"
kill "$witness_pid"

say "Witnessing: a new checkpoint to its 2-of-2 cosigned form, 200 entries/s"
printf 'log %s\nquorum none\n' "$(cat "$logpub")" >"$work/bench-log.policy"
start_witness w1 "$work/bench-log.policy"
w1_addr=$witness_addr
w1_vkey=$(cat "$work/witness-w1/vkey")
start_witness w2 "$work/bench-log.policy"
printf 'witness W1 %s http://%s\nwitness W2 %s http://%s\ngroup both all W1 W2\nquorum both\n' \
  "$w1_vkey" "$w1_addr" "$(cat "$work/witness-w2/vkey")" "$witness_addr" >"$work/witnesses.policy"
# The log runs inside witnessbench, which times each checkpoint from its
# signing to its witnessing by the log's own signals; its first line is the
# log's address, its second the figures, after 100 checkpoints.
exec {latency}< <(exec "$bin/witnessbench" --mode=latency --data_dir="$work/witnessed" \
  --log_key="$logkey" --admin_pub="$keys/admin.pub" --witness_policy="$work/witnesses.policy" \
  --checkpoints=100 2>"$work/witnessbench.err")
pids+=("$!")
IFS= read -r -t 60 -u "$latency" log_addr || { cat "$work/witnessbench.err" >&2; exit 1; }
"$bin/loadgen" --log="$log_addr" --admin_key="$keys/admin.key" --entries=8000 \
  --streams=1 --unary=1 --rate=200 >/dev/null &
loadgen_pid=$!
IFS= read -r -u "$latency" line || { cat "$work/witnessbench.err" >&2; exit 1; }
echo "$line" >"$raw/witnessing-latency.json"
kill "$loadgen_pid" 2>/dev/null || true
wait "$loadgen_pid" 2>/dev/null || true

# proofs DIR N: populate N entries (statements about N/100 apps, so that the
# verifiable index files each under its app and its signer: ~100 entries per
# app), then start-up time, proofs cold and warm, verified index lookups,
# RSS, bytes on disk.
proofs() {
  local dir=$1 n=$2
  say "Populating $n entries of $entry_bytes bytes about $((n / 100)) apps"
  "$bin/populate" --data_dir="$dir" --log_key="$logkey" --entries="$n" \
    --entry_bytes=$entry_bytes --apps=$((n / 100)) >"$raw/populate-$n.json"
  du -sb "$dir" | cut -f1 >"$raw/disk-bytes-$n"
  sync
  echo 3 >/proc/sys/vm/drop_caches 2>/dev/null || true
  start_log "$dir"
  echo "$log_start_ms" >"$raw/startup-ms-$n"
  say "Proof serving at $n entries: cold cache, then warm"
  "$bin/proofbench" --log="$log_addr" --log_pub="$logpub" --threads=16 --seconds=10 \
    >"$raw/proofs-cold-$n.json"
  local cpu0 cpu1
  cpu0=$(cpu_ticks "$log_pid")
  "$bin/proofbench" --log="$log_addr" --log_pub="$logpub" --threads=16 --seconds=10 \
    >"$raw/proofs-warm-$n.json"
  cpu1=$(cpu_ticks "$log_pid")
  # The server's own CPU time per warm run (user + system, clock ticks).
  echo "$((cpu1 - cpu0)) $(getconf CLK_TCK)" >"$raw/proofs-warm-server-cpu-$n"
  say "Inclusion proofs at $n entries, 32 per call (GetInclusionProofs)"
  cpu0=$(cpu_ticks "$log_pid")
  "$bin/proofbench" --log="$log_addr" --log_pub="$logpub" --threads=16 --seconds=10 \
    --batch=32 --consistency=false >"$raw/proofs-batch32-$n.json"
  cpu1=$(cpu_ticks "$log_pid")
  echo "$((cpu1 - cpu0)) $(getconf CLK_TCK)" >"$raw/proofs-batch32-server-cpu-$n"
  say "Verifiable index at $n entries: random apps looked up, every answer verified"
  cpu0=$(cpu_ticks "$log_pid")
  "$bin/indexbench" --log="$log_addr" --log_pub="$logpub" --apps=$((n / 100)) \
    --threads=16 --seconds=10 >"$raw/index-lookups-$n.json"
  cpu1=$(cpu_ticks "$log_pid")
  echo "$((cpu1 - cpu0)) $(getconf CLK_TCK)" >"$raw/index-lookups-server-cpu-$n"
  echo "$(hwm_kib "$log_pid")" >"$raw/rss-hwm-kib-$n"
}

proofs "$work/log-small" "$small_n"
say "Follower catch-up over $small_n entries"
"$bin/followbench" --log="$log_addr" --log_pub="$logpub" >"$raw/follow-$small_n.json"
stop_log
# export DIR N: writes the log in DIR as tlog-tiles (candor-log does it on
# start with --tiles_dir), then times Go's sumdb/tlog proving inclusion from
# those tiles on disk, in process, with 16 goroutines and with 1, as a peer
# figure for the proofs above; deletes the tiles.
export_tiles() {
  local dir=$1 n=$2
  say "Exporting $n entries as tlog-tiles"
  start_log "$dir" --tiles_dir="$dir-tiles"
  echo "$log_start_ms" >"$raw/export-ms-$n"
  stop_log
  say "Peer: Go's sumdb/tlog inclusion proofs from the $n-entry tiles, 16 goroutines, then 1"
  "$bin/tlogbench" --tiles "$dir-tiles" --seconds 10 --goroutines 16 \
    >"$raw/go-tlog-tiles-$n.json"
  "$bin/tlogbench" --tiles "$dir-tiles" --seconds 10 --goroutines 1 \
    >"$raw/go-tlog-tiles-$n-g1.json"
  rm -rf "$dir-tiles"
}

export_tiles "$work/log-small" "$small_n"
say "A monitor rebuilds the $small_n-entry log's index from its entries"
"$bin/indexbench" --rebuild --data_dir="$work/log-small" --scratch_dir="$work/index-small" \
  >"$raw/index-rebuild-$small_n.json"
rm -rf "$work/index-small"

proofs "$work/log-large" "$large_n"
stop_log
export_tiles "$work/log-large" "$large_n"
rm -rf "$work/log-large"

# ---------------------------------------------------------------- verify finding
say "candor verify finding: the demo's inconsistency proof"
tests/demo/run_demo.sh "$bin" "$work/demo" >"$raw/demo.out"
for name in verifier log witness-one witness-two; do kill "$(cat "$work/demo/$name.pid")" 2>/dev/null || true; done
python3 - "$bin/candor" "$work/demo" >"$raw/verify-finding.json" <<'PY'
import json, subprocess, sys, time
candor, demo = sys.argv[1], sys.argv[2]
times = []
for _ in range(10):
    t = time.monotonic()
    subprocess.run([candor, "verify", "finding", demo + "/work/finding.json", "--log_pub",
                    demo + "/keys/demo.candor.example/log.pub"], check=True,
                   stdout=subprocess.DEVNULL)
    times.append(time.monotonic() - t)
times.sort()
print(json.dumps({"runs": len(times), "median_ms": times[len(times) // 2] * 1000,
                  "max_ms": times[-1] * 1000}))
PY

say "Writing results/bench.md and results/bench.json"
python3 tests/bench/report.py "$raw" "$small_n" "$large_n" "$entry_bytes" \
  "$results/bench.json" "$results/bench.md"
cat "$results/bench.md"
