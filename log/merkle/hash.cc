#include "log/merkle/hash.h"

#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace candor::merkle {

Hash HashLeaf(absl::string_view entry) {
  return Sha256(absl::string_view("\x00", 1), entry);
}

Hash HashChildren(const Hash& left, const Hash& right) {
  char buf[1 + 2 * kHashSize];
  buf[0] = 0x01;
  std::memcpy(buf + 1, left.data(), kHashSize);
  std::memcpy(buf + 1 + kHashSize, right.data(), kHashSize);
  return Sha256(absl::string_view(buf, sizeof(buf)));
}

const Hash& EmptyRoot() {
  static const Hash empty = Sha256("");
  return empty;
}

absl::StatusOr<Hash> HashFromBytes(absl::string_view bytes) {
  if (bytes.size() != kHashSize) {
    return absl::InvalidArgumentError(absl::StrCat(
        "hash must be ", kHashSize, " bytes, got ", bytes.size()));
  }
  Hash h;
  std::memcpy(h.data(), bytes.data(), kHashSize);
  return h;
}

absl::StatusOr<std::vector<Hash>> HashesFromBytes(
    absl::Span<const std::string> list) {
  std::vector<Hash> out;
  out.reserve(list.size());
  for (size_t i = 0; i < list.size(); ++i) {
    absl::StatusOr<Hash> h = HashFromBytes(list[i]);
    if (!h.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("proof hash ", i, ": ", h.status().message()));
    }
    out.push_back(*h);
  }
  return out;
}

}  // namespace candor::merkle
