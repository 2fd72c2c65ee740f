#include "log/storage/log_store.h"

#include <algorithm>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "log/logging/logging.h"
#include "log/storage/rocksdb_util.h"
#include "rocksdb/cache.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/slice_transform.h"
#include "rocksdb/table.h"

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

absl::Status Closed() {
  return absl::UnavailableError(
      "the store could not be reopened after an I/O error; it is retried on the "
      "next write");
}

}  // namespace

absl::Status LogStore::OpenDb() {
  rocksdb::DB* db = nullptr;
  rocksdb::Status s =
      rocksdb::DB::Open(db_options_, dir_, families_, &handles_, &db);
  if (!s.ok()) return FromRocksDb(s, absl::StrCat("opening ", dir_));
  db_.reset(db);
  meta_ = handles_[0];
  entries_ = handles_[1];
  leaf_index_ = handles_[2];
  tiles_ = handles_[3];
  checkpoints_ = handles_[4];
  registry_ = handles_[5];
  identity_index_ = handles_[6];
  index_ = handles_[7];
  return absl::OkStatus();
}

void LogStore::CloseDb() {
  if (db_ == nullptr) return;
  for (rocksdb::ColumnFamilyHandle* h : handles_) db_->DestroyColumnFamilyHandle(h);
  handles_.clear();
  db_->Close();
  db_.reset();
  meta_ = entries_ = leaf_index_ = tiles_ = checkpoints_ = registry_ =
      identity_index_ = index_ = nullptr;
}

absl::StatusOr<std::unique_ptr<LogStore>> LogStore::Open(
    const std::string& dir, const StoreOptions& options) {
  if (!options.identity) {
    return absl::InvalidArgumentError(
        "the log store needs an entry identity function (StoreOptions.identity)");
  }
  rocksdb::DBOptions db_options;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  if (options.env != nullptr) db_options.env = options.env;
  // Durability comes from synced writes; the WAL must never be recycled or
  // skipped.
  db_options.manual_wal_flush = false;
  // A WAL file is deleted only when every column family has flushed what it
  // holds, and the small families (meta, tiles, checkpoints) rarely fill a
  // memtable: without a cap, WAL files pile up (70 MB per 64 MB of entries)
  // and start-up replays them all.
  db_options.max_total_wal_size = 64 << 20;

  std::shared_ptr<rocksdb::Cache> cache =
      rocksdb::NewLRUCache(options.block_cache_bytes);
  enum class Filter { kNone, kPrefix, kWholeKey };
  auto table_options = [&](Filter filter) {
    rocksdb::BlockBasedTableOptions t;
    t.block_cache = cache;
    if (filter != Filter::kNone) {
      t.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
      t.whole_key_filtering = filter == Filter::kWholeKey;
    }
    return rocksdb::NewBlockBasedTableFactory(t);
  };
  rocksdb::ColumnFamilyOptions plain;
  plain.table_factory.reset(table_options(Filter::kNone));
  rocksdb::ColumnFamilyOptions hash_index = plain;
  hash_index.prefix_extractor.reset(
      rocksdb::NewFixedPrefixTransform(kHashPrefixSize));
  hash_index.table_factory.reset(table_options(Filter::kPrefix));
  // Every proof reads a few tiles by key; a tile rewritten as it grows has
  // versions in several levels, and the filter spares the probes of levels
  // that do not hold it.
  rocksdb::ColumnFamilyOptions tiles = plain;
  tiles.table_factory.reset(table_options(Filter::kWholeKey));

  auto store = std::unique_ptr<LogStore>(new LogStore());
  store->dir_ = dir;
  store->identity_ = options.identity;
  store->db_options_ = db_options;
  store->families_ = {
      {rocksdb::kDefaultColumnFamilyName, plain},
      {"entries", plain},
      {"leaf_index", hash_index},
      {"tiles", tiles},
      {"checkpoints", plain},
      {"registry", plain},
      {"identity_index", hash_index},
      {"index", plain},
  };
  {
    absl::MutexLock lock(&store->db_mu_);
    if (absl::Status s = store->OpenDb(); !s.ok()) return s;
  }

  absl::StatusOr<std::string> version =
      store->Get(store->meta_, kMetaSchemaVersion);
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

LogStore::~LogStore() {
  absl::MutexLock lock(&db_mu_);
  CloseDb();
}

absl::StatusOr<std::string> LogStore::Get(rocksdb::ColumnFamilyHandle* cf,
                                          absl::string_view key) {
  absl::ReaderMutexLock lock(&db_mu_);
  if (db_ == nullptr) return Closed();
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), cf, ToSlice(key), &value);
  if (s.IsNotFound()) return absl::NotFoundError("not found");
  if (!s.ok()) return FromRocksDb(s, "read");
  return value;
}

