// Witnessing figures for make bench (tests/bench/run_bench.sh). Prints JSON;
// asserts nothing.
//
//   witnessbench --mode=keys --logs=8 --out=DIR
//       writes DIR/log-<i>.key (note signer keys of logs bench.log/<i>) and
//       DIR/logs.policy, the "log" lines a witness is started with
//   witnessbench --mode=throughput --keys=DIR --witness=HOST:PORT
//       --witness_pid=PID --seconds=10
//       one client thread per log submits ever-growing checkpoints (one
//       entry more each time, with its consistency proof) to the witness's
//       add-checkpoint; counts the 200s and the witness process's CPU time
//       (/proc/PID/stat), so that requests per witness core-second can be
//       told from the wall-clock rate
//   witnessbench --mode=latency --log=HOST:PORT --seconds=30
//       polls the log's newest checkpoint and newest witnessed checkpoint
//       every 2 ms while a load generator adds entries; for every checkpoint
//       size seen, the time from its first sight to its first sight as
//       witnessed (poll granularity included)

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "base/http/http_client.h"
#include "log/client/log_client.h"
#include "log/keyfile/keyfile.h"
#include "log/merkle/hash.h"
#include "log/merkle/in_memory_tree.h"
#include "log/merkle/proof.h"
#include "log/note/checkpoint.h"
#include "log/note/note.h"
#include "log/witness/witness_client.h"

ABSL_FLAG(std::string, mode, "", "keys, throughput or latency");
ABSL_FLAG(int, logs, 8, "keys: how many logs (client threads in throughput)");
ABSL_FLAG(std::string, out, "", "keys: output directory");
ABSL_FLAG(std::string, keys, "", "throughput: the directory --mode=keys wrote");
ABSL_FLAG(std::string, witness, "", "throughput: the witness's host:port");
ABSL_FLAG(int, witness_pid, 0, "throughput: the witness's process id, for its CPU time");
ABSL_FLAG(std::string, log, "", "latency: candor-log's address");
ABSL_FLAG(double, seconds, 10, "how long to measure");

