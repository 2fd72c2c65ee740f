// A Merkle tree that keeps every node in memory: the NodeReader for tests and
// benchmarks of the proof code. Production storage keeps tiles on disk.
// Not thread-safe.

#ifndef CANDOR_LOG_MERKLE_IN_MEMORY_TREE_H_
#define CANDOR_LOG_MERKLE_IN_MEMORY_TREE_H_

#include <cstdint>
#include <vector>

#include "log/merkle/compact_range.h"
#include "log/merkle/proof.h"

namespace candor::merkle {

class InMemoryTree : public NodeReader {
 public:
  void Append(const Hash& leaf_hash);
  uint64_t size() const { return range_.size(); }
  Hash Root() const { return range_.Root(); }
  const CompactRange& range() const { return range_; }

  // Fails with OUT_OF_RANGE for a node that is not complete yet.
  absl::Status ReadNodes(absl::Span<const NodeId> ids,
                         absl::Span<Hash> out) override;

 private:
  CompactRange range_;
  std::vector<std::vector<Hash>> levels_;  // levels_[l][i] = node (l, i)
};

}  // namespace candor::merkle

#endif  // CANDOR_LOG_MERKLE_IN_MEMORY_TREE_H_
