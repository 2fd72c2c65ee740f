// The verifiable index's map: a sparse Merkle tree from key to the list of
// log indices of the entries filed under that key, with proofs of a key's
// value (inclusion) and of a key's absence. Pure functions, thread-safe.
//
// Keys are placed by KeyHash(key), a 256-bit path read from the most
// significant bit of its first byte. The tree is the compact form used by
// Diem's Jellyfish Merkle tree and transparency-dev's verifiable map: a
// subtree holding no key is kEmptyHash, a subtree holding exactly one key is
// that key's leaf hash wherever it stands, and only a subtree holding two or
// more keys is an interior node:
//
//   empty    = 32 zero bytes
//   leaf     = SHA-256(0x00 || KeyHash(key) || be64(count) || head)
//   interior = SHA-256(0x01 || left || right)
//   KeyHash  = SHA-256(0x03 || key)
//
// A key's value is the number of its entries and the head of a hash chain
// over their log indices, in log order:
//
//   head_0     = 32 zero bytes
//   head_{i+1} = SHA-256(0x02 || head_i || be64(index_i))
//
// so an answer lists the indices and the reader recomputes the head: one
// index left out, added or reordered changes it. The chain also lets a
// reader that verified the first c indices check only the ones after them.
//
// The domain bytes keep leaves, interior nodes, chain links and keys apart,
// and apart from RFC 6962's leaf and node hashes (0x00, 0x01 over other
// lengths). A proof is the sibling hashes on the key's path from the root
// down to where the key's subtree holds no other key: about log2(number of
// keys) hashes, 32 bytes each, plus the terminal (below).

#ifndef CANDOR_LOG_INDEX_MAP_TREE_H_
#define CANDOR_LOG_INDEX_MAP_TREE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "log/merkle/hash.h"

namespace candor::index {

using merkle::Hash;

inline constexpr Hash kEmptyHash{};
// Paths are 256 bits: no proof is longer.
inline constexpr size_t kMaxDepth = 256;

Hash KeyHash(absl::string_view key);
// Bit `depth` of a path (0 is the top bit of the first byte).
bool PathBit(const Hash& path, size_t depth);
// The first `depth` bits of `path`, the rest zero: a subtree's position.
Hash PathPrefix(const Hash& path, size_t depth);

// What the map holds for a key.
struct Value {
  uint64_t count = 0;
  Hash head{};  // kEmptyHash for count 0

  bool operator==(const Value& o) const {
    return count == o.count && head == o.head;
  }
};

Hash ChainStep(const Hash& head, uint64_t log_index);
// `start` extended by `indices` in order.
Value ExtendValue(const Value& start, absl::Span<const uint64_t> indices);

Hash LeafHash(const Hash& key_hash, const Value& value);
Hash InteriorHash(const Hash& left, const Hash& right);

// What a key's path ends in, below the last sibling of a proof.
struct Terminal {
  enum Kind { kEmpty, kLeaf };
  Kind kind = kEmpty;
  // For kLeaf: the key hash and value of the leaf there, which is the
  // looked-up key's own leaf, or another key's whose path shares the
  // looked-up key's first siblings.size() bits (proving its absence).
  Hash key_hash{};
  Value value;
};

struct MapProof {
  // siblings[d] is the hash of the subtree beside the key's path at depth
  // d + 1; siblings.size() is the depth of the terminal.
  std::vector<Hash> siblings;
  Terminal terminal;
};

// The root that `proof` leads to from its terminal along `key_hash`'s path.
// INVALID_ARGUMENT if the proof is deeper than kMaxDepth or its terminal
// leaf does not lie on the path.
absl::StatusOr<Hash> RootFromProof(const Hash& key_hash, const MapProof& proof);

// Checks that under `root` the key with hash `key_hash` holds `value`
// (`value` unset: that the map holds no such key). Errors are
// INVALID_ARGUMENT saying what does not match, e.g. "the proof shows key
// ... absent" or "the proof does not lead to the index root".
absl::Status VerifyLookup(const Hash& root, const Hash& key_hash,
                          const std::optional<Value>& value,
                          const MapProof& proof);

// Proof bytes as the wire carries them (32 per sibling, plus the terminal).
size_t ProofBytes(const MapProof& proof);

}  // namespace candor::index

#endif  // CANDOR_LOG_INDEX_MAP_TREE_H_
