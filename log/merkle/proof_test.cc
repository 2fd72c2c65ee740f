#include "log/merkle/proof.h"

#include <random>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "log/merkle/compact_range.h"
#include "log/merkle/in_memory_tree.h"
#include "log/merkle/reference.h"

namespace candor::merkle {
namespace {

std::vector<Hash> Leaves(uint64_t n) {
  std::vector<Hash> leaves;
  for (uint64_t i = 0; i < n; ++i) {
    leaves.push_back(HashLeaf(absl::StrCat("leaf ", i)));
  }
  return leaves;
}

InMemoryTree TreeOf(const std::vector<Hash>& leaves) {
  InMemoryTree tree;
  for (const Hash& h : leaves) tree.Append(h);
  return tree;
}

Hash FlipBit(Hash h, size_t bit) {
  h[bit / 8 % kHashSize] ^= static_cast<uint8_t>(1u << (bit % 8));
  return h;
}

// Cross-checks roots and proofs against the reference implementation on every
// size up to 64 and on random sizes up to 5,000 (fixed seed).
TEST(Proof, MatchesReferenceOnRandomTrees) {
  std::mt19937_64 rng(20261128);
  std::vector<uint64_t> sizes;
  for (uint64_t n = 0; n <= 64; ++n) sizes.push_back(n);
  for (int i = 0; i < 120; ++i) sizes.push_back(rng() % 5001);
  sizes.push_back(4096);
  sizes.push_back(4097);
  sizes.push_back(5000);

  const std::vector<Hash> all = Leaves(5000);
  for (uint64_t n : sizes) {
    SCOPED_TRACE(absl::StrCat("size ", n));
    std::vector<Hash> leaves(all.begin(), all.begin() + n);
    InMemoryTree tree = TreeOf(leaves);
    const Hash root = reference::Root(leaves);
    ASSERT_EQ(tree.Root(), root);
    auto from_nodes = RootFromNodes(n, tree);
    ASSERT_TRUE(from_nodes.ok()) << from_nodes.status();
    EXPECT_EQ(*from_nodes, root);

    if (n == 0) continue;
    for (int k = 0; k < 6; ++k) {
      uint64_t index = rng() % n;
      auto proof = InclusionProof(index, n, tree);
      ASSERT_TRUE(proof.ok()) << proof.status();
      ASSERT_EQ(*proof, reference::InclusionProof(index, leaves)) << index;
      EXPECT_TRUE(VerifyInclusion(index, n, AsBytes(leaves[index]), *proof,
                                  AsBytes(root))
                      .ok());
      if (!proof->empty()) {
        std::vector<Hash> bad = *proof;
        size_t at = rng() % bad.size();
        bad[at] = FlipBit(bad[at], rng());
        EXPECT_FALSE(VerifyInclusion(index, n, AsBytes(leaves[index]), bad,
                                     AsBytes(root))
                         .ok());
      }

      uint64_t m = 1 + rng() % n;
      auto consistency = ConsistencyProof(m, n, tree);
      ASSERT_TRUE(consistency.ok()) << consistency.status();
      ASSERT_EQ(*consistency, reference::ConsistencyProof(m, leaves)) << m;
      const Hash old_root =
          reference::Root(absl::MakeConstSpan(leaves).subspan(0, m));
      EXPECT_TRUE(VerifyConsistency(m, n, *consistency, AsBytes(old_root),
                                    AsBytes(root))
                      .ok());
      if (m < n) {
        EXPECT_FALSE(VerifyConsistency(m, n, *consistency,
                                       AsBytes(FlipBit(old_root, rng())),
                                       AsBytes(root))
                         .ok());
      }
    }
  }
}

TEST(Proof, GenerationErrors) {
  InMemoryTree tree = TreeOf(Leaves(5));
  EXPECT_EQ(InclusionProof(5, 5, tree).status().message(),
            "index 5 is not in the tree of size 5");
  EXPECT_EQ(ConsistencyProof(0, 5, tree).status().message(),
            "no consistency proof from size 0 to size 5; need 0 < size1 <= "
            "size2");
  EXPECT_EQ(ConsistencyProof(6, 5, tree).status().code(),
            absl::StatusCode::kInvalidArgument);
  // A proof for a bigger tree than storage holds surfaces the reader's error.
  EXPECT_EQ(InclusionProof(0, 9, tree).status().code(),
            absl::StatusCode::kOutOfRange);
  EXPECT_TRUE(ConsistencyProof(5, 5, tree)->empty());
}

TEST(Proof, VerificationMessages) {
  std::vector<Hash> leaves = Leaves(6);
  InMemoryTree tree = TreeOf(leaves);
  std::vector<Hash> proof = *InclusionProof(2, 6, tree);
  const std::string root(AsBytes(tree.Root()));

  std::vector<Hash> shorter(proof.begin(), proof.end() - 1);
  EXPECT_EQ(VerifyInclusion(2, 6, AsBytes(leaves[2]), shorter, root).message(),
            "inclusion proof has 2 hashes, fewer than the path from index 2 in "
            "the tree of size 6");
  std::vector<Hash> longer = proof;
  longer.push_back(proof[0]);
  EXPECT_EQ(VerifyInclusion(2, 6, AsBytes(leaves[2]), longer, root).message(),
            "inclusion proof has 4 hashes, more than the path from index 2 in "
            "the tree of size 6");
  EXPECT_EQ(VerifyInclusion(6, 6, AsBytes(leaves[2]), proof, root).message(),
            "index 6 is not in the tree of size 6");
  EXPECT_EQ(VerifyInclusion(2, 6, "short", proof, root).message(),
            "leaf hash must be 32 bytes, got 5");
  EXPECT_TRUE(absl::StartsWith(
      VerifyInclusion(2, 6, AsBytes(leaves[3]), proof, root).message(),
      "inclusion proof does not lead to the root: calculated "));

  EXPECT_EQ(VerifyConsistency(3, 2, {}, root, root).message(),
            "size1 3 is greater than size2 2");
  EXPECT_EQ(VerifyConsistency(0, 6, {}, AsBytes(EmptyRoot()), root).message(),
            "consistency with the empty tree proves nothing; size1 must be > 0");
  EXPECT_EQ(VerifyConsistency(3, 6, {}, root, root).message(),
            "empty consistency proof from size 3 to size 6");
  EXPECT_EQ(VerifyConsistency(6, 6, proof, root, root).message(),
            "consistency proof between equal sizes must be empty, got 3 hashes");
  EXPECT_TRUE(VerifyConsistency(6, 6, {}, root, root).ok());
  EXPECT_TRUE(VerifyConsistency(0, 0, {}, AsBytes(EmptyRoot()),
                                AsBytes(EmptyRoot()))
                  .ok());
}

TEST(Proof, HashesFromBytesNamesTheBadElement) {
  std::vector<std::string> list = {std::string(32, 'a'), "x"};
  EXPECT_EQ(HashesFromBytes(list).status().message(),
            "proof hash 1: hash must be 32 bytes, got 1");
}

}  // namespace
}  // namespace candor::merkle
