#include "log/merkle/in_memory_tree.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace candor::merkle {

void InMemoryTree::Append(const Hash& leaf_hash) {
  range_.Append(leaf_hash, [this](NodeId id, const Hash& h) {
    if (levels_.size() <= id.level) levels_.resize(id.level + 1);
    std::vector<Hash>& level = levels_[id.level];
    // Nodes arrive in index order at each level; anything else is a bug in
    // CompactRange that the tests should see.
    if (level.size() != id.index) {
      level.clear();
      return;
    }
    level.push_back(h);
  });
}

absl::Status InMemoryTree::ReadNodes(absl::Span<const NodeId> ids,
                                     absl::Span<Hash> out) {
  for (size_t i = 0; i < ids.size(); ++i) {
    const NodeId& id = ids[i];
    if (id.level >= levels_.size() || id.index >= levels_[id.level].size()) {
      return absl::OutOfRangeError(absl::StrCat(
          "node (", id.level, ", ", id.index, ") is not in the tree"));
    }
    out[i] = levels_[id.level][id.index];
  }
  return absl::OkStatus();
}

}  // namespace candor::merkle
