#!/usr/bin/env python3
"""Turns run_bench.sh's raw outputs into results/bench.json and bench.md.

Every figure is printed next to the ceiling it is bounded by (measured in the
same run) and the target the issue sets, with the ratio and met/missed.

  report.py RAW_DIR SMALL_N LARGE_N ENTRY_BYTES OUT_JSON OUT_MD
"""

import json
import math
import os
import re
import sys

raw, small_n, large_n, entry_bytes, out_json, out_md = sys.argv[1:]
small_n, large_n, entry_bytes = int(small_n), int(large_n), int(entry_bytes)


def read(name):
    with open(os.path.join(raw, name)) as f:
        return f.read()


def load(name):
    return json.loads(read(name))


def last_float(text, pattern):
    for line in text.splitlines():
        if re.search(pattern, line):
            return float(re.findall(r"[\d.]+", line)[-1])
    raise SystemExit("report: no line matching %r" % pattern)


def gbench(name):
    """Google Benchmark JSON: name -> real time in ns (and the counters)."""
    out = {}
    for b in load(name)["benchmarks"]:
        scale = {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}[b.get("time_unit", "ns")]
        out[b["name"]] = dict(b, ns=b["real_time"] * scale)
    return out


ceil = {
    "ed25519_verify_per_s_1core": last_float(read("ed25519-1core.txt"), r"EdDSA \(Ed25519\)"),
    "ed25519_verify_per_s_2core": last_float(read("ed25519-2core.txt"), r"EdDSA \(Ed25519\)"),
    "sha256_mb_per_s_1kib": last_float(read("sha256.txt"), r"^sha256") / 1000,
    "rocksdb_synced_writes_per_s": float(
        re.search(r"^fillseq.*? ([\d.]+) ops/sec", read("db_bench-sync1.txt"), re.M).group(1)),
    "rocksdb_synced_batch64_entries_per_s": float(
        re.search(r"^fillseq.*? ([\d.]+) ops/sec", read("db_bench-sync64.txt"), re.M).group(1)),
}

rows = []  # (area, figure, value, unit, ceiling/peer, ratio, target, met)


def row(area, figure, value, unit, bound="", ratio="", target="", met=None):
    rows.append({"area": area, "figure": figure, "value": value, "unit": unit,
                 "bound": bound, "ratio": ratio, "target": target,
                 "met": met})


def measured(area, figure, name):
    """The raw file `name` loaded, or None after a "not measured" row for
    `figure` (a run from before the file was written)."""
    if os.path.exists(os.path.join(raw, name)):
        return load(name)
    row(area, figure, "not measured", "", "no %s (an older run)" % name)
    return None


def server_us_each(name, per_second, seconds=10):
    """Server CPU (the `name` file's clock ticks) per operation of a run of
    `seconds` at `per_second`, in microseconds."""
    ticks, hz = read(name).split()
    return int(ticks) / int(hz) / (per_second * seconds) * 1e6


def fmt(x, digits=0):
    if isinstance(x, str):
        return x
    if digits == 0:
        return "{:,.0f}".format(x)
    return "{:,.{}f}".format(x, digits)


# Ceilings themselves.
row("ceiling", "Ed25519 verify, 1 core (openssl speed)", ceil["ed25519_verify_per_s_1core"], "/s")
row("ceiling", "Ed25519 verify, 2 cores (openssl speed -multi 2)",
    ceil["ed25519_verify_per_s_2core"], "/s")
row("ceiling", "SHA-256, 1 KiB blocks (openssl speed -evp)", ceil["sha256_mb_per_s_1kib"], "MB/s")
row("ceiling", "RocksDB synced writes, 1 per sync (db_bench)",
    ceil["rocksdb_synced_writes_per_s"], "/s")
row("ceiling", "RocksDB synced writes, 64 per sync (db_bench)",
    ceil["rocksdb_synced_batch64_entries_per_s"], "entries/s")

# Admission.
lmax = load("loadgen-max.json")
lhalf = load("loadgen-half.json")
adm = lmax["entries_per_second"]
row("log", "admission, durable, every signature verified", adm, "entries/s",
    "Ed25519 verify 2 cores: " + fmt(ceil["ed25519_verify_per_s_2core"]),
    "%.2f" % (adm / ceil["ed25519_verify_per_s_2core"]), ">= 6,000/s", adm >= 6000)
row("log", "admission vs RocksDB synced batch writes", adm, "entries/s",
    "db_bench 64/sync: " + fmt(ceil["rocksdb_synced_batch64_entries_per_s"]),
    "%.2f" % (adm / ceil["rocksdb_synced_batch64_entries_per_s"]))
row("log", "integration latency p50 at half rate (%s/s)" % fmt(lhalf["entries_per_second"]),
    lhalf["integration_ms_p50"], "ms")
