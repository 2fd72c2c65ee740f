#include "log/index/map_update.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/types/span.h"
#include "log/encoding/encoding.h"

namespace candor::index {
namespace {

using Changed = absl::Span<const std::pair<Hash, Value>>;

// The first element of `keys` (all sharing `depth` path bits) whose bit
// `depth` is 1.
size_t SplitPoint(Changed keys, size_t depth) {
  auto it = std::partition_point(keys.begin(), keys.end(), [&](const auto& k) {
    return !PathBit(k.first, depth);
  });
  return static_cast<size_t>(it - keys.begin());
}

class Updater {
 public:
  Updater(MapReader& reader, NodeWrites& writes) : reader_(reader), writes_(writes) {}

  // The new hash of the subtree at `depth` on the paths of `keys` (sorted,
  // non-empty, all sharing `depth` bits).
  absl::StatusOr<Hash> Update(size_t depth, Changed keys) {
    const std::string position = PositionKey(depth, keys.front().first);
    absl::StatusOr<std::optional<MapNode>> node = reader_.ReadNode(position);
    if (!node.ok()) return node.status();
    if (!node->has_value()) return Fresh(depth, keys);
    const MapNode& existing = **node;
    if (!existing.interior) {
      if (keys.size() == 1 && keys.front().first == existing.key_hash) {
        return LeafHash(existing.key_hash, keys.front().second);
      }
      // The key alone here moves down beside the new ones.
      std::vector<std::pair<Hash, Value>> all(keys.begin(), keys.end());
      auto at = std::lower_bound(
          all.begin(), all.end(), existing.key_hash,
          [](const auto& k, const Hash& h) { return k.first < h; });
      if (at == all.end() || at->first != existing.key_hash) {
        absl::StatusOr<Value> value = reader_.ReadValue(existing.key_hash);
        if (!value.ok()) return value.status();
        all.insert(at, {existing.key_hash, *value});
      }
      return Fresh(depth, all);
    }
    if (depth >= kMaxDepth) {
      return absl::DataLossError("the index map has an interior node 256 levels deep");
    }
    const size_t split = SplitPoint(keys, depth);
    MapNode updated = existing;
    if (split > 0) {
      absl::StatusOr<Hash> left = Update(depth + 1, keys.subspan(0, split));
      if (!left.ok()) return left.status();
      updated.left = *left;
    }
    if (split < keys.size()) {
      absl::StatusOr<Hash> right = Update(depth + 1, keys.subspan(split));
      if (!right.ok()) return right.status();
      updated.right = *right;
    }
    writes_[position] = updated;
    return InteriorHash(updated.left, updated.right);
  }

 private:
  // The subtree at `depth` holding exactly `keys`, where nothing was stored
  // below this position.
  absl::StatusOr<Hash> Fresh(size_t depth, Changed keys) {
    const std::string position = PositionKey(depth, keys.front().first);
    if (keys.size() == 1) {
      MapNode leaf;
      leaf.key_hash = keys.front().first;
      writes_[position] = leaf;
      return LeafHash(keys.front().first, keys.front().second);
    }
    if (depth >= kMaxDepth) {
      return absl::InternalError("two keys with the same key hash");
    }
    const size_t split = SplitPoint(keys, depth);
    MapNode interior;
    interior.interior = true;
    interior.left = kEmptyHash;
    interior.right = kEmptyHash;
    if (split > 0) {
      absl::StatusOr<Hash> left = Fresh(depth + 1, keys.subspan(0, split));
      if (!left.ok()) return left.status();
      interior.left = *left;
    }
    if (split < keys.size()) {
      absl::StatusOr<Hash> right = Fresh(depth + 1, keys.subspan(split));
      if (!right.ok()) return right.status();
      interior.right = *right;
    }
    writes_[position] = interior;
    return InteriorHash(interior.left, interior.right);
  }

  MapReader& reader_;
  NodeWrites& writes_;
};

}  // namespace

std::string PositionKey(size_t depth, const Hash& path) {
  std::string key;
  key.reserve(2 + merkle::kHashSize);
  key.push_back(static_cast<char>((depth >> 8) & 0xff));
  key.push_back(static_cast<char>(depth & 0xff));
  const Hash prefix = PathPrefix(path, depth);
  key.append(reinterpret_cast<const char*>(prefix.data()), prefix.size());
  return key;
}

std::string EncodeNode(const MapNode& node) {
  if (node.interior) {
    return absl::StrCat("I", merkle::AsBytes(node.left), merkle::AsBytes(node.right));
  }
  return absl::StrCat("L", merkle::AsBytes(node.key_hash));
}

absl::StatusOr<MapNode> DecodeNode(absl::string_view bytes) {
  MapNode node;
  if (bytes.size() == 1 + 2 * merkle::kHashSize && bytes[0] == 'I') {
    node.interior = true;
    std::copy(bytes.begin() + 1, bytes.begin() + 33, node.left.begin());
    std::copy(bytes.begin() + 33, bytes.end(), node.right.begin());
    return node;
  }
  if (bytes.size() == 1 + merkle::kHashSize && bytes[0] == 'L') {
    std::copy(bytes.begin() + 1, bytes.end(), node.key_hash.begin());
    return node;
  }
  return absl::DataLossError(absl::StrCat(
      "index map node of ", bytes.size(), " bytes is neither an interior node nor a leaf"));
}

absl::StatusOr<Hash> UpdateMap(MapReader& reader,
                               const std::vector<std::pair<Hash, Value>>& changed,
                               NodeWrites& writes) {
  if (changed.empty()) return ReadRoot(reader);
  for (size_t i = 1; i < changed.size(); ++i) {
    if (!(changed[i - 1].first < changed[i].first)) {
      return absl::InvalidArgumentError("changed keys must be sorted and distinct");
    }
  }
  Updater updater(reader, writes);
  return updater.Update(0, Changed(changed));
}

absl::StatusOr<Hash> ReadRoot(MapReader& reader) {
  absl::StatusOr<std::optional<MapNode>> root = reader.ReadNode(PositionKey(0, Hash{}));
  if (!root.ok()) return root.status();
  if (!root->has_value()) return kEmptyHash;
  if ((*root)->interior) return InteriorHash((*root)->left, (*root)->right);
  absl::StatusOr<Value> value = reader.ReadValue((*root)->key_hash);
  if (!value.ok()) return value.status();
  return LeafHash((*root)->key_hash, *value);
}

absl::StatusOr<MapProof> ProveKey(MapReader& reader, const Hash& key_hash) {
  MapProof proof;
  for (size_t depth = 0; depth <= kMaxDepth; ++depth) {
    absl::StatusOr<std::optional<MapNode>> node =
        reader.ReadNode(PositionKey(depth, key_hash));
    if (node.ok() && node->has_value() && (*node)->interior && depth == kMaxDepth) break;
    if (!node.ok()) return node.status();
    if (!node->has_value()) return proof;  // kEmpty terminal
    if (!(*node)->interior) {
      proof.terminal.kind = Terminal::kLeaf;
      proof.terminal.key_hash = (*node)->key_hash;
      absl::StatusOr<Value> value = reader.ReadValue((*node)->key_hash);
      if (!value.ok()) return value.status();
      proof.terminal.value = *value;
      return proof;
    }
    proof.siblings.push_back(PathBit(key_hash, depth) ? (*node)->left : (*node)->right);
  }
  return absl::DataLossError("the index map has an interior node 256 levels deep");
}

}  // namespace candor::index
