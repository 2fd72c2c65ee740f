#include "log/merkle/compact_range.h"

#include <map>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "log/merkle/reference.h"

namespace candor::merkle {
namespace {

TEST(CompactRange, EmptyTreeHasEmptyRoot) {
  CompactRange range;
  EXPECT_EQ(range.size(), 0u);
  EXPECT_EQ(range.Root(), EmptyRoot());
  EXPECT_TRUE(CompactRange::FrontierNodes(0).empty());
}

TEST(CompactRange, FrontierNodes) {
  // 13 = 8 + 4 + 1: leaves [0,8), [8,12), [12,13).
  std::vector<NodeId> want = {{3, 0}, {2, 2}, {0, 12}};
  EXPECT_EQ(CompactRange::FrontierNodes(13), want);
}

// Every node of the tree is reported exactly once, bottom-up, with the hash
// the reference implementation gives it; roots match at every size; and a
// range rebuilt from its frontier continues identically.
TEST(CompactRange, ReportsEveryNodeOnceAndMatchesReference) {
  std::vector<Hash> leaves;
  std::map<std::pair<uint32_t, uint64_t>, Hash> nodes;
  CompactRange range;
  for (uint64_t i = 0; i < 300; ++i) {
    leaves.push_back(HashLeaf(absl::StrCat(i)));
    uint32_t last_level = 0;
    bool first = true;
    range.Append(leaves.back(), [&](NodeId id, const Hash& h) {
      if (first) {
        EXPECT_EQ(id, (NodeId{0, i}));
        first = false;
      } else {
        EXPECT_EQ(id.level, last_level + 1);
      }
      last_level = id.level;
      EXPECT_TRUE(nodes.emplace(std::make_pair(id.level, id.index), h).second)
          << "node reported twice";
      uint64_t begin = id.index << id.level;
      EXPECT_EQ(h, reference::Root(absl::MakeConstSpan(leaves).subspan(
                       begin, uint64_t{1} << id.level)));
    });
    ASSERT_EQ(range.Root(), reference::Root(leaves)) << "size " << i + 1;
  }
  // 2n - popcount(n) nodes in a tree of n leaves.
  EXPECT_EQ(nodes.size(), 2 * 300u - __builtin_popcountll(300));

  std::vector<Hash> frontier;
  for (NodeId id : CompactRange::FrontierNodes(300)) {
    frontier.push_back(nodes.at({id.level, id.index}));
  }
  EXPECT_EQ(frontier, range.frontier());
  auto resumed = CompactRange::FromFrontier(300, frontier);
  ASSERT_TRUE(resumed.ok()) << resumed.status();
  Hash extra = HashLeaf("extra");
  range.Append(extra, [](NodeId, const Hash&) {});
  resumed->Append(extra, [](NodeId, const Hash&) {});
  EXPECT_EQ(resumed->Root(), range.Root());
}

TEST(CompactRange, FromFrontierChecksCount) {
  EXPECT_EQ(CompactRange::FromFrontier(3, {}).status().message(),
            "a tree of size 3 has 2 frontier hashes, got 0");
}

}  // namespace
}  // namespace candor::merkle
