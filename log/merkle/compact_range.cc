#include "log/merkle/compact_range.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace candor::merkle {

std::vector<NodeId> CompactRange::FrontierNodes(uint64_t size) {
  std::vector<NodeId> nodes;
  uint64_t begin = 0;
  for (int level = 63; level >= 0; --level) {
    uint64_t width = uint64_t{1} << level;
    if (size & width) {
      nodes.push_back(NodeId{static_cast<uint32_t>(level), begin >> level});
      begin += width;
    }
  }
  return nodes;
}

absl::StatusOr<CompactRange> CompactRange::FromFrontier(
    uint64_t size, std::vector<Hash> frontier) {
  size_t want = static_cast<size_t>(__builtin_popcountll(size));
  if (frontier.size() != want) {
    return absl::InvalidArgumentError(
        absl::StrCat("a tree of size ", size, " has ", want,
                     " frontier hashes, got ", frontier.size()));
  }
  return CompactRange(size, std::move(frontier));
}

void CompactRange::Append(
    const Hash& leaf_hash,
    absl::FunctionRef<void(NodeId, const Hash&)> on_node) {
  NodeId id{0, size_};
  Hash hash = leaf_hash;
  on_node(id, hash);
  // Each trailing one bit of the old size is a left sibling on the frontier
  // that the new node completes.
  for (uint64_t bits = size_; bits & 1; bits >>= 1) {
    hash = HashChildren(frontier_.back(), hash);
    frontier_.pop_back();
    id = NodeId{id.level + 1, id.index >> 1};
    on_node(id, hash);
  }
  frontier_.push_back(hash);
  ++size_;
}

Hash CompactRange::Root() const {
  if (frontier_.empty()) return EmptyRoot();
  Hash root = frontier_.back();
  for (size_t i = frontier_.size() - 1; i-- > 0;) {
    root = HashChildren(frontier_[i], root);
  }
  return root;
}

}  // namespace candor::merkle
