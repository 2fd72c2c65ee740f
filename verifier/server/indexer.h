// Indexes the entries a verifier reads from the log: replays registrations
// into its own registry, checks that every other entry is signed by a key in
// force for the role its predicate type requires (trusting the log's
// admission for nothing but ordering), and records every statement, claims,
// measurements and findings by app, and registrations by principal.
//
// One statement counts once: an entry whose statement (dsse::StatementIdentity:
// what was signed) an earlier entry already carried is recorded as a repeat
// of that entry and indexed nowhere else: a replayed registration does not
// apply again, a replayed claim or measurement is not the app's. A log that
// deduplicates never holds such entries; this does not rely on it.
//
// Not thread-safe: the follower's thread owns it.

#ifndef CANDOR_VERIFIER_SERVER_INDEXER_H_
#define CANDOR_VERIFIER_SERVER_INDEXER_H_

#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "log/admission/admission.h"
#include "log/crypto/keys.h"
#include "log/registry/registry.h"
#include "verifier/follower/follower.h"
#include "verifier/server/verifier_store.h"

namespace candor::verifier {

// What a chunk brought.
struct IndexedChunk {
  std::vector<uint64_t> claims;
  std::vector<uint64_t> measurements;
  std::vector<uint64_t> findings;
  std::set<std::string> apps;  // apps with new claims or measurements
  // Entries that repeat an earlier entry's statement, as "entry N repeats
  // entry M".
  std::vector<std::string> repeated;
  // Entries that failed the signature check: the log should not have
  // admitted them.
  std::vector<std::string> rejected;
};

class Indexer {
 public:
  // `store` must outlive the indexer. Upgrades a store of schema version 1
  // (see VerifierStore) once, reading every statement it holds.
  static absl::StatusOr<Indexer> Create(VerifierStore* store, PublicKey admin_key);

  // Indexes entries [start, start + entries.size()) and persists them with
  // the follower state in one batch.
  absl::StatusOr<IndexedChunk> IndexChunk(uint64_t start,
                                          const std::vector<std::string>& entries,
                                          const follower::FollowerState& state);

  const registry::RegistryState& registry() const { return registry_; }

 private:
  Indexer(VerifierStore* store, PublicKey admin_key, registry::RegistryState registry)
      : store_(store), admin_key_(std::move(admin_key)), registry_(std::move(registry)) {}
  static absl::Status UpgradeFromVersion1(VerifierStore* store);

  VerifierStore* store_;
  PublicKey admin_key_;
  registry::RegistryState registry_;
};

}  // namespace candor::verifier

#endif  // CANDOR_VERIFIER_SERVER_INDEXER_H_
