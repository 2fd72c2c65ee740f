// proofbench: inclusion and consistency proofs per second over gRPC against
// a running candor-log, from --threads concurrent callers, for random
// indices. Every inclusion proof is verified against the log's checkpoint
// (for a sample of 2,048 entries whose leaf hashes are fetched first), so the
// figure includes client-side verification; consistency proofs are only
// counted. Prints JSON.

#include <algorithm>
#include <atomic>
#include <iostream>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "log/client/log_client.h"
#include "log/keyfile/keyfile.h"
#include "log/merkle/proof.h"
#include "log/note/checkpoint.h"

ABSL_FLAG(std::string, log, "", "candor-log address");
ABSL_FLAG(std::string, log_pub, "", "the log's public key");
ABSL_FLAG(int, threads, 16, "concurrent callers");
ABSL_FLAG(int, seconds, 10, "how long to run each kind of proof");
ABSL_FLAG(bool, verify, true, "verify every proof");
ABSL_FLAG(bool, consistency, true, "also time consistency proofs");
ABSL_FLAG(int, batch, 1,
          "inclusion proofs per call: 1 asks GetInclusionProof, more ask "
          "GetInclusionProofs for that many random entries at once (each proof counts)");

namespace {

namespace pb = ::candor::log::v1;

struct Result {
  long long proofs = 0;
  long long errors = 0;
  std::vector<double> latencies_us;
};

template <typename Call>
Result Run(int threads, int seconds, Call call) {
  Result total;
  std::mutex mu;
  std::vector<std::thread> workers;
  const absl::Time end = absl::Now() + absl::Seconds(seconds);
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      std::mt19937_64 rng(t + 1);
      Result mine;
      while (absl::Now() < end) {
        absl::Time start = absl::Now();
        bool ok = call(rng);
        mine.latencies_us.push_back(absl::ToDoubleMicroseconds(absl::Now() - start));
        ok ? ++mine.proofs : ++mine.errors;
      }
      std::lock_guard<std::mutex> lock(mu);
      total.proofs += mine.proofs;
      total.errors += mine.errors;
      total.latencies_us.insert(total.latencies_us.end(), mine.latencies_us.begin(),
                                mine.latencies_us.end());
    });
  }
  for (auto& w : workers) w.join();
  std::sort(total.latencies_us.begin(), total.latencies_us.end());
  return total;
}

double Pct(const std::vector<double>& v, double p) {
  return v.empty() ? 0 : v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))];
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  auto key = candor::keyfile::ReadNoteVerifier(absl::GetFlag(FLAGS_log_pub));
  if (!key.ok()) {
    std::cerr << "proofbench: " << key.status() << "\n";
    return 2;
  }
  candor::client::ClientOptions options;
  candor::client::LogClient client(absl::GetFlag(FLAGS_log), options);
  auto cp_text = client.GetCheckpoint();
  if (!cp_text.ok()) {
    std::cerr << "proofbench: " << cp_text.status() << "\n";
    return 2;
  }
  auto cp = candor::note::OpenCheckpoint(cp_text->checkpoint(), *key);
  if (!cp.ok() || cp->checkpoint.size < 2) {
    std::cerr << "proofbench: need a verified checkpoint of at least 2 entries\n";
    return 2;
  }
  const uint64_t size = cp->checkpoint.size;
  const std::string root(candor::merkle::AsBytes(cp->checkpoint.root));
  const bool verify = absl::GetFlag(FLAGS_verify);
  // The leaf hashes of a fixed random sample of entries, fetched once, so
  // that every proof is checked against the checkpoint's root.
  std::vector<std::pair<uint64_t, candor::merkle::Hash>> sample;
  std::mt19937_64 sample_rng(20261206);
  for (int i = 0; i < 2048; ++i) {
    const uint64_t index = sample_rng() % size;
    auto got = client.GetEntries(index, 1);
    if (!got.ok() || got->entries_size() != 1) {
      std::cerr << "proofbench: cannot read entry " << index << "\n";
      return 2;
    }
    sample.emplace_back(index, candor::merkle::HashLeaf(got->entries(0)));
  }

  const int batch = absl::GetFlag(FLAGS_batch);
  // With --batch, each call counts as `batch` proofs.
  auto batched = [&](std::mt19937_64& rng) {
    std::vector<uint64_t> indices;
    std::vector<const candor::merkle::Hash*> leaves;
    for (int k = 0; k < batch; ++k) {
      const auto& picked = sample[rng() % sample.size()];
      indices.push_back(picked.first);
      leaves.push_back(&picked.second);
    }
    auto proofs = client.GetInclusionProofs(indices, size);
    if (!proofs.ok() || proofs->proofs_size() != batch) return false;
    if (!verify) return true;
    for (int k = 0; k < batch; ++k) {
      const auto& proof = proofs->proofs(k);
      auto hashes = candor::merkle::HashesFromBytes(
          std::vector<std::string>(proof.hashes().begin(), proof.hashes().end()));
      if (!hashes.ok() || !candor::merkle::VerifyInclusion(indices[k], size,
                                                           candor::merkle::AsBytes(*leaves[k]),
                                                           *hashes, root)
                               .ok()) {
        return false;
      }
    }
    return true;
  };
  Result inclusion = Run(absl::GetFlag(FLAGS_threads), absl::GetFlag(FLAGS_seconds),
                         [&](std::mt19937_64& rng) {
    if (batch > 1) return batched(rng);
    const auto& [index, leaf] = sample[rng() % sample.size()];
    pb::GetInclusionProofRequest request;
    request.set_index(index);
    request.set_tree_size(size);
    auto proof = client.GetInclusionProof(request);
    if (!proof.ok()) return false;
    if (!verify) return true;
    auto hashes = candor::merkle::HashesFromBytes(
        std::vector<std::string>(proof->proof().begin(), proof->proof().end()));
    if (!hashes.ok()) return false;
    return candor::merkle::VerifyInclusion(index, size, candor::merkle::AsBytes(leaf),
                                           *hashes, root)
        .ok();
  });
  Result consistency;
  if (absl::GetFlag(FLAGS_consistency)) {
    consistency = Run(absl::GetFlag(FLAGS_threads), absl::GetFlag(FLAGS_seconds),
                      [&](std::mt19937_64& rng) {
                        uint64_t from = 1 + rng() % (size - 1);
                        auto proof = client.GetConsistencyProof(from, size);
                        return proof.ok() && proof->proof_size() > 0;
                      });
  }
  std::cout << absl::StrFormat(
      "{\"tree_size\":%d,\"threads\":%d,\"batch\":%d,"
      "\"inclusion_per_second\":%.0f,\"inclusion_us_p50\":%.0f,\"inclusion_us_p99\":%.0f,"
      "\"consistency_per_second\":%.0f,\"consistency_us_p50\":%.0f,"
      "\"consistency_us_p99\":%.0f,\"errors\":%d}\n",
      size, absl::GetFlag(FLAGS_threads), batch,
      inclusion.proofs * static_cast<double>(batch) / absl::GetFlag(FLAGS_seconds),
      Pct(inclusion.latencies_us, 0.5), Pct(inclusion.latencies_us, 0.99),
      consistency.proofs / static_cast<double>(absl::GetFlag(FLAGS_seconds)),
      Pct(consistency.latencies_us, 0.5), Pct(consistency.latencies_us, 0.99),
      inclusion.errors + consistency.errors);
  return 0;
}
