#include "log/storage/log_store.h"

#include <algorithm>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "log/logging/logging.h"
#include "log/storage/rocksdb_util.h"

namespace candor::storage {
namespace {

constexpr char kMetaSchemaVersion[] = "schema_version";
constexpr char kMetaSequencedSize[] = "sequenced_size";
constexpr char kMetaTreeState[] = "tree_state";
constexpr char kMetaPublishedSize[] = "published_size";
constexpr char kMetaWitnessedSize[] = "witnessed_size";

// The leaf-hash and identity indexes key on this many bytes of the hash
// followed by the index: 16-byte keys with empty values instead of 40 bytes,
// and a (vanishingly rare) prefix collision only costs reading one more
// entry.
constexpr size_t kHashPrefixSize = 8;
// Entries read and indexed per batch while upgrading from schema version 1.
constexpr uint64_t kUpgradeBatchEntries = 4096;

std::string TileKey(const tiles::TileId& tile) {
  return absl::StrCat(std::string(1, static_cast<char>(tile.level)),
                      BigEndian64(tile.index));
}

// Middle rows live next to their tiles, under the tile's key with the top
// bit of the level byte set (tile levels are below 8).
std::string MidRowKey(const tiles::TileId& tile) {
  return absl::StrCat(std::string(1, static_cast<char>(tile.level | 0x80)),
                      BigEndian64(tile.index));
}

std::string HashIndexKey(const Sha256Digest& hash, uint64_t index) {
  return absl::StrCat(merkle::AsBytes(hash).substr(0, kHashPrefixSize),
                      BigEndian64(index));
}

}  // namespace

absl::StatusOr<std::unique_ptr<LogStore>> LogStore::Open(
    std::unique_ptr<RecordStore> records, std::string location, IdentityFn identity) {
  if (!identity) {
    return absl::InvalidArgumentError(
        "the log store needs an entry identity function");
  }
  auto store = std::unique_ptr<LogStore>(
      new LogStore(std::move(records), std::move(location), std::move(identity)));
  const std::string& dir = store->location_;
  absl::StatusOr<std::string> version = store->Get(Family::kMeta, kMetaSchemaVersion);
  if (version.ok()) {
    int v = 0;
    if (absl::SimpleAtoi(*version, &v) && v == 1) {
      if (absl::Status s = store->UpgradeFromVersion1(); !s.ok()) return s;
    } else if (!absl::SimpleAtoi(*version, &v) || v != kSchemaVersion) {
      return absl::FailedPreconditionError(absl::StrCat(
          dir, " holds a log of schema version ", *version, "; this build reads ",
          kSchemaVersion));
    }
  } else if (absl::IsNotFound(version.status())) {
    Batch init = store->NewBatch();
    init.PutSchemaVersion();
    if (absl::Status st = store->Commit(init); !st.ok()) return st;
  } else {
    return version.status();
  }
  return store;
}

std::vector<RecordWrite> LogStore::InitialRecords() {
  Batch batch;
  batch.PutSchemaVersion();
  return batch.writes_;
}

absl::StatusOr<std::string> LogStore::Get(Family family, absl::string_view key) {
  absl::StatusOr<std::optional<std::string>> value = records_->Get(family, key);
  if (!value.ok()) return value.status();
  if (!value->has_value()) return absl::NotFoundError("not found");
  return **std::move(value);
}

absl::StatusOr<uint64_t> LogStore::ReadSequencedSize() {
  absl::StatusOr<std::string> v = Get(Family::kMeta, kMetaSequencedSize);
  if (absl::IsNotFound(v.status())) return 0;
  if (!v.ok()) return v.status();
  if (v->size() != 8) return absl::DataLossError("corrupt sequenced size");
  return ReadBigEndian64(*v);
}

absl::StatusOr<uint64_t> LogStore::ReadPublishedSize() {
  absl::StatusOr<std::string> v = Get(Family::kMeta, kMetaPublishedSize);
  if (absl::IsNotFound(v.status())) return 0;
  if (!v.ok()) return v.status();
  if (v->size() != 8) return absl::DataLossError("corrupt published size");
  return ReadBigEndian64(*v);
}

absl::StatusOr<uint64_t> LogStore::ReadWitnessedSize() {
  absl::StatusOr<std::string> v = Get(Family::kMeta, kMetaWitnessedSize);
  if (!v.ok()) return v.status();
  if (v->size() != 8) return absl::DataLossError("corrupt witnessed size");
  return ReadBigEndian64(*v);
}

absl::StatusOr<TreeState> LogStore::ReadTreeState() {
  absl::StatusOr<std::string> v = Get(Family::kMeta, kMetaTreeState);
  if (absl::IsNotFound(v.status())) return TreeState();
  if (!v.ok()) return v.status();
  if (v->size() < 8 + merkle::kHashSize) {
    return absl::DataLossError("corrupt tree state");
  }
  TreeState state;
  state.size = ReadBigEndian64(*v);
  std::memcpy(state.root.data(), v->data() + 8, merkle::kHashSize);
  state.checkpoint = v->substr(8 + merkle::kHashSize);
  return state;
}

absl::StatusOr<std::string> LogStore::ReadEntry(uint64_t index) {
  absl::StatusOr<std::string> v = Get(Family::kEntries, BigEndian64(index));
  if (absl::IsNotFound(v.status())) {
    return absl::NotFoundError(absl::StrCat("no entry at index ", index));
  }
  return v;
}

absl::Status LogStore::ReadEntries(uint64_t start, uint64_t count,
                                   size_t max_bytes,
                                   std::vector<std::string>& out) {
  if (count == 0) return absl::OkStatus();
  size_t bytes = 0;
  uint64_t want = start;
  const std::string limit =
      count > UINT64_MAX - start ? std::string() : BigEndian64(start + count);
  return records_->Scan(
      Family::kEntries, BigEndian64(start), limit,
      [&](absl::string_view key, absl::string_view value) {
        if (key.size() != 8 || ReadBigEndian64(key) != want) return false;
        if (want > start && bytes + value.size() > max_bytes) return false;
        bytes += value.size();
        out.emplace_back(value);
        ++want;
        return true;
      });
}

absl::StatusOr<std::vector<std::vector<uint64_t>>> LogStore::Candidates(
    Family family, absl::Span<const Sha256Digest> hashes) {
  std::vector<std::string> prefixes;
  prefixes.reserve(hashes.size());
  for (const Sha256Digest& hash : hashes) {
    prefixes.emplace_back(merkle::AsBytes(hash).substr(0, kHashPrefixSize));
  }
  std::vector<std::vector<uint64_t>> candidates(hashes.size());
  absl::Status s = records_->ScanPrefixes(
      family, prefixes, [&](size_t i, absl::string_view key, absl::string_view) {
        if (key.size() == kHashPrefixSize + 8) {
          candidates[i].push_back(ReadBigEndian64(key.substr(kHashPrefixSize)));
        }
      });
  if (!s.ok()) return s;
  return candidates;
}

absl::StatusOr<std::optional<uint64_t>> LogStore::FindLeafHash(
    const merkle::Hash& leaf_hash) {
  absl::StatusOr<std::vector<std::vector<uint64_t>>> candidates =
      Candidates(Family::kLeafIndex, absl::MakeConstSpan(&leaf_hash, 1));
  if (!candidates.ok()) return candidates.status();
  for (uint64_t index : (*candidates)[0]) {
    absl::StatusOr<std::string> entry = ReadEntry(index);
    if (!entry.ok()) return entry.status();
    if (merkle::HashLeaf(*entry) == leaf_hash) return index;
  }
  return std::nullopt;
}

absl::StatusOr<std::optional<StoredEntry>> LogStore::FindIdentity(
    const Sha256Digest& identity) {
  absl::StatusOr<std::vector<std::optional<StoredEntry>>> found =
      FindIdentities(absl::MakeConstSpan(&identity, 1));
  if (!found.ok()) return found.status();
  return std::move((*found)[0]);
}

absl::StatusOr<std::vector<std::optional<StoredEntry>>> LogStore::FindIdentities(
    absl::Span<const Sha256Digest> identities) {
  absl::StatusOr<std::vector<std::vector<uint64_t>>> candidates =
      Candidates(Family::kIdentityIndex, identities);
  if (!candidates.ok()) return candidates.status();
  std::vector<std::optional<StoredEntry>> found(identities.size());
  for (size_t i = 0; i < identities.size(); ++i) {
    // Keys sort by index within a prefix: the first match is the original.
    for (uint64_t index : (*candidates)[i]) {
      absl::StatusOr<std::string> entry = ReadEntry(index);
      if (!entry.ok()) return entry.status();
      absl::StatusOr<Sha256Digest> id = identity_(*entry);
      if (!id.ok()) {
        return absl::DataLossError(absl::StrCat(
            "stored entry ", index, " has no identity: ", id.status().message()));
      }
      if (*id == identities[i]) {
        found[i] = StoredEntry{index, *std::move(entry)};
        break;
      }
    }
  }
  return found;
}

absl::Status LogStore::UpgradeFromVersion1() {
  absl::StatusOr<uint64_t> size = ReadSequencedSize();
  if (!size.ok()) return size.status();
  logging::Info("upgrading the log store from schema version 1: indexing the "
                "identity of every entry, once",
                {{"store", location_}, {"entries", absl::StrCat(*size)}});
  for (uint64_t start = 0; start < *size; start += kUpgradeBatchEntries) {
    const uint64_t count = std::min(kUpgradeBatchEntries, *size - start);
    std::vector<std::string> entries;
    if (absl::Status s = ReadEntries(start, count, SIZE_MAX, entries); !s.ok()) {
      return s;
    }
    if (entries.size() != count) {
      return absl::DataLossError(absl::StrCat(
          "entry ", start + entries.size(), " is missing below the sequenced size ",
          *size));
    }
    Batch batch = NewBatch();
    for (uint64_t i = 0; i < count; ++i) {
      absl::StatusOr<Sha256Digest> id = identity_(entries[i]);
      if (!id.ok()) {
        return absl::DataLossError(absl::StrCat(
            "upgrading the log store: entry ", start + i,
            " has no identity: ", id.status().message()));
      }
      batch.PutIdentity(start + i, *id);
    }
    // Unsynced: the version below is written, synced, only after every
    // batch, and an interrupted upgrade starts again.
    if (absl::Status s = Commit(batch, /*sync=*/false); !s.ok()) return s;
  }
  Batch done = NewBatch();
  done.PutSchemaVersion();
  if (absl::Status s = Commit(done); !s.ok()) return s;
  logging::Info("log store upgraded to schema version 2", {{"store", location_}});
  return absl::OkStatus();
}

absl::StatusOr<std::string> LogStore::ReadMidRow(const tiles::TileId& tile) {
  absl::StatusOr<std::string> v = Get(Family::kTiles, MidRowKey(tile));
  if (absl::IsNotFound(v.status())) {
    return absl::NotFoundError(absl::StrCat(
        "no middle row for tile ", tiles::TilePath(tile.level, tile.index, 0)));
  }
  return v;
}

absl::StatusOr<std::string> LogStore::ReadTile(const tiles::TileId& tile) {
  absl::StatusOr<std::string> v = Get(Family::kTiles, TileKey(tile));
  if (absl::IsNotFound(v.status())) {
    return absl::NotFoundError(absl::StrCat(
        "no tile ", tiles::TilePath(tile.level, tile.index, 0)));
  }
  return v;
}

absl::StatusOr<std::string> LogStore::ReadCheckpoint(uint64_t size) {
  absl::StatusOr<std::string> v = Get(Family::kCheckpoints, BigEndian64(size));
  if (absl::IsNotFound(v.status())) {
    return absl::NotFoundError(
        absl::StrCat("the log signed no checkpoint at size ", size));
  }
  return v;
}

namespace {

class IndexFamilyView : public LogStore::IndexView {
 public:
  explicit IndexFamilyView(RecordReader& reader) : reader_(reader) {}
  absl::StatusOr<std::optional<std::string>> Get(absl::string_view key) override {
    return reader_.Get(Family::kIndex, key);
  }
  absl::Status Scan(absl::string_view start, absl::string_view limit,
                    absl::FunctionRef<bool(absl::string_view, absl::string_view)> visit)
      override {
    return reader_.Scan(Family::kIndex, start, limit, visit);
  }

