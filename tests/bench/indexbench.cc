// indexbench: the verifiable index's figures.
//
//   indexbench --rebuild --data_dir DIR --scratch_dir DIR2
//     rebuilds the index of a stopped log's entries from scratch in a fresh
//     store, as a monitor does, and checks it reaches the root the log
//     signed: entries/s.
//   indexbench --log ADDR --log_pub FILE --apps N [--threads 16 --seconds 10]
//     looks up random apps android:bench.app<k> (populate --apps N) and
//     verifies every answer (client/index_read.h LookUpVerified): lookups/s,
//     latency, proof bytes, entries per answer.
//
// Prints JSON. Not a test: nothing here asserts a time.

#include <algorithm>
#include <atomic>
#include <iostream>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "client/index_read.h"
#include "log/index/index_store.h"
#include "log/keyfile/keyfile.h"
#include "log/statement/dsse.h"
#include "log/storage/log_store.h"
#include "log/storage/open_store.h"

ABSL_FLAG(bool, rebuild, false, "rebuild a stopped log's index from its entries");
ABSL_FLAG(std::string, data_dir, "", "--rebuild: the log's data directory");
ABSL_FLAG(std::string, scratch_dir, "", "--rebuild: an empty directory for the rebuilt index");
ABSL_FLAG(std::string, log, "", "candor-log address");
ABSL_FLAG(std::string, log_pub, "", "the log's public key");
ABSL_FLAG(int64_t, apps, 0, "look up android:bench.app<k> for k < apps");
ABSL_FLAG(int, threads, 16, "concurrent callers");
ABSL_FLAG(int, seconds, 10, "how long to look up");

namespace {

using candor::storage::LogStore;

int Rebuild() {
  candor::storage::StoreOptions options;
  options.identity = candor::dsse::EntryIdentity;
  auto log = candor::storage::OpenLogStore(absl::GetFlag(FLAGS_data_dir), options);
  if (!log.ok()) {
    std::cerr << "indexbench: " << log.status() << "\n";
    return 2;
  }
  auto scratch = candor::storage::OpenLogStore(absl::GetFlag(FLAGS_scratch_dir), options);
  if (!scratch.ok()) {
    std::cerr << "indexbench: " << scratch.status() << "\n";
    return 2;
  }
  candor::index::IndexState signed_state;
  if (absl::Status s = (*log)->ReadIndex([&](LogStore::IndexView& view) {
        auto state = candor::index::ReadIndexState(view);
        if (!state.ok()) return state.status();
        signed_state = *state;
        return absl::OkStatus();
      });
      !s.ok()) {
    std::cerr << "indexbench: " << s << "\n";
    return 2;
  }
  const absl::Time t0 = absl::Now();
  uint64_t size = 0;
  candor::index::Hash root = candor::index::kEmptyHash;
  while (size < signed_state.size) {
    std::vector<std::string> entries;
    const uint64_t count = std::min<uint64_t>(8192, signed_state.size - size);
    if (absl::Status s = (*log)->ReadEntries(size, count, SIZE_MAX, entries); !s.ok()) {
      std::cerr << "indexbench: " << s << "\n";
      return 2;
    }
    candor::index::IndexRecords records;
    absl::Status s = (*scratch)->ReadIndex([&](LogStore::IndexView& view) {
      auto r = candor::index::FileEntries(view, size, entries, records);
      if (!r.ok()) return r.status();
      root = *r;
      return absl::OkStatus();
    });
    if (!s.ok()) {
      std::cerr << "indexbench: " << s << "\n";
      return 2;
    }
    size += entries.size();
    records.push_back(candor::index::IndexStateRecord({size, root, ""}));
    LogStore::Batch batch = (*scratch)->NewBatch();
    for (const auto& [k, v] : records) batch.PutIndexRecord(k, v);
    if (absl::Status c = (*scratch)->Commit(batch, /*sync=*/false); !c.ok()) {
      std::cerr << "indexbench: " << c << "\n";
      return 2;
    }
  }
  const double seconds = absl::ToDoubleSeconds(absl::Now() - t0);
  std::cout << absl::StrFormat(
      "{\"entries\":%d,\"seconds\":%.1f,\"entries_per_second\":%.0f,"
      "\"root_matches_the_signed_one\":%s}\n",
      size, seconds, size / seconds, root == signed_state.root ? "true" : "false");
  return root == signed_state.root ? 0 : 1;
}

double Pct(const std::vector<double>& v, double p) {
  return v.empty() ? 0 : v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))];
}

