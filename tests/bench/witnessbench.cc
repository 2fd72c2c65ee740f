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
//   witnessbench --mode=latency --data_dir=DIR --log_key=FILE --admin_pub=FILE
//       --witness_policy=FILE --checkpoints=100
//       runs the log in-process (logserver::LogServer, as candor-log does,
//       with the policy's witnesses), prints its address on the first line,
//       and, while a load generator adds entries, times every checkpoint from
//       its signing (the integrator's inclusion callback) to its meeting the
//       witness policy (Witnessing::WaitForWitnessed): events, no polling

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "base/http/http_client.h"
#include "log/admission/admission.h"
#include "log/crypto/keys.h"
#include "log/keyfile/keyfile.h"
#include "log/merkle/hash.h"
#include "log/merkle/in_memory_tree.h"
#include "log/merkle/proof.h"
#include "log/note/checkpoint.h"
#include "log/note/note.h"
#include "log/note/policy.h"
#include "log/proofs/checkpoint_checker.h"
#include "log/sequencer/integrator.h"
#include "log/server/log_server.h"
#include "log/witness/witness_client.h"
#include "log/witness/witnessing.h"
#include "verifier/predicates/predicates.h"

ABSL_FLAG(std::string, mode, "", "keys, throughput or latency");
ABSL_FLAG(int, logs, 8, "keys: how many logs (client threads in throughput)");
ABSL_FLAG(std::string, out, "", "keys: output directory");
ABSL_FLAG(std::string, keys, "", "throughput: the directory --mode=keys wrote");
ABSL_FLAG(std::string, witness, "", "throughput: the witness's host:port");
ABSL_FLAG(int, witness_pid, 0, "throughput: the witness's process id, for its CPU time");
ABSL_FLAG(double, seconds, 10, "throughput: how long to measure");
ABSL_FLAG(std::string, data_dir, "", "latency: the in-process log's RocksDB directory");
ABSL_FLAG(std::string, log_key, "", "latency: the log's note signer key");
ABSL_FLAG(std::string, admin_pub, "", "latency: the operator's admin public key");
ABSL_FLAG(std::string, witness_policy, "", "latency: the witnesses to ask (tlog-policy)");
ABSL_FLAG(int, checkpoints, 100, "latency: how many checkpoints to time");

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
  const absl::Time end = absl::Now() + absl::Seconds(absl::GetFlag(FLAGS_seconds));
  std::string first_error;
  absl::Mutex error_mu;
  auto client = [&](int i) {
    merkle::InMemoryTree tree;
    uint64_t old_size = 0;
    while (absl::Now() < end) {
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
  for (const auto* flag : {&FLAGS_data_dir, &FLAGS_log_key, &FLAGS_admin_pub,
                           &FLAGS_witness_policy}) {
    if (absl::GetFlag(*flag).empty()) {
      return Fail("--data_dir, --log_key, --admin_pub and --witness_policy are required");
    }
  }
  logserver::LogServerConfig config;
  config.storage = absl::GetFlag(FLAGS_data_dir);
  absl::StatusOr<note::Signer> signer = keyfile::ReadNoteSigner(absl::GetFlag(FLAGS_log_key));
  if (!signer.ok()) return Fail(signer.status().ToString());
  absl::StatusOr<PublicKey> admin = keyfile::ReadPublicKey(absl::GetFlag(FLAGS_admin_pub));
  if (!admin.ok()) return Fail(admin.status().ToString());
  absl::StatusOr<note::Policy> policy =
      proofs::ReadWitnessPolicy(absl::GetFlag(FLAGS_witness_policy));
  if (!policy.ok()) return Fail(policy.status().ToString());
  config.origin = signer->name();
  config.log_signer = *std::move(signer);
  config.admin_key = *std::move(admin);
  config.witness_policy = *std::move(policy);
  config.witness_post = witness_client::HttpPostFunction();
  auto validators = std::make_unique<admission::ValidatorRegistry>();
  if (absl::Status s = predicates::RegisterStatementValidators(*validators); !s.ok()) {
    return Fail(s.ToString());
  }
  absl::StatusOr<std::unique_ptr<logserver::LogServer>> server =
      logserver::LogServer::Start(std::move(config), std::move(validators));
  if (!server.ok()) return Fail(server.status().ToString());
  std::cout << (*server)->address() << std::endl;

  sequencer::Integrator& integrator = *(*server)->integrator();
  witnessing::Witnessing& witnessing = *(*server)->witnessing();
  std::vector<double> latencies_ms;
  uint64_t next = integrator.latest()->size;  // the first entry not yet in a checkpoint
  while (latencies_ms.size() < static_cast<size_t>(absl::GetFlag(FLAGS_checkpoints))) {
    // The checkpoint that includes entry `next`, the moment it is signed.
    absl::Notification signed_;
    uint64_t size = 0;
    absl::Time at;
    absl::Status waited;
    integrator.WaitForInclusion(
        next, absl::Now() + absl::Minutes(2),
        [&](absl::StatusOr<sequencer::CheckpointPtr> cp) {
          at = absl::Now();
          if (cp.ok()) size = (*cp)->size;
          waited = cp.status();
          signed_.Notify();
        });
    signed_.WaitForNotification();
    if (!waited.ok()) return Fail(absl::StrCat("no checkpoint includes entry ", next,
                                               " (is the load generator running?): ",
                                               waited.message()));
    if (absl::Status s = witnessing.WaitForWitnessed(size, absl::Now() + absl::Minutes(2));
        !s.ok()) {
      return Fail(s.ToString());
    }
    latencies_ms.push_back(absl::ToDoubleMilliseconds(absl::Now() - at));
    next = size;
  }
  (*server)->Shutdown();
  std::sort(latencies_ms.begin(), latencies_ms.end());
  auto pct = [&](double p) {
    return latencies_ms[std::min(latencies_ms.size() - 1,
                                 static_cast<size_t>(p * latencies_ms.size()))];
  };
  std::printf(
      "{\"checkpoints\": %zu, \"p50_ms\": %.1f, \"p90_ms\": %.1f, \"p99_ms\": %.1f, "
      "\"max_ms\": %.1f}\n",
      latencies_ms.size(), pct(0.5), pct(0.9), pct(0.99), latencies_ms.back());
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
