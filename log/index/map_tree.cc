#include "log/index/map_tree.h"

#include "absl/strings/str_cat.h"
#include "log/encoding/encoding.h"

namespace candor::index {
namespace {

void AppendBigEndian64(std::string& out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((v >> shift) & 0xff));
  }
}

std::string Hex(const Hash& h) { return HexEncode(merkle::AsBytes(h)); }

}  // namespace

Hash KeyHash(absl::string_view key) { return Sha256(absl::string_view("\x03", 1), key); }

bool PathBit(const Hash& path, size_t depth) {
  return (path[depth / 8] >> (7 - depth % 8)) & 1;
}

Hash PathPrefix(const Hash& path, size_t depth) {
  Hash out{};
  for (size_t i = 0; i < depth / 8; ++i) out[i] = path[i];
  if (depth % 8 != 0) {
    out[depth / 8] = path[depth / 8] & static_cast<uint8_t>(0xff << (8 - depth % 8));
  }
  return out;
}

Hash ChainStep(const Hash& head, uint64_t log_index) {
  std::string data;
  data.reserve(1 + 32 + 8);
  data.push_back('\x02');
  data.append(reinterpret_cast<const char*>(head.data()), head.size());
  AppendBigEndian64(data, log_index);
  return Sha256(data);
}

Value ExtendValue(const Value& start, absl::Span<const uint64_t> indices) {
  Value v = start;
  for (uint64_t i : indices) v.head = ChainStep(v.head, i);
  v.count += indices.size();
  return v;
}

Hash LeafHash(const Hash& key_hash, const Value& value) {
  std::string data;
  data.reserve(1 + 32 + 8 + 32);
  data.push_back('\x00');
  data.append(reinterpret_cast<const char*>(key_hash.data()), key_hash.size());
  AppendBigEndian64(data, value.count);
  data.append(reinterpret_cast<const char*>(value.head.data()), value.head.size());
  return Sha256(data);
}

Hash InteriorHash(const Hash& left, const Hash& right) {
  return merkle::HashChildren(left, right);
}

absl::StatusOr<Hash> RootFromProof(const Hash& key_hash, const MapProof& proof) {
  const size_t depth = proof.siblings.size();
  if (depth > kMaxDepth) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the proof has ", depth, " siblings; a path has at most ", kMaxDepth));
  }
  Hash h = kEmptyHash;
  if (proof.terminal.kind == Terminal::kLeaf) {
    if (PathPrefix(proof.terminal.key_hash, depth) != PathPrefix(key_hash, depth)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "the proof's leaf (key hash ", Hex(proof.terminal.key_hash),
          ") is not on the path of key hash ", Hex(key_hash)));
    }
    h = LeafHash(proof.terminal.key_hash, proof.terminal.value);
  }
  for (size_t d = depth; d-- > 0;) {
    h = PathBit(key_hash, d) ? InteriorHash(proof.siblings[d], h)
                             : InteriorHash(h, proof.siblings[d]);
  }
  return h;
}

absl::Status VerifyLookup(const Hash& root, const Hash& key_hash,
                          const std::optional<Value>& value,
                          const MapProof& proof) {
  const bool shows_key = proof.terminal.kind == Terminal::kLeaf &&
                         proof.terminal.key_hash == key_hash;
  if (value.has_value()) {
    if (!shows_key) {
      return absl::InvalidArgumentError(absl::StrCat(
          "the proof shows key hash ", Hex(key_hash),
          " absent, but the answer gives it a value"));
    }
    if (!(proof.terminal.value == *value)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "the proof's value for key hash ", Hex(key_hash), " (", proof.terminal.value.count,
          " entries) is not the answer's (", value->count, " entries)"));
    }
  } else if (shows_key) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the answer says key hash ", Hex(key_hash),
        " is absent, but the proof shows it present"));
  }
  absl::StatusOr<Hash> computed = RootFromProof(key_hash, proof);
  if (!computed.ok()) return computed.status();
  if (*computed != root) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the proof does not lead to the index root: it gives ", Hex(*computed),
        ", the signed root is ", Hex(root)));
  }
  return absl::OkStatus();
}

size_t ProofBytes(const MapProof& proof) {
  size_t bytes = proof.siblings.size() * merkle::kHashSize + 1;
  if (proof.terminal.kind == Terminal::kLeaf) bytes += 32 + 8 + 32;
  return bytes;
}

}  // namespace candor::index
