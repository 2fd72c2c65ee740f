#include "log/merkle/proof.h"

#include "absl/strings/str_cat.h"
#include "log/encoding/encoding.h"

namespace candor::merkle {
namespace {

// A run of consecutive leaves [begin, end) whose Merkle tree hash is one
// element of a proof.
struct Range {
  uint64_t begin;
  uint64_t end;
};

// The largest power of two strictly less than n (n > 1).
uint64_t SplitPoint(uint64_t n) {
  uint64_t k = uint64_t{1} << (63 - __builtin_clzll(n - 1));
  return k;
}

// RFC 9162 section 2.1.3.1, PATH(m, D[begin:end]).
void InclusionRanges(uint64_t m, uint64_t begin, uint64_t end,
                     std::vector<Range>& out) {
  if (end - begin <= 1) return;
  uint64_t k = SplitPoint(end - begin);
  if (m < begin + k) {
    InclusionRanges(m, begin, begin + k, out);
    out.push_back({begin + k, end});
  } else {
    InclusionRanges(m, begin + k, end, out);
    out.push_back({begin, begin + k});
  }
}

// RFC 9162 section 2.1.4.1, SUBPROOF(m, D[begin:end], b), where m counts
// leaves from `begin`.
void ConsistencyRanges(uint64_t m, uint64_t begin, uint64_t end, bool whole,
                       std::vector<Range>& out) {
  uint64_t n = end - begin;
  if (m == n) {
    if (!whole) out.push_back({begin, end});
    return;
  }
  uint64_t k = SplitPoint(n);
  if (m <= k) {
    ConsistencyRanges(m, begin, begin + k, whole, out);
    out.push_back({begin + k, end});
  } else {
    ConsistencyRanges(m - k, begin + k, end, false, out);
    out.push_back({begin, begin + k});
  }
}

// Every range the RFC recursion produces starts at a multiple of a power of
// two at least as large as its length, so it splits into perfect subtrees of
// strictly decreasing size, and its hash is their right-to-left fold.
void AppendRangeNodes(const Range& r, std::vector<NodeId>& out) {
  uint64_t begin = r.begin;
  for (int level = 63; level >= 0; --level) {
    uint64_t width = uint64_t{1} << level;
    if ((r.end - r.begin) & width) {
      out.push_back(NodeId{static_cast<uint32_t>(level), begin >> level});
      begin += width;
    }
  }
}

// Reads the nodes of all `ranges` in one batch and folds each range's nodes
// into its hash.
absl::StatusOr<std::vector<Hash>> HashRanges(const std::vector<Range>& ranges,
                                             NodeReader& reader) {
  std::vector<NodeId> ids;
  std::vector<size_t> first;  // index into ids of each range's first node
  for (const Range& r : ranges) {
    first.push_back(ids.size());
    AppendRangeNodes(r, ids);
  }
  first.push_back(ids.size());
  std::vector<Hash> nodes(ids.size());
  if (absl::Status s = reader.ReadNodes(ids, absl::MakeSpan(nodes)); !s.ok()) {
    return s;
  }
  std::vector<Hash> out;
  out.reserve(ranges.size());
  for (size_t i = 0; i < ranges.size(); ++i) {
    Hash h = nodes[first[i + 1] - 1];
    for (size_t j = first[i + 1] - 1; j-- > first[i];) {
      h = HashChildren(nodes[j], h);
    }
    out.push_back(h);
  }
  return out;
}

absl::Status Mismatch(absl::string_view what, const Hash& got,
                      absl::string_view want) {
  return absl::InvalidArgumentError(
      absl::StrCat(what, ": calculated ", Base64Encode(AsBytes(got)),
                   ", expected ", Base64Encode(want)));
}

}  // namespace

absl::StatusOr<std::vector<Hash>> InclusionProof(uint64_t index, uint64_t size,
                                                 NodeReader& reader) {
  if (index >= size) {
    return absl::InvalidArgumentError(absl::StrCat(
        "index ", index, " is not in the tree of size ", size));
  }
  std::vector<Range> ranges;
  InclusionRanges(index, 0, size, ranges);
  return HashRanges(ranges, reader);
}

absl::StatusOr<std::vector<Hash>> ConsistencyProof(uint64_t size1,
                                                   uint64_t size2,
                                                   NodeReader& reader) {
  if (size1 == 0 || size1 > size2) {
    return absl::InvalidArgumentError(absl::StrCat(
        "no consistency proof from size ", size1, " to size ", size2,
        "; need 0 < size1 <= size2"));
  }
  std::vector<Range> ranges;
  if (size1 < size2) ConsistencyRanges(size1, 0, size2, true, ranges);
  return HashRanges(ranges, reader);
}

absl::StatusOr<Hash> RootFromNodes(uint64_t size, NodeReader& reader) {
  if (size == 0) return EmptyRoot();
  absl::StatusOr<std::vector<Hash>> root = HashRanges({{0, size}}, reader);
  if (!root.ok()) return root.status();
  return root->front();
}

absl::StatusOr<Hash> RootFromInclusionProof(uint64_t index, uint64_t size,
                                            const Hash& leaf_hash,
                                            absl::Span<const Hash> proof) {
  if (index >= size) {
    return absl::InvalidArgumentError(absl::StrCat(
        "index ", index, " is not in the tree of size ", size));
  }
  // RFC 9162 section 2.1.3.2.
  uint64_t fn = index;
  uint64_t sn = size - 1;
  Hash r = leaf_hash;
  for (const Hash& p : proof) {
    if (sn == 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "inclusion proof has ", proof.size(),
          " hashes, more than the path from index ", index,
          " in the tree of size ", size));
    }
    if ((fn & 1) || fn == sn) {
      r = HashChildren(p, r);
      while (!(fn & 1) && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      r = HashChildren(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "inclusion proof has ", proof.size(),
        " hashes, fewer than the path from index ", index,
        " in the tree of size ", size));
  }
  return r;
}

