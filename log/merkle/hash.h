// RFC 6962 / RFC 9162 Merkle tree hashing (SHA-256).
//
//   leaf  = SHA-256(0x00 || entry)
//   node  = SHA-256(0x01 || left || right)
//   empty = SHA-256("")
//
// Pure functions, thread-safe.

#ifndef CANDOR_LOG_MERKLE_HASH_H_
#define CANDOR_LOG_MERKLE_HASH_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "log/crypto/sha256.h"

namespace candor::merkle {

using Hash = Sha256Digest;
inline constexpr size_t kHashSize = kSha256Size;

Hash HashLeaf(absl::string_view entry);
Hash HashChildren(const Hash& left, const Hash& right);
// The root of the tree with no leaves.
const Hash& EmptyRoot();

inline absl::string_view AsBytes(const Hash& h) {
  return absl::string_view(reinterpret_cast<const char*>(h.data()), h.size());
}
// Copies exactly kHashSize bytes into a Hash; INVALID_ARGUMENT otherwise.
absl::StatusOr<Hash> HashFromBytes(absl::string_view bytes);
// The same for each element of a list, as proofs arrive over the wire.
absl::StatusOr<std::vector<Hash>> HashesFromBytes(
    absl::Span<const std::string> list);

// A perfect subtree of a tree: the 2^level leaves starting at leaf
// index << level. Level 0 nodes are leaves.
struct NodeId {
  uint32_t level = 0;
  uint64_t index = 0;

  bool operator==(const NodeId& o) const {
    return level == o.level && index == o.index;
  }
  bool operator!=(const NodeId& o) const { return !(*this == o); }
};

}  // namespace candor::merkle

#endif  // CANDOR_LOG_MERKLE_HASH_H_