row("log", "integration latency p99 at half rate", lhalf["integration_ms_p99"], "ms",
    target="< 1,000 ms", met=lhalf["integration_ms_p99"] < 1000)
row("log", "integration latency p99 at max rate", lmax["integration_ms_p99"], "ms")
# The same runs on PostgreSQL (a primary and a synchronous standby on this
# machine), and a leader's failover.
pmax = measured("log", "PostgreSQL: admission, durable on primary and standby",
                "pg-loadgen-max.json")
if pmax is not None:
    phalf = load("pg-loadgen-half.json")
    padm = pmax["entries_per_second"]
    row("log", "PostgreSQL: admission, durable on primary and synchronous standby", padm,
        "entries/s", "RocksDB in this run: " + fmt(adm), "%.2f" % (padm / adm))
    row("log", "PostgreSQL: integration latency p99 at half rate (%s/s)" % fmt(
        phalf["entries_per_second"]), phalf["integration_ms_p99"], "ms",
        "RocksDB: %s ms" % fmt(lhalf["integration_ms_p99"]), "", "< 1,000 ms",
        phalf["integration_ms_p99"] < 1000)
    row("log", "PostgreSQL: integration latency p99 at max rate", pmax["integration_ms_p99"],
        "ms", "RocksDB: %s ms" % fmt(lmax["integration_ms_p99"]))
    failover_ms = int(read("pg-failover-ms"))
    row("log", "PostgreSQL: kill -9 of the leading candor-log to the first write accepted by "
        "the other (lease 5 s)", failover_ms / 1000, "s", "", "", "<= 10 s",
        failover_ms <= 10000)

# Proofs and scale.
proofs = {}
for n in (small_n, large_n):
    for cache in ("cold", "warm"):
        proofs[(n, cache)] = load("proofs-%s-%d.json" % (cache, n))
for n in (small_n, large_n):
    for cache in ("cold", "warm"):
        p = proofs[(n, cache)]
        target, met = "", None
        if n == large_n and cache == "warm":
            target, met = ">= 20,000/s", p["inclusion_per_second"] >= 20000
        row("proofs", "inclusion proofs over gRPC, %s entries, %s" % (fmt(n), cache),
            p["inclusion_per_second"], "/s", "p50 %d us, p99 %d us" % (
                p["inclusion_us_p50"], p["inclusion_us_p99"]), "", target, met)
        row("proofs", "consistency proofs over gRPC, %s entries, %s" % (fmt(n), cache),
            p["consistency_per_second"], "/s", "p50 %d us, p99 %d us" % (
                p["consistency_us_p50"], p["consistency_us_p99"]))
# Go's sumdb/tlog proving from the same tree's tlog-tiles export, in process
# (tlogbench --tiles): the peer figure for the inclusion proofs above.
go_tiles = {}
for n in (small_n, large_n):
    candor = proofs[(n, "warm")]["inclusion_per_second"]
    for goroutines, name, callers in ((16, "go-tlog-tiles-%d.json" % n, "16 goroutines"),
                                      (1, "go-tlog-tiles-%d-g1.json" % n, "1 goroutine")):
        figure = ("Go sumdb/tlog ProveRecord+CheckRecord from the same tree's tiles on disk, "
                  "in process, %s, %s entries" % (callers, fmt(n)))
        g = measured("proofs", figure, name)
        if g is None:
            continue
        go_tiles.setdefault(str(n), {})[str(goroutines)] = g
        ns = g["ns_per_proof_one_core_equivalent"]
        if goroutines == 16:
            row("proofs", figure, g["proofs_per_second"], "/s",
                "%s ns CPU each; ratio: Candor over gRPC (warm, %s/s) / Go" % (
                    fmt(ns), fmt(candor)),
                "%.2f" % (candor / g["proofs_per_second"]))
        else:
            row("proofs", figure, g["proofs_per_second"], "/s", "%s ns CPU each" % fmt(ns))
for n in (small_n, large_n):
    p = proofs[(n, "warm")]
    # Both kinds ran 10 s each.
    us = server_us_each("proofs-warm-server-cpu-%d" % n,
                        p["inclusion_per_second"] + p["consistency_per_second"])
    row("proofs", "server CPU per proof, %s entries (warm; client on the same cores)" % fmt(n),
        us, "us", "2 cores alone would serve ~%s/s" % fmt(2e6 / us))
