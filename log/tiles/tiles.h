// C2SP tlog-tiles (c2sp.org/tlog-tiles): the layout of a log's hashes and
// entries as immutable files, and the arithmetic that maps Merkle nodes onto
// tiles.
//
// A hash tile at level L, index N holds the hashes of the (up to) 256 nodes at
// tree level 8*L with indices [256*N, 256*N + 256): 32 bytes each. A tile that
// is not yet full is "partial" and published under a path with its width. An
// entry bundle N holds entries [256*N, 256*N + 256), each as a big-endian
// uint16 length followed by the entry's bytes.
//
// Pure functions and a NodeReader over any TileSource; thread-safe as far as
// the TileSource is.

#ifndef CANDOR_LOG_TILES_TILES_H_
#define CANDOR_LOG_TILES_TILES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "log/merkle/hash.h"
#include "log/merkle/proof.h"

namespace candor::tiles {

inline constexpr uint32_t kTileHeight = 8;
inline constexpr uint32_t kTileWidth = 256;

struct TileId {
  uint32_t level = 0;
  uint64_t index = 0;
  bool operator==(const TileId& o) const {
    return level == o.level && index == o.index;
  }
  template <typename H>
  friend H AbslHashValue(H h, const TileId& t) {
    return H::combine(std::move(h), t.level, t.index);
  }
};

// "tile/<L>/<N>[.p/<W>]", with N in three-digit groups ("x001/x234/067").
// width == kTileWidth (or 0) names the full tile.
std::string TilePath(uint32_t level, uint64_t index, uint32_t width);
// "tile/entries/<N>[.p/<W>]".
std::string EntryBundlePath(uint64_t index, uint32_t width);

// The width of tile (level, index) in a tree of `tree_size` leaves: 0 if the
// tile does not exist yet, kTileWidth if it is full.
uint32_t TileWidth(uint32_t level, uint64_t index, uint64_t tree_size);

// The tiles at `level` whose content changes when the tree grows from
// old_size to new_size leaves: indices [first, last], or none (first > last).
struct TileRange {
  uint64_t first = 1;
  uint64_t last = 0;
};
TileRange ChangedTiles(uint32_t level, uint64_t old_size, uint64_t new_size);

// Entry bundles: encode and parse (strict: no trailing bytes, each entry
// non-empty and at most 65535 bytes, at most kTileWidth entries).
absl::StatusOr<std::string> EncodeEntryBundle(
    absl::Span<const std::string> entries);
absl::StatusOr<std::vector<std::string>> ParseEntryBundle(
    absl::string_view bundle);

// Where a node's hash comes from: the root of `count` consecutive hashes of
// `tile`, starting at `offset`.
struct NodeLocation {
  TileId tile;
  uint32_t offset = 0;
  uint32_t count = 1;
};
NodeLocation LocateNode(merkle::NodeId id);

// The Merkle root of a power-of-two run of hashes (raw 32-byte hashes,
// concatenated).
merkle::Hash SubtreeRoot(absl::string_view hashes);

// A tile's middle row: the nodes kMidRowLevel levels above its base row, at
// most kMidRowWidth of them (each the root of 16 base hashes). A node 4 to 7
// levels above a tile's base is then the root of at most 16 middle-row
// hashes instead of up to 256 base ones, which cuts the hashing an inclusion
// proof costs from ~250 to ~22 hashes per tile level. Stores keep it next to
// the tile; it is not part of the C2SP tiles published.
inline constexpr uint32_t kMidRowLevel = 4;
inline constexpr uint32_t kMidRowWidth = kTileWidth >> kMidRowLevel;

// A store of hash tiles. A tile may be returned at any width at least as wide
// as the node being read needs; wider content is a prefix-compatible
// extension, since tiles only ever grow.
class TileSource {
 public:
  virtual ~TileSource() = default;
  // NOT_FOUND if the tile does not exist.
  virtual absl::StatusOr<std::string> ReadTile(const TileId& tile) = 0;
  // The tile's middle row as far as it is stored (raw hashes, possibly
  // fewer than the tile's width implies); NOT_FOUND if the store keeps none
  // for this tile, in which case readers hash the base row.
  virtual absl::StatusOr<std::string> ReadMidRow(const TileId& tile);
};

// Reads Merkle nodes from tiles, fetching each tile (and middle row) at most
// once per call, from the middle row where it has the node's children.
// Fails with DATA_LOSS if a tile is shorter than a node requires.
class TileNodeReader : public merkle::NodeReader {
 public:
  explicit TileNodeReader(TileSource& source) : source_(source) {}
  absl::Status ReadNodes(absl::Span<const merkle::NodeId> ids,
                         absl::Span<merkle::Hash> out) override;

 private:
  TileSource& source_;
};

}  // namespace candor::tiles

#endif  // CANDOR_LOG_TILES_TILES_H_