absl::StatusOr<uint64_t> LogStore::EstimatedLiveBytes() {
  absl::ReaderMutexLock lock(&db_mu_);
  if (db_ == nullptr) return Closed();
  uint64_t total = 0;
  for (rocksdb::ColumnFamilyHandle* cf : handles_) {
    uint64_t bytes = 0;
    if (db_->GetIntProperty(cf, "rocksdb.estimate-live-data-size", &bytes)) {
      total += bytes;
    }
  }
  return total;
}

absl::StatusOr<uint64_t> LogStore::ReadSequencedSize() {
  absl::StatusOr<std::string> v = Get(meta_, kMetaSequencedSize);
  if (absl::IsNotFound(v.status())) return 0;
  if (!v.ok()) return v.status();
  if (v->size() != 8) return absl::DataLossError("corrupt sequenced size");
  return ReadBigEndian64(*v);
}

absl::StatusOr<uint64_t> LogStore::ReadPublishedSize() {
  absl::StatusOr<std::string> v = Get(meta_, kMetaPublishedSize);
  if (absl::IsNotFound(v.status())) return 0;
  if (!v.ok()) return v.status();
  if (v->size() != 8) return absl::DataLossError("corrupt published size");
  return ReadBigEndian64(*v);
}

absl::StatusOr<uint64_t> LogStore::ReadWitnessedSize() {
  absl::StatusOr<std::string> v = Get(meta_, kMetaWitnessedSize);
  if (!v.ok()) return v.status();
  if (v->size() != 8) return absl::DataLossError("corrupt witnessed size");
  return ReadBigEndian64(*v);
}

absl::StatusOr<TreeState> LogStore::ReadTreeState() {
  absl::StatusOr<std::string> v = Get(meta_, kMetaTreeState);
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
  absl::StatusOr<std::string> v = Get(entries_, BigEndian64(index));
  if (absl::IsNotFound(v.status())) {
    return absl::NotFoundError(absl::StrCat("no entry at index ", index));
  }
  return v;
}

absl::Status LogStore::ReadEntries(uint64_t start, uint64_t count,
                                   size_t max_bytes,
                                   std::vector<std::string>& out) {
  absl::ReaderMutexLock lock(&db_mu_);
  if (db_ == nullptr) return Closed();
  if (count == 0) return absl::OkStatus();
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), entries_));
  size_t bytes = 0;
  uint64_t want = start;
  for (it->Seek(ToSlice(BigEndian64(start)));
       it->Valid() && want < start + count; it->Next(), ++want) {
    if (it->key().size() != 8 || ReadBigEndian64(ToView(it->key())) != want) {
      break;
    }
    if (want > start && bytes + it->value().size() > max_bytes) break;
    bytes += it->value().size();
    out.emplace_back(it->value().data(), it->value().size());
  }
  return FromRocksDb(it->status(), "reading entries");
}