# Proofs asked 32 at a time (GetInclusionProofs), as a reader of many entries
# asks them: the per-call costs (gRPC, syscalls) are shared.
for n in (small_n, large_n):
    name = "proofs-batch32-%d.json" % n
    figure = "inclusion proofs over gRPC, 32 per call, %s entries (warm, each verified)" % fmt(n)
    b = measured("proofs", figure, name)
    if b is None:
        continue
    target, met = ("", None)
    if n == large_n:
        target, met = ">= 20,000/s", b["inclusion_per_second"] >= 20000
    row("proofs", figure, b["inclusion_per_second"], "/s",
        "per call: p50 %d us, p99 %d us" % (b["inclusion_us_p50"], b["inclusion_us_p99"]),
        "%.2f x one per call" % (b["inclusion_per_second"] /
                                 proofs[(n, "warm")]["inclusion_per_second"]), target, met)
    us = server_us_each("proofs-batch32-server-cpu-%d" % n, b["inclusion_per_second"])
    row("proofs", "server CPU per proof, 32 per call, %s entries" % fmt(n), us, "us", "", "",
        "<= 40 us" if n == large_n else "", us <= 40 if n == large_n else None)
ratio = proofs[(large_n, "warm")]["inclusion_per_second"] / proofs[(small_n, "warm")][
    "inclusion_per_second"]
row("proofs", "inclusion rate %s / %s entries (warm)" % (fmt(large_n), fmt(small_n)),
    "%.2f" % ratio, "ratio",
    "if cost ~ depth: %.2f" % (math.log2(small_n) / math.log2(large_n)), "",
    "O(log n): close to the depth ratio")

# The verifiable index (issue 15): lookups with a verified completeness proof,
# and the rate at which it is built.
for n in (small_n, large_n):
    name = "index-lookups-%d.json" % n
    figure = "verifiable index: app lookups, every answer verified, %s entries" % fmt(n)
    ix = measured("index", figure, name)
    if ix is None:
        continue
    row("index", figure, ix["lookups_per_second"], "/s",
        "p50 %s us, p99 %s us; %s entries per answer; errors %d" % (
            fmt(ix["us_p50"]), fmt(ix["us_p99"]), fmt(ix["entries_per_answer_mean"], 1),
            ix["errors"]))
    row("index", "verifiable index: proof bytes per answer, %s entries" % fmt(n),
        ix["proof_bytes_mean"], "B", "max %s B (%s apps)" % (fmt(ix["proof_bytes_max"]),
                                                            fmt(ix["apps"])))
    if ix["lookups_per_second"] > 0:
        us = server_us_each("index-lookups-server-cpu-%d" % n, ix["lookups_per_second"])
        row("index", "server CPU per verified lookup, %s entries" % fmt(n), us, "us",
            "a lookup is 1 LookupIndex call; the client verifies it")
for n in (small_n,):
    name = "index-rebuild-%d.json" % n
    if os.path.exists(os.path.join(raw, name)):
        rb = load(name)
        row("index", "verifiable index rebuilt from the entries by a monitor, %s entries" % fmt(n),
            rb["entries_per_second"], "entries/s",
            "reaches the signed root: %s" % ("yes" if rb["root_matches_the_signed_one"] else "NO"))

for n in (small_n, large_n):
    disk = int(read("disk-bytes-%d" % n))
    overhead = disk / n - entry_bytes
    target, met = ("< 100 B", overhead < 100) if n == large_n else ("", None)
    row("scale", "bytes on disk per entry beyond its %d bytes, with its index, %s entries"
        % (entry_bytes, fmt(n)),
        overhead, "B", "total %.2f GB" % (disk / 1e9), "", target, met)
    startup = int(read("startup-ms-%d" % n))
    target, met = ("< 1,000 ms", startup < 1000) if n == large_n else ("", None)
    row("scale", "start-up to serving, %s entries (cold cache)" % fmt(n), startup, "ms", "",
        "", target, met)
    rss = int(read("rss-hwm-kib-%d" % n)) / 1024
    target, met = ("< 512 MiB", rss < 512) if n == large_n else ("", None)
    row("scale", "server peak RSS under proof load, %s entries" % fmt(n), rss, "MiB", "", "",
        target, met)
    pop = load("populate-%d.json" % n)
    row("scale", "integration of a %s-entry backlog with its index (populate)" % fmt(n),
        pop["integrated_per_second"], "entries/s")
for n in (small_n, large_n):
    figure = "export of %s entries as tlog-tiles (start-up with --tiles_dir)" % fmt(n)
    if not os.path.exists(os.path.join(raw, "export-ms-%d" % n)):
        row("scale", figure, "not measured", "", "no export-ms-%d (an older run)" % n)
        continue
    row("scale", figure, int(read("export-ms-%d" % n)) / 1000, "s", "", "", "")

tu = load("tiles-usage.json")
row("scale", "tlog-tiles directory per byte of entries, %s entries under live traffic"
    % fmt(tu["entries"]), tu["ratio"], "ratio",
    "%.1f MB for %.1f MB of entries" % (tu["files_bytes"] / 1e6, tu["entry_bytes"] / 1e6),
    "", "<= 1.5", tu["ratio"] <= 1.5)

