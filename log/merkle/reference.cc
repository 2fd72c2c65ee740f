#include "log/merkle/reference.h"

namespace candor::merkle::reference {
namespace {

uint64_t LargestPowerOfTwoBelow(uint64_t n) {
  uint64_t k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

std::vector<Hash> SubProof(uint64_t m, absl::Span<const Hash> d, bool b) {
  uint64_t n = d.size();
  if (m == n) {
    if (b) return {};
    return {Root(d)};
  }
  uint64_t k = LargestPowerOfTwoBelow(n);
  std::vector<Hash> out;
  if (m <= k) {
    out = SubProof(m, d.subspan(0, k), b);
    out.push_back(Root(d.subspan(k)));
  } else {
    out = SubProof(m - k, d.subspan(k), false);
    out.push_back(Root(d.subspan(0, k)));
  }
  return out;
}

}  // namespace

Hash Root(absl::Span<const Hash> leaves) {
  if (leaves.empty()) return EmptyRoot();
  if (leaves.size() == 1) return leaves[0];
  uint64_t k = LargestPowerOfTwoBelow(leaves.size());
  return HashChildren(Root(leaves.subspan(0, k)), Root(leaves.subspan(k)));
}

std::vector<Hash> InclusionProof(uint64_t m, absl::Span<const Hash> leaves) {
  uint64_t n = leaves.size();
  if (n <= 1) return {};
  uint64_t k = LargestPowerOfTwoBelow(n);
  std::vector<Hash> out;
  if (m < k) {
    out = InclusionProof(m, leaves.subspan(0, k));
    out.push_back(Root(leaves.subspan(k)));
  } else {
    out = InclusionProof(m - k, leaves.subspan(k));
    out.push_back(Root(leaves.subspan(0, k)));
  }
  return out;
}

std::vector<Hash> ConsistencyProof(uint64_t m, absl::Span<const Hash> leaves) {
  return SubProof(m, leaves, true);
}

}  // namespace candor::merkle::reference
