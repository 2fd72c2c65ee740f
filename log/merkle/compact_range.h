// The compact range of a growing Merkle tree: the hashes of the perfect
// subtrees that make up its leaves [0, size), one per set bit of size, which
// is all an append-only log needs in memory to append and compute roots.
//
// Pure: no storage, no I/O. Not thread-safe; a single writer owns it.

#ifndef CANDOR_LOG_MERKLE_COMPACT_RANGE_H_
#define CANDOR_LOG_MERKLE_COMPACT_RANGE_H_

#include <cstdint>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "log/merkle/hash.h"

namespace candor::merkle {

class CompactRange {
 public:
  // The range of the empty tree.
  CompactRange() = default;

  // The perfect subtrees that make up [0, size), left-most (largest) first.
  static std::vector<NodeId> FrontierNodes(uint64_t size);

  // Resumes a tree of `size` leaves. `frontier` holds the hashes of
  // FrontierNodes(size), in that order.
  static absl::StatusOr<CompactRange> FromFrontier(uint64_t size,
                                                   std::vector<Hash> frontier);

  uint64_t size() const { return size_; }
  const std::vector<Hash>& frontier() const { return frontier_; }

  // Appends one leaf. `on_node` is called for the leaf itself (level 0) and
  // then for every node the leaf completes, bottom-up, so storage can persist
  // each node exactly once.
  void Append(const Hash& leaf_hash,
              absl::FunctionRef<void(NodeId, const Hash&)> on_node);

  // The RFC 6962 root of the leaves appended so far.
  Hash Root() const;

 private:
  CompactRange(uint64_t size, std::vector<Hash> frontier)
      : size_(size), frontier_(std::move(frontier)) {}

  uint64_t size_ = 0;
  std::vector<Hash> frontier_;
};

}  // namespace candor::merkle

#endif  // CANDOR_LOG_MERKLE_COMPACT_RANGE_H_
