// RFC 9162 inclusion and consistency proofs: generation from stored subtree
// hashes, and verification.
//
// Generation reads only perfect subtrees (NodeId) that lie inside the tree the
// proof is for, through a NodeReader, in one batch per proof: O(log n) nodes.
// Storage decides how it keeps them (tiles, a cache); this code does no I/O.
//
// Verification failures are INVALID_ARGUMENT with a message that says which
// check failed. All functions are thread-safe if the NodeReader is.

#ifndef CANDOR_LOG_MERKLE_PROOF_H_
#define CANDOR_LOG_MERKLE_PROOF_H_

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "log/merkle/hash.h"

namespace candor::merkle {

// Source of the hashes of perfect subtrees of a tree.
class NodeReader {
 public:
  virtual ~NodeReader() = default;
  // Fills out[i] with the hash of ids[i]; out.size() == ids.size(). Callers
  // only ask for nodes that are complete in the tree they prove against.
  virtual absl::Status ReadNodes(absl::Span<const NodeId> ids,
                                 absl::Span<Hash> out) = 0;
};

// The audit path of leaf `index` in the tree of `size` leaves, leaf end first.
absl::StatusOr<std::vector<Hash>> InclusionProof(uint64_t index, uint64_t size,
                                                 NodeReader& reader);

// The proof that the tree of size1 leaves is a prefix of the tree of size2
// leaves. Requires 0 < size1 <= size2; empty when the sizes are equal.
absl::StatusOr<std::vector<Hash>> ConsistencyProof(uint64_t size1,
                                                   uint64_t size2,
                                                   NodeReader& reader);

// The root of the tree of `size` leaves, from its frontier nodes.
absl::StatusOr<Hash> RootFromNodes(uint64_t size, NodeReader& reader);

// Checks that `leaf_hash` is leaf `index` of the tree of `size` leaves whose
// root is `root`. Hashes are raw bytes so that a wrong-length root simply
// fails to match.
absl::Status VerifyInclusion(uint64_t index, uint64_t size,
                             absl::string_view leaf_hash,
                             absl::Span<const Hash> proof,
                             absl::string_view root);

// The root implied by an inclusion proof, for callers that compare it
// themselves (e.g. against several checkpoints).
absl::StatusOr<Hash> RootFromInclusionProof(uint64_t index, uint64_t size,
                                            const Hash& leaf_hash,
                                            absl::Span<const Hash> proof);

// Checks that the tree of size1 leaves with root1 is a prefix of the tree of
// size2 leaves with root2. Equal sizes need an empty proof and equal roots (the
// empty root for size 0); size1 == 0 < size2 proves nothing and is refused.
absl::Status VerifyConsistency(uint64_t size1, uint64_t size2,
                               absl::Span<const Hash> proof,
                               absl::string_view root1,
                               absl::string_view root2);

}  // namespace candor::merkle

#endif  // CANDOR_LOG_MERKLE_PROOF_H_