absl::StatusOr<std::vector<uint64_t>> LogStore::Candidates(
    rocksdb::ColumnFamilyHandle* cf, const Sha256Digest& hash) {
  const absl::string_view prefix =
      merkle::AsBytes(hash).substr(0, kHashPrefixSize);
  std::vector<uint64_t> candidates;
  absl::ReaderMutexLock lock(&db_mu_);
  if (db_ == nullptr) return Closed();
  rocksdb::ReadOptions options;
  options.prefix_same_as_start = true;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(options, cf));
  for (it->Seek(ToSlice(prefix)); it->Valid(); it->Next()) {
    absl::string_view key = ToView(it->key());
    if (key.size() != kHashPrefixSize + 8 ||
        key.substr(0, kHashPrefixSize) != prefix) {
      break;
    }
    candidates.push_back(ReadBigEndian64(key.substr(kHashPrefixSize)));
  }
  if (absl::Status s = FromRocksDb(it->status(), "index lookup"); !s.ok()) {
    return s;
  }
  return candidates;
}

absl::StatusOr<std::optional<uint64_t>> LogStore::FindLeafHash(
    const merkle::Hash& leaf_hash) {
  absl::StatusOr<std::vector<uint64_t>> candidates =
      Candidates(leaf_index_, leaf_hash);
  if (!candidates.ok()) return candidates.status();
  for (uint64_t index : *candidates) {
    absl::StatusOr<std::string> entry = ReadEntry(index);
    if (!entry.ok()) return entry.status();
    if (merkle::HashLeaf(*entry) == leaf_hash) return index;
  }
  return std::nullopt;
}

absl::StatusOr<std::optional<StoredEntry>> LogStore::FindIdentity(
    const Sha256Digest& identity) {
  absl::StatusOr<std::vector<uint64_t>> candidates =
      Candidates(identity_index_, identity);
  if (!candidates.ok()) return candidates.status();
  // Keys sort by index within a prefix: the first match is the original.
  for (uint64_t index : *candidates) {
    absl::StatusOr<std::string> entry = ReadEntry(index);
    if (!entry.ok()) return entry.status();
    absl::StatusOr<Sha256Digest> id = identity_(*entry);
    if (!id.ok()) {
      return absl::DataLossError(absl::StrCat(
          "stored entry ", index, " has no identity: ", id.status().message()));
    }
    if (*id == identity) return StoredEntry{index, *std::move(entry)};
  }
  return std::nullopt;
}

absl::Status LogStore::UpgradeFromVersion1() {
  absl::StatusOr<uint64_t> size = ReadSequencedSize();
  if (!size.ok()) return size.status();
  logging::Info("upgrading the log store from schema version 1: indexing the "
                "identity of every entry, once",
                {{"dir", dir_}, {"entries", absl::StrCat(*size)}});
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
  logging::Info("log store upgraded to schema version 2", {{"dir", dir_}});
  return absl::OkStatus();
}

absl::StatusOr<std::string> LogStore::ReadMidRow(const tiles::TileId& tile) {
  absl::StatusOr<std::string> v = Get(tiles_, MidRowKey(tile));
  if (absl::IsNotFound(v.status())) {
    return absl::NotFoundError(absl::StrCat(
        "no middle row for tile ", tiles::TilePath(tile.level, tile.index, 0)));
  }
  return v;
}

absl::StatusOr<std::string> LogStore::ReadTile(const tiles::TileId& tile) {
  absl::StatusOr<std::string> v = Get(tiles_, TileKey(tile));
  if (absl::IsNotFound(v.status())) {
    return absl::NotFoundError(absl::StrCat(
        "no tile ", tiles::TilePath(tile.level, tile.index, 0)));
  }
  return v;
}

absl::StatusOr<std::string> LogStore::ReadCheckpoint(uint64_t size) {
  absl::StatusOr<std::string> v = Get(checkpoints_, BigEndian64(size));
  if (absl::IsNotFound(v.status())) {
    return absl::NotFoundError(
        absl::StrCat("the log signed no checkpoint at size ", size));
  }
  return v;
}

