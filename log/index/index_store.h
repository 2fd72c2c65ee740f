// The verifiable index as the log stores it: records in the store's index
// column family (storage::LogStore::IndexView and Batch::PutIndexRecord),
// updated in the same atomic batch as the checkpoint they belong to.
//
//   "m"                               be64(size) || index root || signed note
//   "n" || PositionKey                a map node (map_update.h)
//   "k" || key hash                   be64(count) || head || the key
//   "p" || key hash || be64(position) be64(log index) || head after it
//
// The index covers entries [0, size): the log's tree at the checkpoint whose
// index note is stored with it. Filing a batch of entries costs, per key the
// batch touches, one value read and O(log keys) node reads and writes; an
// entry costs one posting write per key. Nothing is held in memory between
// batches.
//
// Thread-compatible: one writer (the integrator); readers use snapshots.

#ifndef CANDOR_LOG_INDEX_INDEX_STORE_H_
#define CANDOR_LOG_INDEX_INDEX_STORE_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "log/index/map_tree.h"
#include "log/storage/log_store.h"

namespace candor::index {

// The index as of the checkpoint of `size` entries.
struct IndexState {
  uint64_t size = 0;
  Hash root = kEmptyHash;
  std::string note;  // the signed index note; empty before the first
};

// The stored state; size 0 and the empty root for a log never indexed.
absl::StatusOr<IndexState> ReadIndexState(storage::LogStore::IndexView& view);

// Records for the caller to put (Batch::PutIndexRecord) in one batch.
using IndexRecords = std::vector<std::pair<std::string, std::string>>;

// The record of `state`.
std::pair<std::string, std::string> IndexStateRecord(const IndexState& state);

// Files entries [first, first + entries.size()) under their keys
// (index_keys.h): adds the postings, values and map nodes to `out` and
// returns the new index root. `first` must be the stored state's size; the
// caller commits `out` with the new state's record in one batch.
absl::StatusOr<Hash> FileEntries(storage::LogStore::IndexView& view, uint64_t first,
                                 absl::Span<const std::string> entries, IndexRecords& out);

// A key's entries with the proof of them, as of the stored state.
struct Lookup {
  IndexState state;
  bool present = false;
  Value value;  // count 0 if absent
  // Positions [from, from + indices.size()) of the key's entries, by log
  // index; `head_at_from` is the chain head after position from - 1.
  uint64_t from = 0;
  std::vector<uint64_t> indices;
  Hash head_at_from = kEmptyHash;
  MapProof proof;
};

inline constexpr size_t kMaxIndicesPerLookup = 100000;

// Looks up `key`: its value, its proof, and up to `max_indices` (at most
// kMaxIndicesPerLookup) of its log indices from position `from` on.
// OUT_OF_RANGE if `from` is beyond the key's count.
absl::StatusOr<Lookup> LookUp(storage::LogStore::IndexView& view, absl::string_view key,
                              uint64_t from, size_t max_indices);

}  // namespace candor::index

#endif  // CANDOR_LOG_INDEX_INDEX_STORE_H_
