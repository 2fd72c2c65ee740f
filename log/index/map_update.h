// Updating the verifiable index's map (map_tree.h) and proving lookups in
// it, over nodes kept by someone else: the algorithms are pure, the storage
// is behind MapReader, and updates come back as writes for the caller to
// commit atomically with whatever else it commits.
//
// Only non-empty subtrees are stored, one node per position (a depth and
// the path prefix of that many bits): an interior node stores both child
// hashes, so a proof reads one node per level; a single-key subtree stores
// the key's hash, and its value is read from the key's record. Keys are
// only ever added or given longer values, never removed, as the log only
// grows.
//
// Thread-compatible: a MapReader must not change during a call.

#ifndef CANDOR_LOG_INDEX_MAP_UPDATE_H_
#define CANDOR_LOG_INDEX_MAP_UPDATE_H_

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "log/index/map_tree.h"

namespace candor::index {

struct MapNode {
  bool interior = false;
  Hash left{}, right{};  // interior: the children's hashes
  Hash key_hash{};       // leaf: the one key below this position

  bool operator==(const MapNode& o) const {
    return interior == o.interior &&
           (interior ? left == o.left && right == o.right : key_hash == o.key_hash);
  }
};

// A position's storage key: be16(depth) || PathPrefix(path, depth).
std::string PositionKey(size_t depth, const Hash& path);
std::string EncodeNode(const MapNode& node);
// DATA_LOSS naming the position if the bytes are not a node.
absl::StatusOr<MapNode> DecodeNode(absl::string_view bytes);

class MapReader {
 public:
  virtual ~MapReader() = default;
  // The node at `position` (PositionKey), nullopt if that subtree is empty.
  virtual absl::StatusOr<std::optional<MapNode>> ReadNode(
      absl::string_view position) = 0;
  // The value of a key in the map; NOT_FOUND if it has none.
  virtual absl::StatusOr<Value> ReadValue(const Hash& key_hash) = 0;
};

// Node writes keyed by PositionKey.
using NodeWrites = std::map<std::string, MapNode>;

// Sets the values of `changed` (sorted by key hash, without repeats; new
// keys or longer values of existing ones) and returns the new root. Reads
// through `reader` the map as it was; adds to `writes` every node to store.
// `reader` must answer ReadValue with the old value of an unchanged key.
absl::StatusOr<Hash> UpdateMap(MapReader& reader,
                               const std::vector<std::pair<Hash, Value>>& changed,
                               NodeWrites& writes);

// The map's root as stored.
absl::StatusOr<Hash> ReadRoot(MapReader& reader);

// The proof for `key_hash`: present (its leaf is the terminal) or absent.
absl::StatusOr<MapProof> ProveKey(MapReader& reader, const Hash& key_hash);

}  // namespace candor::index

#endif  // CANDOR_LOG_INDEX_MAP_UPDATE_H_