# Verifier.
detect = gbench("detect.json")
har = next(b for name, b in detect.items() if name.startswith("BM_MeasureHar/0"))[
    "bytes_per_second"] / 1e6
har_gzip = next(b for name, b in detect.items() if name.startswith("BM_MeasureHar/1"))[
    "bytes_per_second"] / 1e6
har_read = next(b for name, b in detect.items() if name.startswith("BM_ReadHarOnly"))[
    "bytes_per_second"] / 1e6
row("verifier", "HAR detection per core", har, "MB/s",
    "SHA-256 1 KiB: %s MB/s" % fmt(ceil["sha256_mb_per_s_1kib"]),
    "%.2f" % (har / ceil["sha256_mb_per_s_1kib"]), ">= 50 MB/s", har >= 50)
row("verifier", "HAR detection per core, gzip-coded bodies (input bytes)", har_gzip, "MB/s",
    "plain bodies: %s MB/s" % fmt(har), "%.2f" % (har_gzip / har), ">= 50 MB/s",
    har_gzip >= 50)
row("verifier", "HAR reading alone (JSON parse, no search)", har_read, "MB/s")
ev = gbench("evaluate.json")
for name, b in sorted(ev.items()):
    if name.startswith("BM_EvaluateMeasurementAgainstClaim"):
        row("verifier", "evaluations of measurement x claim (%s flows)" % name.split("/")[1],
            1e9 / b["ns"], "/s")
vf = load("verify-finding.json")
row("verifier", "candor verify finding, wall time (median of %d)" % vf["runs"],
    vf["median_ms"], "ms", "max %.0f ms" % vf["max_ms"], "", "< 100 ms", vf["median_ms"] < 100)
fol = load("follow-%d.json" % small_n)
row("verifier", "follower catch-up over %s entries" % fmt(small_n), fol["entries_per_second"],
    "entries/s", "%.1f MB/s" % fol["mb_per_second"])

# Witnessing.
wt = load("witness-throughput.json")
row("witness", "add-checkpoint requests cosigned, witness on one core, %d logs" % wt["logs"],
    wt["requests_per_second"], "/s",
    "%.0f per witness CPU-second; each synced" % wt["requests_per_witness_cpu_second"], "", "")
wl = load("witnessing-latency.json")
row("witness", "new checkpoint to its 2-of-2 cosigned form, p50 (%d checkpoints)"
    % wl["checkpoints"], wl["p50_ms"], "ms",
    "p90 %.0f ms, p99 %.0f ms" % (wl["p90_ms"], wl["p99_ms"]), "", "< 1,000 ms",
    wl["p50_ms"] < 1000)

# Merkle core against Go's sumdb/tlog.
merkle = gbench("merkle.json")
go = load("go-tlog.json")
for ours, theirs in [("BM_HashLeaf/32", "HashLeaf/32"), ("BM_HashChildren", "HashChildren"),
                     ("BM_InclusionProof", "InclusionProof"),
                     ("BM_ConsistencyProof", "ConsistencyProof"),
                     ("BM_VerifyInclusion", "VerifyInclusion"),
                     ("BM_VerifyConsistency", "VerifyConsistency")]:
    ns = merkle[ours]["ns"]
    row("merkle", ours[3:] + (" (1M-leaf tree)" if "Proof" in ours or "Verify" in ours else ""),
        ns, "ns/op", "Go tlog: %s ns" % fmt(go[theirs]), "%.2f" % (go[theirs] / ns),
        "faster than Go", ns < go[theirs])
row("merkle", "compact range append", merkle["BM_CompactRangeAppend"]["ns"], "ns/op")

with open(out_json, "w") as f:
    json.dump({"ceilings": ceil, "rows": rows, "entries": [small_n, large_n],
               "entry_bytes": entry_bytes,
               # tlogbench --tiles output: entries -> goroutines -> figures.
               "go_tlog_tiles": go_tiles}, f, indent=2)

lines = ["# Candor benchmarks", "",
         "Produced by `make bench` (tests/bench/run_bench.sh) on %s." % os.uname().nodename, "",
         "| area | figure | value | unit | bound / peer | ratio | target | met |",
         "|---|---|---:|---|---|---:|---|---|"]
for r in rows:
    digits = 1 if isinstance(r["value"], float) and r["value"] < 100 else 0
    met = "" if r["met"] is None else ("yes" if r["met"] else "**no**")
    lines.append("| %s | %s | %s | %s | %s | %s | %s | %s |" % (
        r["area"], r["figure"], fmt(r["value"], digits), r["unit"], r["bound"], r["ratio"],
        r["target"], met))
with open(out_md, "w") as f:
    f.write("\n".join(lines) + "\n")