namespace candor {
namespace {

int Fail(const std::string& message) {
  std::cerr << "witnessbench: " << message << "\n";
  return 1;
}

std::string KeyPath(const std::string& dir, int i) {
  return absl::StrCat(dir, "/log-", i, ".key");
}

int Keys() {
  const std::string dir = absl::GetFlag(FLAGS_out);
  if (dir.empty()) return Fail("--out is required");
  std::string policy = "# the logs candor-witness witnesses in the benchmark\n";
  for (int i = 0; i < absl::GetFlag(FLAGS_logs); ++i) {
    absl::StatusOr<note::Signer> signer = note::Signer::Generate(absl::StrCat("bench.log/", i));
    if (!signer.ok()) return Fail(signer.status().ToString());
    if (absl::Status s = keyfile::WriteSecretFile(KeyPath(dir, i), signer->EncodedKey() + "\n");
        !s.ok()) {
      return Fail(s.ToString());
    }
    absl::StrAppend(&policy, "log ", signer->verifier().EncodedKey(), "\n");
  }
  absl::StrAppend(&policy, "quorum none\n");
  if (absl::Status s = keyfile::WritePublicFile(dir + "/logs.policy", policy); !s.ok()) {
    return Fail(s.ToString());
  }
  return 0;
}

// utime + stime of `pid`, in seconds.
double CpuSeconds(int pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/stat"));
  std::string stat((std::istreambuf_iterator<char>(in)), {});
  // Fields after the command name, which is in parentheses.
  const size_t close = stat.rfind(')');
  if (close == std::string::npos) return 0;
  std::vector<std::string> fields = absl::StrSplit(stat.substr(close + 2), ' ');
  if (fields.size() < 13) return 0;
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  return (std::stod(fields[11]) + std::stod(fields[12])) / ticks;
}

int Throughput() {
  const std::string dir = absl::GetFlag(FLAGS_keys);
  const std::string witness = absl::GetFlag(FLAGS_witness);
  const int pid = absl::GetFlag(FLAGS_witness_pid);
  if (dir.empty() || witness.empty() || pid == 0) {
    return Fail("--keys, --witness and --witness_pid are required");
  }
  const int logs = absl::GetFlag(FLAGS_logs);
  std::vector<note::Signer> signers;
  for (int i = 0; i < logs; ++i) {
    absl::StatusOr<note::Signer> signer = keyfile::ReadNoteSigner(KeyPath(dir, i));
    if (!signer.ok()) return Fail(signer.status().ToString());
    signers.push_back(*std::move(signer));
  }
  std::atomic<uint64_t> cosigned{0}, refused{0};
  std::atomic<bool> stop{false};
  std::string first_error;
  absl::Mutex error_mu;
  auto client = [&](int i) {
    merkle::InMemoryTree tree;
    uint64_t old_size = 0;
    while (!stop.load()) {
      tree.Append(merkle::HashLeaf(absl::StrCat("entry ", i, " ", tree.size())));
      const note::Checkpoint cp{signers[i].name(), tree.size(), tree.Root(), {}};
      absl::StatusOr<std::string> note = note::Sign(note::FormatCheckpoint(cp), {signers[i]});
      std::vector<merkle::Hash> proof;
      if (old_size > 0) {
        absl::StatusOr<std::vector<merkle::Hash>> p =
            merkle::ConsistencyProof(old_size, tree.size(), tree);
        if (p.ok()) proof = *std::move(p);
      }
      absl::StatusOr<std::string> body =
          note.ok() ? witness_client::AddCheckpointBody(old_size, proof, *note) : note.status();
      absl::StatusOr<http::HttpReply> reply =
          body.ok() ? http::HttpPost(witness, "/add-checkpoint", *body, "text/plain",
                                     absl::Now() + absl::Seconds(10))
                    : body.status();
      if (reply.ok() && reply->status == 200) {
        old_size = tree.size();
        ++cosigned;
        continue;
      }
      ++refused;
      absl::MutexLock lock(&error_mu);
      if (first_error.empty()) {
        first_error = reply.ok() ? absl::StrCat("HTTP ", reply->status, ": ", reply->body)
                                 : reply.status().ToString();
      }
      // Start this log again from what the witness holds: a 409 says.
      if (reply.ok() && reply->status == 409) old_size = std::stoull(reply->body);
    }
  };
  const double cpu_before = CpuSeconds(pid);
  const absl::Time start = absl::Now();
  std::vector<std::thread> threads;
  for (int i = 0; i < logs; ++i) threads.emplace_back(client, i);
  absl::SleepFor(absl::Seconds(absl::GetFlag(FLAGS_seconds)));
  stop = true;
  for (std::thread& t : threads) t.join();
  const double wall = absl::ToDoubleSeconds(absl::Now() - start);
  const double cpu = CpuSeconds(pid) - cpu_before;
  std::printf(
      "{\"logs\": %d, \"cosigned\": %lu, \"refused\": %lu, \"seconds\": %.3f, "
      "\"requests_per_second\": %.1f, \"witness_cpu_seconds\": %.3f, "
      "\"requests_per_witness_cpu_second\": %.1f, \"first_error\": \"%s\"}\n",
      logs, static_cast<unsigned long>(cosigned.load()),
      static_cast<unsigned long>(refused.load()), wall, cosigned.load() / wall, cpu,
      cpu > 0 ? cosigned.load() / cpu : 0.0, first_error.substr(0, 80).c_str());
  return 0;
}

int Latency() {
  const std::string address = absl::GetFlag(FLAGS_log);
  if (address.empty()) return Fail("--log is required");
  client::LogClient log(address, client::ClientOptions());
  std::map<uint64_t, absl::Time> first_seen;
  std::vector<double> latencies_ms;
  uint64_t witnessed_size = 0;
  const absl::Time end = absl::Now() + absl::Seconds(absl::GetFlag(FLAGS_seconds));
  while (absl::Now() < end) {
    absl::StatusOr<log::v1::GetCheckpointResponse> latest = log.GetCheckpoint();
    const absl::Time now = absl::Now();
    // Sizes already witnessed were counted; seeing them again as the latest
    // (no newer checkpoint yet) must not start their clock anew.
    if (latest.ok() && latest->tree_size() > witnessed_size) {
      first_seen.emplace(latest->tree_size(), now);
    }
    absl::StatusOr<log::v1::GetCheckpointResponse> witnessed = log.GetCheckpoint(0, true);
    const absl::Time then = absl::Now();
    if (witnessed.ok() && witnessed->tree_size() > witnessed_size) {
      witnessed_size = witnessed->tree_size();
      // Every checkpoint the witnessed one covers is now witnessed (as of a
      // consistent, newer checkpoint); count each once.
      for (auto it = first_seen.begin(); it != first_seen.end() && it->first <= witnessed_size;) {
        latencies_ms.push_back(absl::ToDoubleMilliseconds(then - it->second));
        it = first_seen.erase(it);
      }
    }
    absl::SleepFor(absl::Milliseconds(2));
  }
  if (latencies_ms.empty()) return Fail("no checkpoint was witnessed while measuring");
  std::sort(latencies_ms.begin(), latencies_ms.end());
  auto pct = [&](double p) {
    return latencies_ms[std::min(latencies_ms.size() - 1,
                                 static_cast<size_t>(p * latencies_ms.size()))];
  };
  std::printf(
      "{\"checkpoints\": %zu, \"p50_ms\": %.1f, \"p90_ms\": %.1f, \"p99_ms\": %.1f, "
      "\"max_ms\": %.1f, \"unwitnessed_at_end\": %zu}\n",
      latencies_ms.size(), pct(0.5), pct(0.9), pct(0.99), latencies_ms.back(),
      first_seen.size());
  return 0;
}

}  // namespace
}  // namespace candor

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const std::string mode = absl::GetFlag(FLAGS_mode);
  if (mode == "keys") return candor::Keys();
  if (mode == "throughput") return candor::Throughput();
  if (mode == "latency") return candor::Latency();
  std::cerr << "witnessbench: --mode must be keys, throughput or latency\n";
  return 2;
}