absl::Status VerifyInclusion(uint64_t index, uint64_t size,
                             absl::string_view leaf_hash,
                             absl::Span<const Hash> proof,
                             absl::string_view root) {
  absl::StatusOr<Hash> leaf = HashFromBytes(leaf_hash);
  if (!leaf.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("leaf ", leaf.status().message()));
  }
  absl::StatusOr<Hash> got = RootFromInclusionProof(index, size, *leaf, proof);
  if (!got.ok()) return got.status();
  if (AsBytes(*got) != root) {
    return Mismatch("inclusion proof does not lead to the root", *got, root);
  }
  return absl::OkStatus();
}

absl::Status VerifyConsistency(uint64_t size1, uint64_t size2,
                               absl::Span<const Hash> proof,
                               absl::string_view root1,
                               absl::string_view root2) {
  if (size2 < size1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "size1 ", size1, " is greater than size2 ", size2));
  }
  if (size1 == size2) {
    if (!proof.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "consistency proof between equal sizes must be empty, got ",
          proof.size(), " hashes"));
    }
    if (root1 != root2) {
      return absl::InvalidArgumentError(absl::StrCat(
          "trees of equal size ", size1, " have different roots"));
    }
    if (size1 == 0 && root1 != AsBytes(EmptyRoot())) {
      return Mismatch("root of the empty tree", EmptyRoot(), root1);
    }
    return absl::OkStatus();
  }
  if (size1 == 0) {
    return absl::InvalidArgumentError(
        "consistency with the empty tree proves nothing; size1 must be > 0");
  }
  if (proof.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "empty consistency proof from size ", size1, " to size ", size2));
  }

  // RFC 9162 section 2.1.4.2. When size1 is a power of two, the old root is
  // itself the first node of the path and is not repeated in the proof.
  absl::Span<const Hash> rest = proof;
  Hash seed;
  if ((size1 & (size1 - 1)) == 0) {
    absl::StatusOr<Hash> r1 = HashFromBytes(root1);
    if (!r1.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("root1 ", r1.status().message()));
    }
    seed = *r1;
  } else {
    seed = proof.front();
    rest = proof.subspan(1);
  }
  uint64_t fn = size1 - 1;
  uint64_t sn = size2 - 1;
  while (fn & 1) {
    fn >>= 1;
    sn >>= 1;
  }
  Hash fr = seed;
  Hash sr = seed;
  for (const Hash& c : rest) {
    if (sn == 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "consistency proof from size ", size1, " to size ", size2,
          " has too many hashes (", proof.size(), ")"));
    }
    if ((fn & 1) || fn == sn) {
      fr = HashChildren(c, fr);
      sr = HashChildren(c, sr);
      while (!(fn & 1) && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      sr = HashChildren(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "consistency proof from size ", size1, " to size ", size2,
        " has too few hashes (", proof.size(), ")"));
  }
  if (AsBytes(fr) != root1) {
    return Mismatch("consistency proof does not lead to root1", fr, root1);
  }
  if (AsBytes(sr) != root2) {
    return Mismatch("consistency proof does not lead to root2", sr, root2);
  }
  return absl::OkStatus();
}

}  // namespace candor::merkle