 private:
  RecordReader& reader_;
};

}  // namespace

absl::Status LogStore::ReadIndex(absl::FunctionRef<absl::Status(IndexView&)> read) {
  return records_->ReadSnapshot([&](RecordReader& reader) {
    IndexFamilyView view(reader);
    return read(view);
  });
}

absl::StatusOr<std::vector<std::pair<std::string, std::string>>>
LogStore::ReadRegistry() {
  std::vector<std::pair<std::string, std::string>> out;
  absl::Status s = records_->Scan(Family::kRegistry, "", "",
                                  [&](absl::string_view key, absl::string_view value) {
                                    out.emplace_back(key, value);
                                    return true;
                                  });
  if (!s.ok()) return s;
  return out;
}

void LogStore::Batch::Put(Family family, std::string key, absl::string_view value) {
  writes_.push_back(RecordWrite{family, std::move(key), std::string(value)});
}

void LogStore::Batch::PutEntry(uint64_t index, absl::string_view entry,
                               const merkle::Hash& leaf_hash,
                               const Sha256Digest& identity) {
  Put(Family::kEntries, BigEndian64(index), entry);
  Put(Family::kLeafIndex, HashIndexKey(leaf_hash, index), "");
  Put(Family::kIdentityIndex, HashIndexKey(identity, index), "");
}

void LogStore::Batch::PutIndexRecord(absl::string_view key, absl::string_view value) {
  Put(Family::kIndex, std::string(key), value);
}

void LogStore::Batch::PutIdentity(uint64_t index, const Sha256Digest& identity) {
  Put(Family::kIdentityIndex, HashIndexKey(identity, index), "");
}

void LogStore::Batch::PutSchemaVersion() {
  Put(Family::kMeta, kMetaSchemaVersion, std::to_string(kSchemaVersion));
}

void LogStore::Batch::PutSequencedSize(uint64_t size) {
  Put(Family::kMeta, kMetaSequencedSize, BigEndian64(size));
}

void LogStore::Batch::PutTile(const tiles::TileId& tile, absl::string_view hashes) {
  Put(Family::kTiles, TileKey(tile), hashes);
}

void LogStore::Batch::PutMidRow(const tiles::TileId& tile, absl::string_view hashes) {
  Put(Family::kTiles, MidRowKey(tile), hashes);
}

void LogStore::Batch::PutCheckpoint(uint64_t size, absl::string_view note) {
  Put(Family::kCheckpoints, BigEndian64(size), note);
}

void LogStore::Batch::PutTreeState(const TreeState& state) {
  Put(Family::kMeta, kMetaTreeState,
      absl::StrCat(BigEndian64(state.size), merkle::AsBytes(state.root), state.checkpoint));
}

void LogStore::Batch::PutPublishedSize(uint64_t size) {
  Put(Family::kMeta, kMetaPublishedSize, BigEndian64(size));
}

void LogStore::Batch::PutWitnessedSize(uint64_t size) {
  Put(Family::kMeta, kMetaWitnessedSize, BigEndian64(size));
}

void LogStore::Batch::PutRegistryRecord(absl::string_view key, absl::string_view value) {
  Put(Family::kRegistry, std::string(key), value);
}

absl::Status LogStore::Commit(Batch& batch, bool sync) {
  return records_->Commit(batch.writes_, sync);
}

}  // namespace candor::storage