namespace {

class SnapshotIndexView : public LogStore::IndexView {
 public:
  SnapshotIndexView(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf)
      : db_(db), cf_(cf), snapshot_(db->GetSnapshot()) {
    options_.snapshot = snapshot_;
  }
  ~SnapshotIndexView() override { db_->ReleaseSnapshot(snapshot_); }

  absl::StatusOr<std::optional<std::string>> Get(absl::string_view key) override {
    std::string value;
    rocksdb::Status s = db_->Get(options_, cf_, ToSlice(key), &value);
    if (s.IsNotFound()) return std::nullopt;
    if (!s.ok()) return FromRocksDb(s, "reading the index");
    return value;
  }

  absl::Status Scan(absl::string_view start, absl::string_view limit,
                    absl::FunctionRef<bool(absl::string_view, absl::string_view)> visit)
      override {
    rocksdb::ReadOptions options = options_;
    const rocksdb::Slice upper = ToSlice(limit);
    options.iterate_upper_bound = &upper;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(options, cf_));
    for (it->Seek(ToSlice(start)); it->Valid(); it->Next()) {
      if (!visit(absl::string_view(it->key().data(), it->key().size()),
                 absl::string_view(it->value().data(), it->value().size()))) {
        break;
      }
    }
    return FromRocksDb(it->status(), "reading the index");
  }

 private:
  rocksdb::DB* db_;
  rocksdb::ColumnFamilyHandle* cf_;
  const rocksdb::Snapshot* snapshot_;
  rocksdb::ReadOptions options_;
};

}  // namespace

absl::Status LogStore::ReadIndex(absl::FunctionRef<absl::Status(IndexView&)> read) {
  absl::ReaderMutexLock lock(&db_mu_);
  if (db_ == nullptr) return Closed();
  SnapshotIndexView view(db_.get(), index_);
  return read(view);
}

absl::StatusOr<std::vector<std::pair<std::string, std::string>>>
LogStore::ReadRegistry() {
  absl::ReaderMutexLock lock(&db_mu_);
  if (db_ == nullptr) return Closed();
  std::vector<std::pair<std::string, std::string>> out;
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), registry_));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    out.emplace_back(it->key().ToString(), it->value().ToString());
  }
  if (absl::Status s = FromRocksDb(it->status(), "reading registry"); !s.ok()) {
    return s;
  }
  return out;
}

void LogStore::Batch::PutEntry(uint64_t index, absl::string_view entry,
                               const merkle::Hash& leaf_hash,
                               const Sha256Digest& identity) {
  // The column family handles change if the store reopens.
  absl::ReaderMutexLock lock(&store_->db_mu_);
  if (store_->db_ == nullptr) return;  // Commit will report it
  batch_.Put(store_->entries_, ToSlice(BigEndian64(index)), ToSlice(entry));
  batch_.Put(store_->leaf_index_, ToSlice(HashIndexKey(leaf_hash, index)),
             rocksdb::Slice());
  batch_.Put(store_->identity_index_, ToSlice(HashIndexKey(identity, index)),
             rocksdb::Slice());
}

void LogStore::Batch::PutIndexRecord(absl::string_view key, absl::string_view value) {
  absl::ReaderMutexLock lock(&store_->db_mu_);
  if (store_->db_ == nullptr) return;  // Commit will report it
  batch_.Put(store_->index_, ToSlice(key), ToSlice(value));
}

void LogStore::Batch::PutIdentity(uint64_t index, const Sha256Digest& identity) {
  absl::ReaderMutexLock lock(&store_->db_mu_);
  if (store_->db_ == nullptr) return;  // Commit will report it
  batch_.Put(store_->identity_index_, ToSlice(HashIndexKey(identity, index)),
             rocksdb::Slice());
}

void LogStore::Batch::PutSchemaVersion() {
  absl::ReaderMutexLock lock(&store_->db_mu_);
  if (store_->db_ == nullptr) return;
  batch_.Put(store_->meta_, kMetaSchemaVersion, std::to_string(kSchemaVersion));
}