int LookUp() {
  auto key = candor::keyfile::ReadNoteVerifier(absl::GetFlag(FLAGS_log_pub));
  if (!key.ok()) {
    std::cerr << "indexbench: " << key.status() << "\n";
    return 2;
  }
  const int64_t apps = absl::GetFlag(FLAGS_apps);
  if (apps <= 0) {
    std::cerr << "indexbench: --apps N is required\n";
    return 2;
  }
  candor::client::LogClient client(absl::GetFlag(FLAGS_log), candor::client::ClientOptions());
  std::mutex mu;
  std::vector<double> latencies_us;
  long long lookups = 0, errors = 0, proof_bytes = 0, indices = 0;
  size_t max_proof_bytes = 0;
  uint64_t tree_size = 0;
  std::string first_error;
  const absl::Time end = absl::Now() + absl::Seconds(absl::GetFlag(FLAGS_seconds));
  std::vector<std::thread> workers;
  for (int t = 0; t < absl::GetFlag(FLAGS_threads); ++t) {
    workers.emplace_back([&, t] {
      std::mt19937_64 rng(t + 1);
      std::vector<double> mine;
      long long ok = 0, bad = 0, bytes = 0, listed = 0;
      size_t max_bytes = 0;
      uint64_t size = 0;
      std::string error;
      while (absl::Now() < end) {
        const absl::Time start = absl::Now();
        auto answer = candor::client::LookUpVerified(
            client, *key, absl::StrCat("android:bench.app", rng() % apps));
        mine.push_back(absl::ToDoubleMicroseconds(absl::Now() - start));
        if (!answer.ok()) {
          ++bad;
          if (error.empty()) error = answer.status().ToString();
          continue;
        }
        ++ok;
        bytes += answer->proof_bytes;
        max_bytes = std::max(max_bytes, answer->proof_bytes);
        listed += answer->indices.size();
        size = answer->tree.size;
      }
      std::lock_guard<std::mutex> lock(mu);
      latencies_us.insert(latencies_us.end(), mine.begin(), mine.end());
      lookups += ok;
      errors += bad;
      proof_bytes += bytes;
      indices += listed;
      max_proof_bytes = std::max(max_proof_bytes, max_bytes);
      tree_size = std::max(tree_size, size);
      if (first_error.empty()) first_error = error;
    });
  }
  for (auto& w : workers) w.join();
  std::sort(latencies_us.begin(), latencies_us.end());
  if (!first_error.empty()) std::cerr << "indexbench: first error: " << first_error << "\n";
  const double seconds = absl::GetFlag(FLAGS_seconds);
  std::cout << absl::StrFormat(
      "{\"tree_size\":%d,\"apps\":%d,\"threads\":%d,\"lookups_per_second\":%.0f,"
      "\"us_p50\":%.0f,\"us_p99\":%.0f,\"proof_bytes_mean\":%.0f,\"proof_bytes_max\":%d,"
      "\"entries_per_answer_mean\":%.1f,\"errors\":%d}\n",
      tree_size, apps, absl::GetFlag(FLAGS_threads), lookups / seconds,
      Pct(latencies_us, 0.5), Pct(latencies_us, 0.99),
      lookups ? static_cast<double>(proof_bytes) / lookups : 0.0, max_proof_bytes,
      lookups ? static_cast<double>(indices) / lookups : 0.0, errors);
  return errors == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return absl::GetFlag(FLAGS_rebuild) ? Rebuild() : LookUp();
}
