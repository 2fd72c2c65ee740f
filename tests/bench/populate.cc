// populate: fills a candor-log data directory with N synthetic entries
// through the store and the real integrator (tiles, checkpoints, the root
// checks), without gRPC or signatures, to build 1M- and 10M-entry logs for
// benchmarks quickly. The entries are random bytes: the log never re-checks
// stored entries, so serving, proving and restarting behave as for real
// statements.

#include <iostream>
#include <cstring>
#include <random>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "log/statement/dsse.h"
#include "log/statement/predicate_types.h"
#include "log/statement/statement.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "log/keyfile/keyfile.h"
#include "log/merkle/hash.h"
#include "log/sequencer/integrator.h"
#include "log/storage/log_store.h"
#include "log/storage/open_store.h"

ABSL_FLAG(std::string, data_dir, "", "the log's data directory");
ABSL_FLAG(std::string, log_key, "", "the log's note signer key");
ABSL_FLAG(int64_t, entries, 1000000, "entries to add");
ABSL_FLAG(int, entry_bytes, 600, "bytes per entry");
ABSL_FLAG(int64_t, apps, 0,
          "0: entries are random bytes; N: each is a measurement-shaped statement about "
          "one of N apps (android:bench.app<k>, k uniform) by one of 1,000 auditors, so "
          "the verifiable index files it under its app and its signer (signatures are "
          "random bytes: the log never re-checks stored entries)");

// A measurement-shaped entry about app `app` of `bytes` bytes (give or take
// the base64 rounding of the envelope's payload), padded to size.
std::string BenchStatement(uint64_t index, uint64_t app, std::mt19937_64& rng, size_t bytes) {
  candor::Statement st;
  const std::string app_id = absl::StrCat("android:bench.app", app);
  st.subjects.push_back(candor::NamedSubject(app_id));
  st.predicate_type = std::string(candor::kMeasurementType);
  const std::string head = absl::StrCat("{\"auditor\":\"auditor-", rng() % 1000,
                                        "\",\"app\":\"", app_id, "\",\"n\":", index,
                                        ",\"pad\":\"");
  std::string sig(64, '\0');
  for (char& c : sig) c = static_cast<char>(rng());
  auto envelope_of = [&](size_t pad) {
    st.predicate_json = absl::StrCat(head, std::string(pad, 'x'), "\"}");
    candor::dsse::Envelope envelope;
    envelope.payload_type = std::string(candor::dsse::kInTotoPayloadType);
    envelope.payload = candor::SerializeStatement(st);
    envelope.signatures.push_back({"", sig});
    return candor::dsse::SerializeEnvelope(envelope);
  };
  std::string entry = envelope_of(1);
  if (entry.size() < bytes) entry = envelope_of(1 + (bytes - entry.size()) * 3 / 4);
  return entry;
}

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  auto signer = candor::keyfile::ReadNoteSigner(absl::GetFlag(FLAGS_log_key));
  if (!signer.ok()) {
    std::cerr << "populate: " << signer.status() << "\n";
    return 2;
  }
  // Entries are random bytes, not statements: each is its own identity, so
  // the identity index costs what it costs in a real log.
  candor::storage::StoreOptions store_options;
  store_options.identity =
      [](absl::string_view entry) -> absl::StatusOr<candor::Sha256Digest> {
    return candor::Sha256(entry);
  };
  auto store = candor::storage::OpenLogStore(absl::GetFlag(FLAGS_data_dir),
                                               store_options);
  if (!store.ok()) {
    std::cerr << "populate: " << store.status() << "\n";
    return 2;
  }
  uint64_t start = *(*store)->ReadSequencedSize();
  const uint64_t total = start + absl::GetFlag(FLAGS_entries);
  std::mt19937_64 rng(start + 1);
  const absl::Time t0 = absl::Now();
  std::string entry(absl::GetFlag(FLAGS_entry_bytes), '\0');
  const int64_t apps = absl::GetFlag(FLAGS_apps);
  const size_t entry_bytes = absl::GetFlag(FLAGS_entry_bytes);
  for (uint64_t i = start; i < total;) {
    candor::storage::LogStore::Batch batch = (*store)->NewBatch();
    for (int k = 0; k < 10000 && i < total; ++k, ++i) {
      for (size_t b = 0; b + 8 <= entry.size(); b += 8) {
        uint64_t r = rng();
        memcpy(&entry[b], &r, 8);
      }
      if (apps > 0) entry = BenchStatement(i, rng() % apps, rng, entry_bytes);
      batch.PutEntry(i, entry, candor::merkle::HashLeaf(entry), candor::Sha256(entry));
    }
    batch.PutSequencedSize(i);
    if (absl::Status s = (*store)->Commit(batch, /*sync=*/i == total); !s.ok()) {
      std::cerr << "populate: " << s << "\n";
      return 1;
    }
  }
  const absl::Time t1 = absl::Now();
  candor::sequencer::IntegratorOptions options;
  options.interval = absl::Milliseconds(5);
  options.batch_entries = 1;
  options.max_batch_entries = 100000;
  auto integrator = candor::sequencer::Integrator::Start(
      store->get(), *signer, signer->name(), nullptr, options);
  if (!integrator.ok()) {
    std::cerr << "populate: " << integrator.status() << "\n";
    return 1;
  }
  (*integrator)->NotifySequenced(total);
  while ((*integrator)->latest()->size < total) {
    if (absl::Status h = (*integrator)->health(); !h.ok()) {
      std::cerr << "populate: " << h << "\n";
      return 1;
    }
    absl::SleepFor(absl::Milliseconds(50));
  }
  const absl::Time t2 = absl::Now();
  std::cout << absl::StrFormat(
      "{\"entries\":%d,\"tree_size\":%d,\"write_seconds\":%.1f,"
      "\"integrate_seconds\":%.1f,\"integrated_per_second\":%.0f}\n",
      total - start, total, absl::ToDoubleSeconds(t1 - t0),
      absl::ToDoubleSeconds(t2 - t1), (total - start) / absl::ToDoubleSeconds(t2 - t1));
  return 0;
}