void LogStore::Batch::PutSequencedSize(uint64_t size) {
  // The column family handles change if the store reopens.
  absl::ReaderMutexLock lock(&store_->db_mu_);
  if (store_->db_ == nullptr) return;  // Commit will report it
  batch_.Put(store_->meta_, kMetaSequencedSize, ToSlice(BigEndian64(size)));
}

void LogStore::Batch::PutTile(const tiles::TileId& tile,
                              absl::string_view hashes) {
  // The column family handles change if the store reopens.
  absl::ReaderMutexLock lock(&store_->db_mu_);
  if (store_->db_ == nullptr) return;  // Commit will report it
  batch_.Put(store_->tiles_, ToSlice(TileKey(tile)), ToSlice(hashes));
}

void LogStore::Batch::PutMidRow(const tiles::TileId& tile, absl::string_view hashes) {
  absl::ReaderMutexLock lock(&store_->db_mu_);
  if (store_->db_ == nullptr) return;  // Commit will report it
  batch_.Put(store_->tiles_, ToSlice(MidRowKey(tile)), ToSlice(hashes));
}

void LogStore::Batch::PutCheckpoint(uint64_t size, absl::string_view note) {
  // The column family handles change if the store reopens.
  absl::ReaderMutexLock lock(&store_->db_mu_);
  if (store_->db_ == nullptr) return;  // Commit will report it
  batch_.Put(store_->checkpoints_, ToSlice(BigEndian64(size)), ToSlice(note));
}

void LogStore::Batch::PutTreeState(const TreeState& state) {
  // The column family handles change if the store reopens.
  absl::ReaderMutexLock lock(&store_->db_mu_);
  if (store_->db_ == nullptr) return;  // Commit will report it
  std::string value = absl::StrCat(BigEndian64(state.size),
                                   merkle::AsBytes(state.root), state.checkpoint);
  batch_.Put(store_->meta_, kMetaTreeState, ToSlice(value));
}

void LogStore::Batch::PutPublishedSize(uint64_t size) {
  // The column family handles change if the store reopens.
  absl::ReaderMutexLock lock(&store_->db_mu_);
  if (store_->db_ == nullptr) return;  // Commit will report it
  batch_.Put(store_->meta_, kMetaPublishedSize, ToSlice(BigEndian64(size)));
}

void LogStore::Batch::PutWitnessedSize(uint64_t size) {
  absl::ReaderMutexLock lock(&store_->db_mu_);
  if (store_->db_ == nullptr) return;  // Commit will report it
  batch_.Put(store_->meta_, kMetaWitnessedSize, ToSlice(BigEndian64(size)));
}

void LogStore::Batch::PutRegistryRecord(absl::string_view key,
                                        absl::string_view value) {
  // The column family handles change if the store reopens.
  absl::ReaderMutexLock lock(&store_->db_mu_);
  if (store_->db_ == nullptr) return;  // Commit will report it
  batch_.Put(store_->registry_, ToSlice(key), ToSlice(value));
}

absl::Status LogStore::Commit(Batch& batch, bool sync) {
  absl::ReaderMutexLock lock(&db_mu_);
  if (db_ == nullptr) return Closed();
  rocksdb::WriteOptions options;
  options.sync = sync;
  return FromRocksDb(db_->Write(options, &batch.batch_), "write");
}

absl::Status LogStore::Resume() {
  {
    absl::ReaderMutexLock lock(&db_mu_);
    if (db_ != nullptr && db_->Resume().ok()) return absl::OkStatus();
  }
  // RocksDB keeps some write errors (e.g. on the WAL) for good; reopening
  // recovers from what is on disk, as a restart would, without one.
  absl::MutexLock lock(&db_mu_);
  CloseDb();
  return OpenDb();
}

}  // namespace candor::storage
