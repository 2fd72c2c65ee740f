// Reading the log through its verifiable index (log/index/index.md), as a
// client that trusts nothing but the log's key: every answer is checked
// before it is used.
//
//   * LookUpVerified: a key's log indices, all pages of them, with the index
//     note checked under the log key, the map proof checked against the
//     note's index root, and the hash chain over the indices checked against
//     the key's value: an index entry dropped, added or reordered, or a key
//     hidden, fails here.
//   * IndexedReader: the entries themselves, each with an RFC 6962 inclusion
//     proof against the index note's tree, and each statement's signature
//     checked under the keys its signer had registered at that index (the
//     signer's registrations are found through the index too, under
//     "principal:<name>"). A statement repeating an earlier entry's is
//     skipped, as LogScanner does. O(k log n) for a key of k entries, in
//     O(k / 1000) proof calls.
//
// CheckTreeAgainst ties an index note's tree to a checkpoint the caller
// verified otherwise (e.g. with a witness policy): same root at the same
// size, else a consistency proof between the two.
//
// Not thread-safe. Errors: the server's status; INVALID_ARGUMENT (or
// FAILED_PRECONDITION for two histories) when an answer does not verify,
// with a message saying what failed.

#ifndef CANDOR_CLIENT_INDEX_READ_H_
#define CANDOR_CLIENT_INDEX_READ_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "log/client/log_client.h"
#include "log/crypto/sha256.h"
#include "log/index/index_note.h"
#include "log/index/map_tree.h"
#include "log/note/checkpoint.h"
#include "log/note/note.h"
#include "log/registry/registry.h"
#include "log/statement/statement.h"

namespace candor::client {

struct IndexAnswer {
  std::string key;
  std::string index_note;      // signed by the log key
  index::IndexCheckpoint tree;  // what the note says
  bool present = false;
  index::Value value;
  // All of the key's entries in the tree of tree.size, in log order.
  std::vector<uint64_t> indices;
  // Bytes of the map proof of the last page (the proof of completeness).
  size_t proof_bytes = 0;
};

// `since`, if given, is an earlier verified answer for the same key: only
// the positions after it are fetched, and its chain is extended. A key that
// has fewer entries than `since` fails.
absl::StatusOr<IndexAnswer> LookUpVerified(LogClient& log, const note::Verifier& log_key,
                                           const std::string& key,
                                           const IndexAnswer* since = nullptr);

// Checks that the index note's tree and `checkpoint` (verified by the
// caller) are of one history.
absl::Status CheckTreeAgainst(LogClient& log, const index::IndexCheckpoint& tree,
                              const note::Checkpoint& checkpoint);

class IndexedReader {
 public:
  // `log` must outlive the reader.
  IndexedReader(LogClient* log, note::Verifier log_key)
      : log_(log), log_key_(std::move(log_key)) {}

  // Called for each verified statement, in log order, with the entry's
  // bytes; `signer` is the signing principal, empty for registrations.
  using Visit = absl::FunctionRef<void(uint64_t index, absl::string_view entry,
                                       const SignedStatement& statement,
                                       const std::string& signer)>;

  // Reads the entries at `indices` (ascending) of the tree of `tree`.
  // Entries whose signature does not check out are skipped, as LogScanner
  // skips them.
  absl::Status Read(const index::IndexCheckpoint& tree,
                    const std::vector<uint64_t>& indices, Visit visit);

  // The registrations of every signer met so far, applied in log order.
  registry::RegistryState Registry() const;

  // The entries at `indices` of the tree of `tree`, each with its inclusion
  // checked: consecutive ones fetched together,
  // their proofs 1,000 a call (GetInclusionProofs).
  absl::StatusOr<std::vector<std::string>> ReadEntries(const index::IndexCheckpoint& tree,
                                                       const std::vector<uint64_t>& indices);

 private:
  // The signer's registrations (looked up once per tree size), applied in
  // log order to a registry of that principal alone.
  absl::Status LoadPrincipal(const index::IndexCheckpoint& tree, const std::string& name);

  LogClient* log_;
  note::Verifier log_key_;
  // Principal name -> its registrations as (index, Registration entry).
  absl::flat_hash_map<std::string, std::vector<std::pair<uint64_t, std::string>>>
      registrations_;
  absl::flat_hash_set<Sha256Digest> seen_;
};

}  // namespace candor::client

#endif  // CANDOR_CLIENT_INDEX_READ_H_
