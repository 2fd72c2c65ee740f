#include "log/tiles/tiles.h"

#include <random>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "log/merkle/in_memory_tree.h"
#include "tests/support/status_matchers.h"

namespace candor::tiles {
namespace {

using ::candor::testing::IsOk;
using ::candor::testing::StatusIs;

TEST(Tiles, Paths) {
  EXPECT_EQ(TilePath(0, 1234067, 0), "tile/0/x001/x234/067");
  EXPECT_EQ(TilePath(0, 1234067, 256), "tile/0/x001/x234/067");
  EXPECT_EQ(TilePath(2, 5, 17), "tile/2/005.p/17");
  EXPECT_EQ(TilePath(1, 1000, 0), "tile/1/x001/000");
  EXPECT_EQ(EntryBundlePath(0, 1), "tile/entries/000.p/1");
  EXPECT_EQ(EntryBundlePath(999, 0), "tile/entries/999");
}

TEST(Tiles, WidthAndChangedTiles) {
  EXPECT_EQ(TileWidth(0, 0, 0), 0u);
  EXPECT_EQ(TileWidth(0, 0, 5), 5u);
  EXPECT_EQ(TileWidth(0, 0, 300), 256u);
  EXPECT_EQ(TileWidth(0, 1, 300), 44u);
  EXPECT_EQ(TileWidth(1, 0, 300), 1u);
  EXPECT_EQ(TileWidth(1, 0, 255), 0u);
  EXPECT_EQ(TileWidth(2, 0, uint64_t{1} << 16), 1u);
  EXPECT_EQ(TileWidth(7, 0, UINT64_MAX), 255u);

  TileRange r = ChangedTiles(0, 250, 600);
  EXPECT_EQ(r.first, 0u);
  EXPECT_EQ(r.last, 2u);
  r = ChangedTiles(1, 250, 600);  // level-8 nodes 0 -> 2
  EXPECT_EQ(r.first, 0u);
  EXPECT_EQ(r.last, 0u);
  r = ChangedTiles(1, 300, 500);  // still one level-8 node
  EXPECT_GT(r.first, r.last);
}

TEST(Tiles, EntryBundles) {
  std::vector<std::string> entries = {"a", std::string(300, 'b'),
                                      std::string(65535, 'c')};
  auto bundle = EncodeEntryBundle(entries);
  ASSERT_THAT(bundle, IsOk());
  EXPECT_EQ(bundle->substr(0, 3), std::string("\x00\x01" "a", 3));
  auto parsed = ParseEntryBundle(*bundle);
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(*parsed, entries);

  EXPECT_THAT(ParseEntryBundle(std::string("\x00", 1)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "entry bundle truncated in the length of entry 0"));
  EXPECT_THAT(ParseEntryBundle(std::string("\x00\x05" "abc", 5)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "entry bundle truncated in entry 0"));
  EXPECT_THAT(ParseEntryBundle(std::string("\x00\x00", 2)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "entry bundle has an empty entry 0"));
  EXPECT_THAT(EncodeEntryBundle({std::string(65536, 'x')}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "entry of 65536 bytes cannot be bundled (1..65535)"));
}

// Tiles cut from a full in-memory tree, as a log would store them.
class TreeTiles : public TileSource {
 public:
  TreeTiles(merkle::InMemoryTree& tree) : tree_(tree) {}
  absl::StatusOr<std::string> ReadTile(const TileId& tile) override {
    ++reads;
    uint32_t width = TileWidth(tile.level, tile.index, tree_.size());
    if (width == 0) return absl::NotFoundError("no such tile");
    std::string data;
    for (uint32_t i = 0; i < width; ++i) {
      merkle::NodeId id{tile.level * kTileHeight, tile.index * kTileWidth + i};
      merkle::Hash h;
      EXPECT_THAT(tree_.ReadNodes({&id, 1}, {&h, 1}), IsOk());
      data.append(reinterpret_cast<const char*>(h.data()), h.size());
    }
    return data;
  }
  absl::StatusOr<std::string> ReadMidRow(const TileId& tile) override {
    if (!with_mid_rows) return absl::NotFoundError("no middle rows");
    ++mid_reads;
    uint32_t width = TileWidth(tile.level, tile.index, tree_.size()) >> kMidRowLevel;
    std::string data;
    for (uint32_t i = 0; i < std::min(width, mid_row_limit); ++i) {
      merkle::NodeId id{tile.level * kTileHeight + kMidRowLevel,
                        tile.index * kMidRowWidth + i};
      merkle::Hash h;
      EXPECT_THAT(tree_.ReadNodes({&id, 1}, {&h, 1}), IsOk());
      data.append(reinterpret_cast<const char*>(h.data()), h.size());
    }
    return data;
  }
  int reads = 0;
  int mid_reads = 0;
  bool with_mid_rows = true;
  uint32_t mid_row_limit = kMidRowWidth;  // fewer: a short row, read around

 private:
  merkle::InMemoryTree& tree_;
};

TEST(TileNodeReader, ProofsFromTilesMatchFullTree) {
  merkle::InMemoryTree tree;
  const uint64_t size = 70001;  // three tile levels, partial tiles on each
  for (uint64_t i = 0; i < size; ++i) {
    tree.Append(merkle::HashLeaf(absl::StrCat(i)));
  }
  TreeTiles source(tree);
  TileNodeReader reader(source);
  std::mt19937_64 rng(7);
  // With middle rows, without them, and with rows shorter than the tiles.
  for (int i = 0; i < 600; ++i) {
    source.with_mid_rows = i % 3 != 1;
    source.mid_row_limit = i % 3 == 2 ? rng() % kMidRowWidth : kMidRowWidth;
    uint64_t index = rng() % size;
    auto from_tiles = merkle::InclusionProof(index, size, reader);
    ASSERT_THAT(from_tiles, IsOk());
    EXPECT_EQ(*from_tiles, *merkle::InclusionProof(index, size, tree));
    uint64_t m = 1 + rng() % size;
    auto consistency = merkle::ConsistencyProof(m, size, reader);
    ASSERT_THAT(consistency, IsOk());
    EXPECT_EQ(*consistency, *merkle::ConsistencyProof(m, size, tree));
  }
  auto root = merkle::RootFromNodes(size, reader);
  ASSERT_THAT(root, IsOk());
  EXPECT_EQ(*root, tree.Root());

  // One proof reads each tile and middle row once: at most one per tile
  // level here.
  source.with_mid_rows = true;
  source.mid_row_limit = kMidRowWidth;
  source.reads = source.mid_reads = 0;
  ASSERT_THAT(merkle::InclusionProof(12345, size, reader), IsOk());
  EXPECT_LE(source.reads, 6);
  EXPECT_LE(source.mid_reads, 6);
  EXPECT_GT(source.mid_reads, 0);
}

class ShortTiles : public TileSource {
 public:
  absl::StatusOr<std::string> ReadTile(const TileId&) override {
    return std::string(32 * 3, 'x');
  }
};

TEST(TileNodeReader, ShortTileIsDataLoss) {
  ShortTiles source;
  TileNodeReader reader(source);
  merkle::NodeId id{2, 1};  // needs hashes [4, 8) of tile 0/0
  merkle::Hash h;
  EXPECT_THAT(reader.ReadNodes({&id, 1}, {&h, 1}),
              StatusIs(absl::StatusCode::kDataLoss,
                       "tile tile/0/000 has 3 hashes; node (2, 1) needs 8"));
}

}  // namespace
}  // namespace candor::tiles
