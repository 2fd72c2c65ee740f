#include "log/tiles/tiles.h"

#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace candor::tiles {
namespace {

// N as three-digit groups, all but the last prefixed with "x".
std::string IndexPath(uint64_t index) {
  std::string out = absl::StrFormat("%03d", index % 1000);
  for (index /= 1000; index > 0; index /= 1000) {
    out = absl::StrCat(absl::StrFormat("x%03d", index % 1000), "/", out);
  }
  return out;
}

std::string WidthSuffix(uint32_t width) {
  if (width == 0 || width >= kTileWidth) return "";
  return absl::StrCat(".p/", width);
}

}  // namespace

std::string TilePath(uint32_t level, uint64_t index, uint32_t width) {
  return absl::StrCat("tile/", level, "/", IndexPath(index), WidthSuffix(width));
}

std::string EntryBundlePath(uint64_t index, uint32_t width) {
  return absl::StrCat("tile/entries/", IndexPath(index), WidthSuffix(width));
}

uint32_t TileWidth(uint32_t level, uint64_t index, uint64_t tree_size) {
  uint32_t shift = level * kTileHeight;
  if (shift >= 64) return 0;
  uint64_t nodes = tree_size >> shift;
  uint64_t begin = index * kTileWidth;
  if (index > (UINT64_MAX / kTileWidth) || nodes <= begin) return 0;
  uint64_t width = nodes - begin;
  return width >= kTileWidth ? kTileWidth : static_cast<uint32_t>(width);
}

TileRange ChangedTiles(uint32_t level, uint64_t old_size, uint64_t new_size) {
  uint32_t shift = level * kTileHeight;
  if (shift >= 64) return TileRange{};
  uint64_t old_nodes = old_size >> shift;
  uint64_t new_nodes = new_size >> shift;
  if (new_nodes <= old_nodes) return TileRange{};
  return TileRange{old_nodes / kTileWidth, (new_nodes - 1) / kTileWidth};
}

absl::StatusOr<std::string> EncodeEntryBundle(
    absl::Span<const std::string> entries) {
  if (entries.size() > kTileWidth) {
    return absl::InvalidArgumentError(
        absl::StrCat("an entry bundle holds at most ", kTileWidth, " entries"));
  }
  std::string out;
  for (const std::string& e : entries) {
    if (e.empty() || e.size() > 0xFFFF) {
      return absl::InvalidArgumentError(absl::StrCat(
          "entry of ", e.size(), " bytes cannot be bundled (1..65535)"));
    }
    out.push_back(static_cast<char>(e.size() >> 8));
    out.push_back(static_cast<char>(e.size() & 0xFF));
    out += e;
  }
  return out;
}

absl::StatusOr<std::vector<std::string>> ParseEntryBundle(
    absl::string_view bundle) {
  std::vector<std::string> entries;
  size_t pos = 0;
  while (pos < bundle.size()) {
    if (entries.size() == kTileWidth) {
      return absl::InvalidArgumentError(absl::StrCat(
          "entry bundle has more than ", kTileWidth, " entries"));
    }
    if (bundle.size() - pos < 2) {
      return absl::InvalidArgumentError(absl::StrCat(
          "entry bundle truncated in the length of entry ", entries.size()));
    }
    size_t len = (static_cast<uint8_t>(bundle[pos]) << 8) |
                 static_cast<uint8_t>(bundle[pos + 1]);
    pos += 2;
    if (len == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("entry bundle has an empty entry ", entries.size()));
    }
    if (bundle.size() - pos < len) {
      return absl::InvalidArgumentError(absl::StrCat(
          "entry bundle truncated in entry ", entries.size()));
    }
    entries.emplace_back(bundle.substr(pos, len));
    pos += len;
  }
  return entries;
}

NodeLocation LocateNode(merkle::NodeId id) {
  uint32_t level_in_tile = id.level % kTileHeight;
  uint64_t first = id.index << level_in_tile;  // index at the tile's level
  NodeLocation loc;
  loc.tile = TileId{id.level / kTileHeight, first / kTileWidth};
  loc.offset = static_cast<uint32_t>(first % kTileWidth);
  loc.count = 1u << level_in_tile;
  return loc;
}

merkle::Hash SubtreeRoot(absl::string_view hashes) {
  size_t n = hashes.size() / merkle::kHashSize;
  std::vector<merkle::Hash> level(n);
  for (size_t i = 0; i < n; ++i) {
    std::memcpy(level[i].data(), hashes.data() + i * merkle::kHashSize,
                merkle::kHashSize);
  }
  while (n > 1) {
    for (size_t i = 0; i < n / 2; ++i) {
      level[i] = merkle::HashChildren(level[2 * i], level[2 * i + 1]);
    }
    n /= 2;
  }
  return level[0];
}

absl::StatusOr<std::string> TileSource::ReadMidRow(const TileId& tile) {
  return absl::NotFoundError(
      absl::StrCat("no middle row for tile ", TilePath(tile.level, tile.index, 0)));
}

absl::Status TileNodeReader::ReadNodes(absl::Span<const merkle::NodeId> ids,
                                       absl::Span<merkle::Hash> out) {
  absl::flat_hash_map<TileId, std::string> fetched;
  // Middle rows; empty when the store has none for the tile.
  absl::flat_hash_map<TileId, std::string> mid_rows;
  for (size_t i = 0; i < ids.size(); ++i) {
    NodeLocation loc = LocateNode(ids[i]);
    if (loc.count >= (1u << kMidRowLevel)) {
      auto mid = mid_rows.find(loc.tile);
      if (mid == mid_rows.end()) {
        absl::StatusOr<std::string> row = source_.ReadMidRow(loc.tile);
        if (!row.ok() && !absl::IsNotFound(row.status())) return row.status();
        mid = mid_rows.emplace(loc.tile, row.ok() ? *std::move(row) : "").first;
      }
      const size_t offset = loc.offset >> kMidRowLevel;
      const size_t count = loc.count >> kMidRowLevel;
      if (mid->second.size() >= (offset + count) * merkle::kHashSize) {
        out[i] = SubtreeRoot(absl::string_view(mid->second)
                                 .substr(offset * merkle::kHashSize,
                                         count * merkle::kHashSize));
        continue;
      }
    }
    auto it = fetched.find(loc.tile);
    if (it == fetched.end()) {
      absl::StatusOr<std::string> tile = source_.ReadTile(loc.tile);
      if (!tile.ok()) return tile.status();
      it = fetched.emplace(loc.tile, *std::move(tile)).first;
    }
    const std::string& data = it->second;
    size_t end = (static_cast<size_t>(loc.offset) + loc.count) * merkle::kHashSize;
    if (data.size() < end) {
      return absl::DataLossError(absl::StrCat(
          "tile ", TilePath(loc.tile.level, loc.tile.index, 0), " has ",
          data.size() / merkle::kHashSize, " hashes; node (", ids[i].level,
          ", ", ids[i].index, ") needs ", end / merkle::kHashSize));
    }
    out[i] = SubtreeRoot(absl::string_view(data).substr(
        loc.offset * merkle::kHashSize, loc.count * merkle::kHashSize));
  }
  return absl::OkStatus();
}

}  // namespace candor::tiles
